package audit

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"iam-layout/layout"
	"iam-layout/policies"
)

// management is what the audit reads of the management account, in one
// paginated GetAccountAuthorizationDetails.
type management struct {
	users    map[string]iamtypes.UserDetail  // by name
	roles    []iamtypes.RoleDetail           // every role, a principal to simulate
	groups   map[string]iamtypes.GroupDetail // by name
	policies map[string]iamtypes.ManagedPolicyDetail
}

func readManagement(ctx context.Context, client *iam.Client) (*management, error) {
	m := &management{
		users:    map[string]iamtypes.UserDetail{},
		groups:   map[string]iamtypes.GroupDetail{},
		policies: map[string]iamtypes.ManagedPolicyDetail{},
	}
	pages := iam.NewGetAccountAuthorizationDetailsPaginator(client, &iam.GetAccountAuthorizationDetailsInput{
		Filter: []iamtypes.EntityType{iamtypes.EntityTypeUser, iamtypes.EntityTypeRole, iamtypes.EntityTypeGroup, iamtypes.EntityTypeLocalManagedPolicy},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the management account (iam:GetAccountAuthorizationDetails): %w", err)
		}
		for _, u := range page.UserDetailList {
			m.users[aws.ToString(u.UserName)] = u
		}
		m.roles = append(m.roles, page.RoleDetailList...)
		for _, g := range page.GroupDetailList {
			m.groups[aws.ToString(g.GroupName)] = g
		}
		for _, p := range page.Policies {
			m.policies[aws.ToString(p.Arn)] = p
		}
	}
	return m, nil
}

// defaultDocument is a managed policy's default version's document.
func (m *management) defaultDocument(arn string) (string, bool) {
	p, ok := m.policies[arn]
	if !ok {
		return "", false
	}
	for _, v := range p.PolicyVersionList {
		if v.IsDefaultVersion {
			return aws.ToString(v.Document), true
		}
	}
	return "", false
}

// liveRole is a role of a child account as the audit reads it.
type liveRole struct {
	name, path, arn string
	trust           string
	inline          map[string]string
	attached        []string
	boundary        string
	maxSession      int32
}

// readAccount reads the roles of a child account that bear a layout role
// definition's name: all of them in one paginated
// GetAccountAuthorizationDetails (trust, inline and attached policies,
// boundary), then GetRole for the declared ones (MaxSessionDuration, which
// the former does not return).
func readAccount(ctx context.Context, client *iam.Client, names map[string]bool, declared []*layout.Role) (map[string]*liveRole, error) {
	roles := map[string]*liveRole{}
	pages := iam.NewGetAccountAuthorizationDetailsPaginator(client, &iam.GetAccountAuthorizationDetailsInput{
		Filter: []iamtypes.EntityType{iamtypes.EntityTypeRole},
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("iam:GetAccountAuthorizationDetails: %w", err)
		}
		for _, r := range page.RoleDetailList {
			name := aws.ToString(r.RoleName)
			if !names[name] {
				continue
			}
			lr := &liveRole{name: name, path: aws.ToString(r.Path), arn: aws.ToString(r.Arn), trust: aws.ToString(r.AssumeRolePolicyDocument), inline: map[string]string{}}
			for _, p := range r.RolePolicyList {
				lr.inline[aws.ToString(p.PolicyName)] = aws.ToString(p.PolicyDocument)
			}
			for _, p := range r.AttachedManagedPolicies {
				lr.attached = append(lr.attached, aws.ToString(p.PolicyArn))
			}
			if r.PermissionsBoundary != nil {
				lr.boundary = aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn)
			}
			roles[name] = lr
		}
	}
	for _, r := range declared {
		lr := roles[r.Name]
		if lr == nil {
			continue
		}
		out, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(r.Name)})
		var gone *iamtypes.NoSuchEntityException
		switch {
		case errors.As(err, &gone):
			// Deleted between the two reads: it is missing.
			delete(roles, r.Name)
			continue
		case err != nil:
			return nil, fmt.Errorf("iam:GetRole %s: %w", r.Name, err)
		}
		lr.maxSession = aws.ToInt32(out.Role.MaxSessionDuration)
	}
	return roles, nil
}

// mfaContexts are the contexts the simulator is asked under, in report
// order.
var mfaContexts = []string{NoMFA, FreshMFA, StaleMFA}

// freshMFAAgeSeconds is the MFA age of the fresh context: a sign-in a
// second ago.
const freshMFAAgeSeconds = 1

// contextEntries are the simulator's context for one MFA context. For a
// user of a layout that pins session names to user names, the keys that
// condition needs are given too, as the user's profiles would send them.
func contextEntries(l *layout.Layout, mfa string, user string) []iamtypes.ContextEntry {
	var out []iamtypes.ContextEntry
	entry := func(key string, typ iamtypes.ContextKeyTypeEnum, value string) {
		out = append(out, iamtypes.ContextEntry{ContextKeyName: aws.String(key), ContextKeyType: typ, ContextKeyValues: []string{value}})
	}
	switch mfa {
	case FreshMFA:
		entry(policies.KeyMFAPresent, iamtypes.ContextKeyTypeEnumBoolean, "true")
		entry(policies.KeyMFAAge, iamtypes.ContextKeyTypeEnumNumeric, strconv.Itoa(freshMFAAgeSeconds))
	case StaleMFA:
		entry(policies.KeyMFAPresent, iamtypes.ContextKeyTypeEnumBoolean, "true")
		entry(policies.KeyMFAAge, iamtypes.ContextKeyTypeEnumNumeric, strconv.Itoa(l.MFAMaxAgeSeconds))
	}
	if user != "" && l.Security.RequireSessionNameMatchesUser {
		entry(keyUsername, iamtypes.ContextKeyTypeEnumString, user)
		entry(policies.KeyRoleSessionName, iamtypes.ContextKeyTypeEnumString, user)
	}
	return out
}

// keyUsername is the key behind ${aws:username}.
const keyUsername = "aws:username"

// resourcesPerSimulation bounds the role ARNs of one SimulatePrincipalPolicy
// request, keeping requests small in large organizations.
const resourcesPerSimulation = 100

// verdict is the simulator's decision on one resource, and the context keys
// it said it lacked.
type verdict struct {
	decision iamtypes.PolicyEvaluationDecisionType
	missing  []string
}

// simulate asks the simulator whether principal may sts:AssumeRole each of
// resources under one MFA context. Decisions are read per resource from
// ResourceSpecificResults (the simulator returns one result per action for
// many resources), or from the result itself when it names one resource
// (its former shape).
func simulate(ctx context.Context, client *iam.Client, principalARN string, resources []string, entries []iamtypes.ContextEntry) (map[string]verdict, error) {
	out := make(map[string]verdict, len(resources))
	for start := 0; start < len(resources); start += resourcesPerSimulation {
		chunk := resources[start:min(start+resourcesPerSimulation, len(resources))]
		pages := iam.NewSimulatePrincipalPolicyPaginator(client, &iam.SimulatePrincipalPolicyInput{
			PolicySourceArn: aws.String(principalARN),
			ActionNames:     []string{policies.ActionAssumeRole},
			ResourceArns:    chunk,
			ContextEntries:  entries,
		})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("iam:SimulatePrincipalPolicy for %s: %w", principalARN, err)
			}
			for _, r := range page.EvaluationResults {
				if len(r.ResourceSpecificResults) == 0 {
					out[aws.ToString(r.EvalResourceName)] = verdict{decision: r.EvalDecision, missing: r.MissingContextValues}
					continue
				}
				for _, rr := range r.ResourceSpecificResults {
					out[aws.ToString(rr.EvalResourceName)] = verdict{decision: rr.EvalResourceDecision, missing: rr.MissingContextValues}
				}
			}
		}
	}
	return out, nil
}
