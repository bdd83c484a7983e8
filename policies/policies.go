// Package policies builds the IAM policy documents of a layout: each role's
// trust policy and each group's assume-role grants. Documents are typed values
// (github.com/micahhausler/aws-iam-policy) marshalled to compact JSON, so the
// same layout always yields the same bytes.
package policies

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/micahhausler/aws-iam-policy/policy"

	"iam-layout/layout"
)

// Policy vocabulary, named once.
const (
	ActionAssumeRole        = "sts:AssumeRole"
	ActionSetSourceIdentity = "sts:SetSourceIdentity"
	ActionTagSession        = "sts:TagSession"

	KeyMFAPresent      = "aws:MultiFactorAuthPresent"
	KeyMFAAge          = "aws:MultiFactorAuthAge"
	KeyExternalID      = "sts:ExternalId"
	KeyRoleSessionName = "sts:RoleSessionName"
	// VarUsername is IAM's policy variable for the caller's user name; it is
	// written literally into the document.
	VarUsername = "${aws:username}"

	OpBool            = "Bool"
	OpNumericLessThan = "NumericLessThan"
	OpStringEquals    = "StringEquals"

	// Statement IDs: IAM allows only letters and digits.
	SidTrustManagementAccount = "TrustManagementAccount"
	SidTrustMembers           = "TrustMembers"
	SidTrustThirdParties      = "TrustThirdParties"
	SidAssumeRoles            = "AssumeRoles"
	SidAssumeRolesWithMFA     = "AssumeRolesWithMFA"
)

// mfaCondition requires a present and recent MFA sign-in. Both keys sit under
// plain (not ...IfExists) operators: the keys are absent for long-term access
// keys, and an IfExists operator in an Allow would let such callers through.
func mfaCondition(maxAgeSeconds int) map[string]map[string]*policy.ConditionValue {
	return map[string]map[string]*policy.ConditionValue{
		OpBool:            {KeyMFAPresent: policy.NewConditionValueString(true, "true")},
		OpNumericLessThan: {KeyMFAAge: policy.NewConditionValueString(true, strconv.Itoa(maxAgeSeconds))},
	}
}

// Trust is a role's trust policy. In account mode the management account's
// principals may assume it when their own policies allow them to; in members
// mode (security.trust: members) only the users the definition is granted to,
// named by ARN, so anyone else is refused by the trust itself. For MFA roles
// the MFA conditions sit on every Allow, so no plain statement remains as a
// bypass. Third-party accounts get a statement of their own, always with the
// external ID.
func Trust(l *layout.Layout, r *layout.Role) *policy.Policy {
	condition := func() map[string]map[string]*policy.ConditionValue {
		c := map[string]map[string]*policy.ConditionValue{}
		if r.RequireMFA {
			c = mfaCondition(l.MFAMaxAgeSeconds)
		}
		if r.ExternalID != "" {
			c[OpStringEquals] = map[string]*policy.ConditionValue{KeyExternalID: policy.NewConditionValueString(true, r.ExternalID)}
		}
		if len(c) == 0 {
			return nil
		}
		return c
	}
	doc := &policy.Policy{Version: policy.VersionLatest, Statements: policy.NewStatementOrSlice()}
	if sid, principals := managementPrincipals(l, r); len(principals) > 0 {
		doc.Statements.Add(policy.Statement{
			Sid:       sid,
			Effect:    policy.EffectAllow,
			Principal: policy.NewAWSPrincipal(principals...),
			Action:    assumeActions(l),
			Condition: condition(),
		})
	}
	if len(r.TrustedAccounts) > 0 {
		roots := make([]string, len(r.TrustedAccounts))
		for i, id := range r.TrustedAccounts {
			roots[i] = layout.RootARN(l.Partition, id)
		}
		doc.Statements.Add(policy.Statement{
			Sid:       SidTrustThirdParties,
			Effect:    policy.EffectAllow,
			Principal: policy.NewAWSPrincipal(roots...),
			Action:    assumeActions(l),
			Condition: condition(),
		})
	}
	return doc
}

// managementPrincipals are who a role's trust lets in from the management
// account, and the statement's Sid: the account root, or in members mode the
// ARNs of the users the definition is granted to (none when it is granted to
// nobody: validation allows that only for roles trusted otherwise).
func managementPrincipals(l *layout.Layout, r *layout.Role) (string, []string) {
	if !l.ClosedTrust() {
		return SidTrustManagementAccount, []string{layout.RootARN(l.Partition, l.MasterAccountID)}
	}
	arns := make([]string, len(r.TrustedUsers))
	for i, u := range r.TrustedUsers {
		arns[i] = u.ARN
	}
	return SidTrustMembers, arns
}

// assumeActions is sts:AssumeRole plus the session options the organization
// allows. The same list goes into trust policies and groups' grants: across
// accounts both sides must allow an action.
func assumeActions(l *layout.Layout) *policy.StringOrSlice {
	actions := []string{ActionAssumeRole}
	if l.Security.AllowSourceIdentity {
		actions = append(actions, ActionSetSourceIdentity)
	}
	if l.Security.AllowTagSession {
		actions = append(actions, ActionTagSession)
	}
	return policy.NewStringOrSlice(len(actions) == 1, actions...)
}

// GroupGrant is the identity policy allowing a group to assume exactly the
// given roles: one statement for roles without MFA and one, carrying the MFA
// condition, for roles that require it. Resources are listed by ARN, never "*".
func GroupGrant(l *layout.Layout, roles []*layout.Role) *policy.Policy {
	var plain, mfa []string
	for _, r := range roles {
		if r.RequireMFA {
			mfa = append(mfa, r.ARN)
		} else {
			plain = append(plain, r.ARN)
		}
	}
	sessionName := func(c map[string]map[string]*policy.ConditionValue) map[string]map[string]*policy.ConditionValue {
		if !l.Security.RequireSessionNameMatchesUser {
			return c
		}
		if c == nil {
			c = map[string]map[string]*policy.ConditionValue{}
		}
		c[OpStringEquals] = map[string]*policy.ConditionValue{KeyRoleSessionName: policy.NewConditionValueString(true, VarUsername)}
		return c
	}
	doc := &policy.Policy{Version: policy.VersionLatest, Statements: policy.NewStatementOrSlice()}
	if len(plain) > 0 {
		doc.Statements.Add(policy.Statement{
			Sid:       SidAssumeRoles,
			Effect:    policy.EffectAllow,
			Action:    assumeActions(l),
			Resource:  policy.NewStringOrSlice(false, plain...),
			Condition: sessionName(nil),
		})
	}
	if len(mfa) > 0 {
		doc.Statements.Add(policy.Statement{
			Sid:       SidAssumeRolesWithMFA,
			Effect:    policy.EffectAllow,
			Action:    assumeActions(l),
			Resource:  policy.NewStringOrSlice(false, mfa...),
			Condition: sessionName(mfaCondition(l.MFAMaxAgeSeconds)),
		})
	}
	return doc
}

// Marshal renders a document as compact JSON: what IAM stores and counts.
func Marshal(doc *policy.Policy) (string, error) {
	out, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("encoding policy document: %w", err)
	}
	return string(out), nil
}
