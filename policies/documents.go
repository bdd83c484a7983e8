package policies

import (
	"fmt"

	"iam-layout/layout"
)

// Quotas on document size, in characters as IAM counts them (compact JSON:
// whitespace is not counted, and Marshal emits none).
const (
	DefaultTrustPolicyQuota   = 2048
	DefaultManagedPolicyQuota = 6144
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

// Documents holds every policy document of a layout, computed once, before
// anything is registered with the engine, so that a document IAM would
// refuse stops the run instead of failing half-way through an update.
type Documents struct {
	// Trust holds each role's trust policy by role key ("account/Role").
	Trust map[string]string
	// Groups holds each group's assume-role policies by group name.
	Groups map[string][]GroupPolicy
}

// Build computes and size-checks every document of the layout.
func Build(l *layout.Layout) (*Documents, error) {
	docs := &Documents{
		Trust:  make(map[string]string, len(l.Roles)),
		Groups: make(map[string][]GroupPolicy, len(l.Groups)),
	}
	var problems layout.Problems
	for _, r := range l.Roles {
		text, err := Marshal(Trust(l, r))
		if err != nil {
			return nil, fmt.Errorf("building trust policy of role %s: %w", r.Key(), err)
		}
		if len(text) > DefaultTrustPolicyQuota {
			problems.Addf("roles."+r.Name, "the trust policy in account %q is %d characters, over IAM's %d", r.Account.Name, len(text), DefaultTrustPolicyQuota)
		}
		docs.Trust[r.Key()] = text
	}
	for _, g := range l.Groups {
		if len(g.Roles) == 0 {
			continue
		}
		text, err := Marshal(GroupGrant(l, g.Roles))
		if err != nil {
			return nil, fmt.Errorf("building assume-role policy of group %s: %w", g.Name, err)
		}
		name := AssumePolicyName(g.Name)
		if len(name) > 128 {
			problems.Addf("groups."+g.Name, "the name is too long to derive its policy name %q (IAM allows 128 characters)", name)
		}
		if len(text) > DefaultManagedPolicyQuota {
			problems.Addf("groups."+g.Name+".roles", "grants %d roles; the assume-role policy is %d characters, over IAM's %d for a managed policy", len(g.Roles), len(text), DefaultManagedPolicyQuota)
		}
		docs.Groups[g.Name] = []GroupPolicy{{Name: name, Path: g.Path, Document: text, Roles: g.Roles}}
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return docs, nil
}

// AssumePolicyName is the name of the managed policy holding a group's grants.
func AssumePolicyName(group string) string { return group + "-assume-roles" }
