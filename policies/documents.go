package policies

import (
	"fmt"
	"sort"
	"strings"

	"github.com/micahhausler/aws-iam-policy/policy"

	"iam-layout/layout"
)

// GroupPolicy is one managed policy holding some of a group's assume-role
// grants.
type GroupPolicy struct {
	// Name is the IAM policy name; it also keys the logical resource name.
	Name     string
	Path     string
	Document string
	Roles    []*layout.Role
}

// SharedPolicy is a guardrail policy created once and attached to the
// groups that opt in.
type SharedPolicy struct {
	Name     string
	Path     string
	Document string
	// Groups are the names of the groups it is attached to.
	Groups []string
}

// Documents holds every policy document of a layout, computed once, before
// anything is registered with the engine, so that a document IAM would
// refuse stops the run instead of failing half-way through an update.
type Documents struct {
	// Trust holds each role's trust policy by role key ("account/Role").
	Trust map[string]string
	// Groups holds each group's assume-role policies by group name.
	Groups map[string][]GroupPolicy
	// Shared holds the guardrail policies that at least one group uses.
	Shared []SharedPolicy
	// StackSetAdministration holds the administration role's documents of
	// SELF_MANAGED stackSets delivery; nil otherwise.
	StackSetAdministration *StackSetAdministrationDocuments
}

// Build computes every document of the layout and measures each against
// the layout's quotas. Problems are reported together, by config path.
func Build(l *layout.Layout) (*Documents, error) {
	docs := &Documents{
		Trust:  make(map[string]string, len(l.Roles)),
		Groups: make(map[string][]GroupPolicy, len(l.Groups)),
	}
	var problems layout.Problems
	// A trust policy depends on the role definition, not on the account it
	// is placed in: build it once per definition, not once per placement.
	byDefinition := map[string]string{}
	measured := map[string]bool{}
	for _, r := range l.Roles {
		if r.Workload != nil {
			// A workload's trust names its account's OIDC provider: one
			// document per placement.
			if err := buildWorkloadTrust(l, r, docs, measured, &problems); err != nil {
				return nil, err
			}
			continue
		}
		text, ok := byDefinition[r.Name]
		if !ok {
			var err error
			if text, err = Marshal(Trust(l, r)); err != nil {
				return nil, fmt.Errorf("building trust policy of role %s: %w", r.Key(), err)
			}
			byDefinition[r.Name] = text
			if size := layout.PolicySize(text); size > l.Quotas.TrustPolicySize {
				problems.Addf("roles."+r.Name, "%s", trustTooLarge(l, r, size, ""))
			}
		}
		docs.Trust[r.Key()] = text
	}
	var selfService, noCascade []string
	for _, g := range l.Groups {
		if g.MFASelfService {
			selfService = append(selfService, g.Name)
		}
		if g.DenyCascadeCreation {
			noCascade = append(noCascade, g.Name)
		}
		if len(g.Roles) == 0 {
			continue
		}
		// For a group owned by another stack this stack cannot see the other
		// stacks' attachments: it may use all ten slots, and the README says
		// how to share them.
		limit := layout.MaxManagedPoliciesPerGroup - len(g.ManagedPolicyARNs)
		if g.MFASelfService {
			limit--
		}
		if g.DenyCascadeCreation {
			limit--
		}
		buckets, texts, err := splitGrants(l, g.Roles, l.Quotas.ManagedPolicySize, limit)
		if err != nil {
			problems.Addf("groups."+g.Name+".roles", "%v", err)
			continue
		}
		for b, rs := range buckets {
			if len(rs) == 0 {
				continue
			}
			name := PolicyName(g.Name, l.PolicyNameSuffix, b)
			if len(name) > 128 {
				problems.Addf("groups."+g.Name, "the name is too long to derive its policy name %q (IAM allows 128 characters)", name)
			}
			docs.Groups[g.Name] = append(docs.Groups[g.Name], GroupPolicy{Name: name, Path: g.Path, Document: texts[b], Roles: rs})
		}
	}
	for _, shared := range []struct {
		name   string
		doc    func(*layout.Layout) *policy.Policy
		groups []string
	}{
		{MFASelfServicePolicy, MFASelfService, selfService},
		{DenyCascadeCreationPolicy, DenyCascadeCreation, noCascade},
	} {
		if len(shared.groups) == 0 {
			continue
		}
		text, err := Marshal(shared.doc(l))
		if err != nil {
			return nil, fmt.Errorf("building guardrail policy %s: %w", shared.name, err)
		}
		docs.Shared = append(docs.Shared, SharedPolicy{Name: shared.name, Path: GuardrailPath, Document: text, Groups: shared.groups})
	}
	admin, err := buildStackSetAdministration(l)
	if err != nil {
		return nil, fmt.Errorf("building the StackSets administration role's policies: %w", err)
	}
	docs.StackSetAdministration = admin
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return docs, nil
}

// trustTooLarge explains a trust policy over the quota. In members mode the
// size grows with the people it names, so it says how many there are, how
// many would fit and the ways out; wayOut is the role kind's own advice.
func trustTooLarge(l *layout.Layout, r *layout.Role, size int, wayOut string) string {
	msg := fmt.Sprintf("the trust policy is %d characters, over the quota of %d (quotas.trustPolicySize)", size, l.Quotas.TrustPolicySize)
	if !l.ClosedTrust() || len(r.TrustedUsers) == 0 {
		return msg + wayOut
	}
	// Each named user costs its quoted ARN and a comma.
	per := 0
	for _, u := range r.TrustedUsers {
		per += len(u.ARN) + 3
	}
	per = (per + len(r.TrustedUsers) - 1) / len(r.TrustedUsers)
	fit := max(0, len(r.TrustedUsers)-(size-l.Quotas.TrustPolicySize+per-1)/per)
	next := "ask AWS to raise the role trust policy length quota (4,096 at most) and set quotas.trustPolicySize, or "
	if l.Quotas.TrustPolicySize >= 4096 {
		next = ""
	}
	return fmt.Sprintf("%s: under security.trust: %s it names the %d users of the groups granted %s (%s), about %d of whom would fit; %sgive the role definition to fewer groups (a definition per team), or keep security.trust: %s for this stack",
		msg, layout.TrustMembers, len(r.TrustedUsers), r.Name, groupNames(r.Name, l), fit, next, layout.TrustAccount)
}

// groupNames lists the groups granted any placement of a role definition.
func groupNames(role string, l *layout.Layout) string {
	seen := map[string]bool{}
	var names []string
	for _, r := range l.Roles {
		if r.Name != role {
			continue
		}
		for _, g := range r.Groups {
			if !seen[g.Name] {
				seen[g.Name] = true
				names = append(names, g.Name)
			}
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
