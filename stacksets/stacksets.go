// Package stacksets plans stackSets delivery: one CloudFormation StackSet per
// role definition, whose template holds the role exactly as providers
// delivery would create it (same trust policy, inline policies, managed
// policies, boundary, path, tags and session), and one stack instance per
// placement. Templates are typed CloudFormation values
// (github.com/awslabs/goformation/v7) rendered to normalised JSON. The
// package knows nothing of Pulumi.
package stacksets

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/awslabs/goformation/v7/cloudformation"
	cfniam "github.com/awslabs/goformation/v7/cloudformation/iam"
	"github.com/awslabs/goformation/v7/cloudformation/policies"
	"github.com/awslabs/goformation/v7/cloudformation/tags"

	"iam-layout/layout"
)

// Limits and names CloudFormation imposes or this program chose.
const (
	// MaxTemplateBody is CloudFormation's limit on a TemplateBody, in bytes.
	MaxTemplateBody = 51200
	// RoleLogicalID is the role's logical ID in every template. It never
	// changes: renaming it would make CloudFormation replace the role.
	RoleLogicalID = "Role"
	// Capability is what a template creating named IAM roles needs.
	Capability = "CAPABILITY_NAMED_IAM"
)

// StackSet is the plan of one role definition's StackSets: one template,
// its instances spread over one or more StackSets (Arrange).
type StackSet struct {
	// Name is the name of the definition's first StackSet
	// (layout.StackSetName); the others are layout.ShardName of it.
	Name string
	// RoleName is the role definition it delivers.
	RoleName string
	// Template is the template body: normalised JSON, the same bytes on
	// every run.
	Template string
	// Instances are the stack instances, sorted by key.
	Instances []Instance
	// Shards are the names of the StackSets the instances are spread over,
	// by number, Name first.
	Shards []string
	// OrganizationalUnits are the OUs the whole role is deployed to
	// (SERVICE_MANAGED auto-deployment); nil otherwise.
	OrganizationalUnits []string
	// Placements are the role placements the StackSet delivers, by account,
	// including those covered by OrganizationalUnits.
	Placements []*layout.Role
}

// Instance is one stack instance: one account, or one OU.
type Instance struct {
	// Key is the instance's stable name: "account/Role" for an account,
	// "Role/ou-..." for an OU.
	Key string
	// Account is nil for an OU instance.
	Account *layout.Account
	// OrganizationalUnit is set for an OU instance.
	OrganizationalUnit string
	// StackSet is the name of the StackSet that holds the instance: one of
	// its family's Shards.
	StackSet string
}

// Build plans every StackSet of a stackSets layout. trust holds each role
// placement's trust policy by key, as policies.Build made it; a workload's
// template trust is the same document with its account as
// ${AWS::AccountId} (WorkloadTemplateTrust), checked against each
// placement's. Templates over CloudFormation's size limit are reported
// with their config path. The instances are arranged as on a first
// deployment; Arrange moves them back where a live arrangement has them.
func Build(l *layout.Layout, trust map[string]string) ([]StackSet, error) {
	byName := map[string]*StackSet{}
	var order []string
	var problems layout.Problems
	// plain holds each workload definition's template trust before the
	// Fn::Sub, to hold every placement's trust policy to it.
	plain := map[string]string{}
	for _, r := range l.Roles {
		ss, ok := byName[r.Name]
		if !ok {
			text, ok := trust[r.Key()]
			if !ok {
				return nil, fmt.Errorf("planning the StackSet of role %s: no trust policy was built for it", r.Key())
			}
			if r.Workload != nil {
				var err error
				if text, plain[r.Name], err = WorkloadTemplateTrust(l, r); err != nil {
					return nil, fmt.Errorf("planning the StackSet of workload %s: %w", r.Name, err)
				}
			}
			body, err := Template(r, text)
			if err != nil {
				return nil, fmt.Errorf("rendering the StackSet template of role %s: %w", r.Name, err)
			}
			if len(body) > MaxTemplateBody {
				problems.Addf("roles."+r.Name, "its StackSet template is %d bytes, over CloudFormation's %d for a template body (move inline policies into managed policies)", len(body), MaxTemplateBody)
			}
			ss = &StackSet{Name: r.StackSetName, RoleName: r.Name, Template: body, OrganizationalUnits: r.OrganizationalUnits}
			for _, ou := range r.OrganizationalUnits {
				ss.Instances = append(ss.Instances, Instance{Key: r.Name + "/" + ou, OrganizationalUnit: ou})
			}
			byName[r.Name] = ss
			order = append(order, r.Name)
		} else if r.Workload == nil && trust[r.Key()] != trust[ss.Placements[0].Key()] {
			// A definition's placements share one template; the trust
			// policy depends on the definition alone (policies.Build).
			return nil, fmt.Errorf("planning the StackSet of role %s: placements have different trust policies", r.Name)
		}
		if r.Workload != nil && placementTrust(plain[r.Name], r.Account) != trust[r.Key()] {
			// The template names the provider of the account it runs in;
			// in this account that must be the document providers
			// delivery would create.
			return nil, fmt.Errorf("planning the StackSet of workload %s: the template's trust policy in account %s differs from the placement's", r.Name, r.Account.Name)
		}
		ss.Placements = append(ss.Placements, r)
		// Accounts of a role deployed to whole OUs are covered by the OU
		// instances: an instance of their own would be a second owner of
		// the same stack.
		if len(r.OrganizationalUnits) == 0 {
			ss.Instances = append(ss.Instances, Instance{Key: r.Key(), Account: r.Account})
		}
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	sort.Strings(order)
	out := make([]StackSet, 0, len(order))
	for _, name := range order {
		ss := byName[name]
		sort.Slice(ss.Instances, func(i, j int) bool { return ss.Instances[i].Key < ss.Instances[j].Key })
		out = append(out, *ss)
	}
	Arrange(out, nil, nil)
	return out, nil
}

// Template renders the template that creates role r (any placement of its
// definition: they share every property) with the given trust policy.
func Template(r *layout.Role, trust string) (string, error) {
	role := &cfniam.Role{
		RoleName:                 cloudformation.String(r.Name),
		Path:                     cloudformation.String(r.Path),
		AssumeRolePolicyDocument: json.RawMessage(trust),
		MaxSessionDuration:       cloudformation.Int(r.MaxSessionDuration),
		// Deleting a stack instance deletes the role, as removing a
		// placement does in providers delivery; retainOnDelete keeps the
		// whole stack instead (RetainStack). The attribute is written out
		// because CloudFormation's resource import requires it.
		AWSCloudFormationDeletionPolicy: policies.DeletionPolicy("Delete"),
	}
	if r.Description != "" {
		role.Description = cloudformation.String(r.Description)
	}
	if len(r.ManagedPolicyARNs) > 0 {
		role.ManagedPolicyArns = r.ManagedPolicyARNs
	}
	if r.PermissionsBoundary != "" {
		role.PermissionsBoundary = cloudformation.String(r.PermissionsBoundary)
	}
	for _, p := range r.InlinePolicies {
		role.Policies = append(role.Policies, cfniam.Role_Policy{PolicyName: p.Name, PolicyDocument: json.RawMessage(p.Document)})
	}
	keys := make([]string, 0, len(r.Tags))
	for k := range r.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		role.Tags = append(role.Tags, tags.Tag{Key: k, Value: r.Tags[k]})
	}
	t := cloudformation.NewTemplate()
	t.Description = "iam-layout: role " + r.Name + " (managed by iam-layout; edit the organization's stack file, not this template)"
	t.Resources[RoleLogicalID] = role
	raw, err := json.Marshal(t)
	if err != nil {
		return "", err
	}
	return Normalise(raw)
}

// Normalise renders JSON the way the AWS provider stores a StackSet's
// template body (keys sorted, no white space), so what the program sends is
// what a refresh reads back and previews stay empty.
func Normalise(raw []byte) (string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(out), nil
}
