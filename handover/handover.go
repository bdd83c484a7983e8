// Package handover generates, without Pulumi, what moving a live stack from
// providers delivery to stackSets delivery needs outside the engine
// (docs/stacksets-handover.md): the StackSets' template bodies, the bash
// script that puts every live role into a stack of its StackSet's template
// and imports those stacks into the StackSet, and the `pulumi import` file
// that then takes the stack instances into the stack's state under the names
// and parents the program registers them with.
//
// It plans exactly as the program does (policies.Build, policycheck.Check,
// stacksets.Build, policycheck.CheckStackSets), so a plan the program would
// refuse never becomes a script.
package handover

import (
	"errors"
	"fmt"
	"strings"

	"iam-layout/importfile"
	"iam-layout/layout"
	"iam-layout/policies"
	"iam-layout/policycheck"
	"iam-layout/stacksets"
)

// Type tokens the import file names. RoleStackSetType repeats
// components.RoleStackSetType, so that this package does not link the Pulumi
// SDK; the tests compare the import file with the program's own URNs.
const (
	StackSetInstanceType = "aws:cloudformation/stackSetInstance:StackSetInstance"
	RoleStackSetType     = "iam-layout:organization:RoleStackSet"
)

// Plan is a stackSets layout's StackSets and where they and their instances
// live.
type Plan struct {
	Layout    *layout.Layout
	StackSets []stacksets.StackSet
	// StackSetRegion is where the StackSets live: the region of the stack's
	// default provider (aws:region); empty when the stack file sets none.
	StackSetRegion string
	// InstanceRegion is where the stack instances, and so the roles'
	// stacks, are: stackSets.region, else aws:region.
	InstanceRegion string
}

// NewPlan plans the StackSets of a layout with delivery: stackSets (with or
// without adoptRoles) as the program does, checks them, and resolves the
// regions from the stack's aws:region. Its instances are arranged over each
// definition's StackSets as a first deployment arranges them, which is
// where the hand-over run, whose stack had no StackSets before, puts them.
func NewPlan(l *layout.Layout, awsRegion string) (*Plan, error) {
	if !l.StackSets() {
		return nil, fmt.Errorf("delivery is %s: the StackSets tooling is for stacks with delivery: %s (a stack moving from providers first deploys the hand-over run, delivery: %s with stackSets.adoptRoles: true; see docs/stacksets-handover.md)",
			l.Delivery.Mode, layout.DeliveryStackSets, layout.DeliveryStackSets)
	}
	p := &Plan{Layout: l, StackSetRegion: awsRegion, InstanceRegion: l.Delivery.StackSets.Region}
	if p.InstanceRegion == "" {
		p.InstanceRegion = awsRegion
	}
	if p.InstanceRegion == "" {
		return nil, errors.New("stackSets.region: is required when the stack sets no aws:region: the region of the roles' stack instances")
	}
	docs, err := policies.Build(l)
	if err != nil {
		return nil, err
	}
	if _, err := policycheck.Check(l, docs); err != nil {
		return nil, err
	}
	if p.StackSets, err = stacksets.Build(l, docs.Trust); err != nil {
		return nil, err
	}
	if err := policycheck.CheckStackSets(l, docs, p.StackSets); err != nil {
		return nil, err
	}
	return p, nil
}

// Templates are the StackSets' template bodies by StackSet name: the bytes
// the program sends as templateBody, the same for every StackSet of a
// definition.
func (p *Plan) Templates() map[string]string {
	out := make(map[string]string, len(p.StackSets))
	for _, ss := range p.StackSets {
		for _, name := range ss.Shards {
			out[name] = ss.Template
		}
	}
	return out
}

// unit is one StackSet of the plan and the placements it holds.
type unit struct {
	Name      string
	StackSet  *stacksets.StackSet
	Instances []stacksets.Instance
}

// units are the plan's StackSets that hold placements, family by family,
// each family's by number: the StackSets the hand-over adopts roles into.
func (p *Plan) units() []unit {
	var out []unit
	for i := range p.StackSets {
		ss := &p.StackSets[i]
		for _, name := range ss.Shards {
			u := unit{Name: name, StackSet: ss}
			for _, in := range ss.Instances {
				if in.StackSet == name {
					u.Instances = append(u.Instances, in)
				}
			}
			if len(u.Instances) > 0 {
				out = append(out, u)
			}
		}
	}
	return out
}

// InstanceID is the import ID of a SELF_MANAGED stack instance: the
// StackSet's name, the target account and the region, comma-separated. It is
// the ID the AWS provider gives the instances it creates (terraform-provider-
// aws internal/service/cloudformation/stack_set_instance.go,
// resourceStackSetInstanceCreate: stack_set_name, account, region), and the
// form its importer reads (resourceStackSetInstanceImport, and the Import
// section of pulumi-aws's StackSetInstance).
func InstanceID(stackSetName, accountID, region string) string {
	return strings.Join([]string{stackSetName, accountID, region}, ",")
}

// adoptable explains why the plan's roles cannot be handed over one placement
// at a time, or returns nil. what says what was asked for.
func (p *Plan) adoptable(what string) error {
	var reasons []string
	for _, ss := range p.StackSets {
		if len(ss.OrganizationalUnits) > 0 {
			reasons = append(reasons, fmt.Sprintf("roles.%s.organizationalUnits: the role is deployed to whole OUs, whose accounts CloudFormation chooses; "+
				"adopting live roles needs one instance per account: list the role's accounts instead for the hand-over, and move it to its OUs afterwards", ss.RoleName))
		}
	}
	if len(p.Layout.Issuers) > 0 {
		// The script and the import file adopt roles; the CI workloads'
		// OIDC providers would need the same steps with their own
		// template (docs/ci-workloads.md, "Limits").
		var issuers []string
		for _, iss := range p.Layout.Issuers {
			issuers = append(issuers, iss.URL)
		}
		reasons = append(reasons, fmt.Sprintf("workloads: the hand-over tooling does not adopt the CI workloads' OIDC providers (of %s) into their StackSets yet: "+
			"hand the stack over before declaring workloads, or adopt each account's provider into its issuer's StackSet by hand as the script adopts a role (resource type AWS::IAM::OIDCProvider, logical ID %s, identifier Arn)",
			strings.Join(issuers, ", "), stacksets.OIDCProviderLogicalID))
	}
	if s := p.Layout.Delivery.StackSets; !s.SelfManaged() {
		reasons = append(reasons, fmt.Sprintf("stackSets.permissionModel: %s instances cannot be imported into the stack's state one by one: "+
			"the AWS provider identifies an instance created with deployment targets by its StackSet, the targets' OUs and the region, "+
			"the same ID for every account of the StackSet, and reading it returns every account's instance; "+
			"hand the roles over with permissionModel: %s (docs/stacksets-handover.md, \"SERVICE_MANAGED\")",
			s.PermissionModel, layout.PermissionSelfManaged))
	}
	if len(reasons) > 0 {
		return fmt.Errorf("%s: the live roles cannot be handed over to these StackSets:\n  - %s", what, strings.Join(reasons, "\n  - "))
	}
	return nil
}

// ImportFile is the `pulumi import --file` file for exactly the stack
// instances the program registers with delivery: stackSets (and no
// adoptRoles): each under its RoleStackSet component, which the hand-over
// run left in the state, through the default provider, by InstanceID.
func (p *Plan) ImportFile(project, stack string) (*importfile.File, error) {
	if err := p.adoptable("import file"); err != nil {
		return nil, err
	}
	f := &importfile.File{NameTable: map[string]string{}, Resources: []importfile.Resource{}}
	for _, ss := range p.StackSets {
		// The StackSet's name (letters, digits, hyphens) names the parent:
		// no instance name, which always holds a "/", can take it.
		f.NameTable[ss.Name] = importfile.URN(stack, project, "", RoleStackSetType, ss.RoleName)
		for _, in := range ss.Instances {
			f.Resources = append(f.Resources, importfile.Resource{
				Type:   StackSetInstanceType,
				Name:   in.Key,
				ID:     InstanceID(in.StackSet, in.Account.ID, p.InstanceRegion),
				Parent: ss.Name,
			})
		}
	}
	if err := f.Check(); err != nil {
		return nil, fmt.Errorf("building the import file: %w", err)
	}
	return f, nil
}
