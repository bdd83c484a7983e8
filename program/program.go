// Package program is the body of the iam-layout Pulumi program: it reads the
// stack configuration, validates it, builds every policy document and only
// then registers resources. main calls Run; tests call it under mocks.
package program

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"iam-layout/components"
	"iam-layout/contract"
	"iam-layout/layout"
	"iam-layout/policies"
	"iam-layout/policycheck"
)

// ConfigKey is the project config key holding the organization.
const ConfigKey = "organization"

// Run is the whole program. Nothing is registered with the engine unless the
// configuration is valid and every document has been built and checked.
//
// Run registers the components itself rather than through a helper: the SDK
// records the Go call stack of every registration, and at a thousand
// accounts every frame between here and the SDK is measurable
// (docs/scale.md).
func Run(ctx *pulumi.Context) error {
	l, docs, settings, err := prepare(ctx)
	if err != nil {
		return err
	}
	d := &deployment{
		accounts: make(map[string]*components.Account, len(l.Accounts)),
		groups:   make(map[string]*components.Group, len(l.Groups)),
	}
	// An account without roles gets no provider: it would be a resource
	// that does nothing. Nor does any account when people come only
	// through Identity Center, which AWS provisions into the accounts.
	var withRoles []*layout.Account
	for _, a := range l.Accounts {
		if len(a.Roles) > 0 && l.IAMAccess() {
			withRoles = append(withRoles, a)
		}
	}
	// Task 0 is the management account (guardrails, groups and their
	// policies, people); task i > 0 is child account i-1. They share nothing
	// until the outputs, so they are registered side by side.
	created := make([]*components.Account, len(withRoles))
	err = inParallel(len(withRoles)+1, func(i int) error {
		if i == 0 {
			return registerManagement(ctx, l, docs, d)
		}
		a := withRoles[i-1]
		acct, err := components.NewAccount(ctx, a.Name, &components.AccountArgs{
			Account:  a,
			Trust:    docs.Trust,
			Settings: settings,
		}, components.Renamed(a.Aliases)...)
		created[i-1] = acct
		return err
	})
	if err != nil {
		return err
	}
	for i, a := range withRoles {
		d.accounts[a.Name] = created[i]
	}
	if l.IdentityCenterAccess() {
		comp, found, err := registerIdentityCenter(ctx, l, settings)
		if err != nil {
			return err
		}
		exportIdentityCenter(ctx, l, comp, found)
	}
	if err := export(ctx, l, d); err != nil {
		return fmt.Errorf("exporting outputs: %w", err)
	}
	return nil
}

// prepare reads and validates the configuration, builds every document and
// checks them: all that happens before the first registration.
func prepare(ctx *pulumi.Context) (*layout.Layout, *policies.Documents, components.ProviderSettings, error) {
	var problems layout.Problems
	settings := readAWSSettings(ctx, &problems)
	raw := config.Get(ctx, ConfigKey)
	var l *layout.Layout
	if raw == "" {
		problems.Addf(ctx.Project()+":"+ConfigKey, "is required: describe the organization in Pulumi.%s.yaml (see docs/configuration.md)", ctx.Stack())
	} else {
		var err error
		l, err = layout.Load([]byte(raw))
		var cfgErr *layout.ConfigError
		switch {
		case errors.As(err, &cfgErr):
			problems = append(problems, cfgErr.Problems...)
		case err != nil:
			return nil, nil, settings, err
		}
	}
	if err := problems.Err(); err != nil {
		return nil, nil, settings, err
	}
	if !l.IAMAccess() {
		// No IAM document exists to build or check.
		return l, &policies.Documents{}, settings, warnUnassigned(ctx, l)
	}
	docs, err := policies.Build(l)
	if err != nil {
		return nil, nil, settings, err
	}
	// An independent reading of every document before anything exists: a
	// violation is a bug in this program, and nothing is registered.
	checked, err := policycheck.Check(l, docs)
	if err != nil {
		return nil, nil, settings, err
	}
	for _, key := range checked.Unreachable {
		if err := ctx.Log.Warn(fmt.Sprintf("role %s is declared but no group may assume it and no third party is trusted", key), nil); err != nil {
			return nil, nil, settings, err
		}
	}
	return l, docs, settings, nil
}

// registerManagement registers what lives in the management account: the
// shared guardrail policies, the groups with their grants, and the people.
func registerManagement(ctx *pulumi.Context, l *layout.Layout, docs *policies.Documents, d *deployment) error {
	if !l.IAMAccess() {
		return nil
	}
	guardrails, err := sharedGuardrails(ctx, docs)
	if err != nil {
		return err
	}
	shared, err := sharedGroups(ctx, l)
	if err != nil {
		return err
	}
	groups := make(map[string]*iam.Group, len(l.Groups))
	for _, g := range l.Groups {
		grp, err := components.NewGroup(ctx, g.Name, &components.GroupArgs{
			Group:          g,
			Policies:       docs.Groups[g.Name],
			Guardrails:     guardrails[g.Name],
			OwnedElsewhere: shared[g.Name],
		}, components.Renamed(g.Aliases)...)
		if err != nil {
			return err
		}
		d.groups[g.Name] = grp
		if grp.Group != nil {
			groups[g.Name] = grp.Group
		}
	}
	if len(l.Users) > 0 {
		if _, err := components.NewPeople(ctx, "people", &components.PeopleArgs{Users: l.Users, Groups: groups}); err != nil {
			return err
		}
	}
	return nil
}

// deployment is what Run created, for the outputs.
type deployment struct {
	accounts map[string]*components.Account
	groups   map[string]*components.Group
}

// sharedGuardrails creates the guardrail policies some group opts into and
// returns, by group, the ARNs to attach.
func sharedGuardrails(ctx *pulumi.Context, docs *policies.Documents) (map[string]map[string]pulumi.StringInput, error) {
	byGroup := map[string]map[string]pulumi.StringInput{}
	if len(docs.Shared) == 0 {
		return byGroup, nil
	}
	shared, err := components.NewGuardrails(ctx, "guardrails", &components.GuardrailsArgs{Policies: docs.Shared})
	if err != nil {
		return nil, err
	}
	for _, p := range docs.Shared {
		for _, g := range p.Groups {
			if byGroup[g] == nil {
				byGroup[g] = map[string]pulumi.StringInput{}
			}
			byGroup[g][p.Name] = shared.Arns[p.Name]
		}
	}
	return byGroup, nil
}

func export(ctx *pulumi.Context, l *layout.Layout, d *deployment) error {
	roleArns := pulumi.Map{}
	roles := pulumi.Map{}
	for name, acct := range d.accounts {
		roleArns[name] = acct.RoleArns
	}
	for _, a := range l.Accounts {
		acct, ok := d.accounts[a.Name]
		if !ok {
			continue
		}
		detail := pulumi.Map{}
		for _, r := range a.Roles {
			detail[r.Name] = pulumi.Map{
				contract.RoleAccountID:          pulumi.String(a.ID),
				contract.RoleArn:                acct.Roles[r.Name].Arn,
				contract.RoleName:               pulumi.String(r.Name),
				contract.RolePath:               pulumi.String(r.Path),
				contract.RoleMFARequired:        pulumi.Bool(r.RequireMFA),
				contract.RoleDestructive:        pulumi.Bool(r.Destructive),
				contract.RoleMaxSessionDuration: pulumi.Int(r.MaxSessionDuration),
			}
		}
		roles[a.Name] = detail
	}
	groups := pulumi.Map{}
	for _, g := range l.Groups {
		if !l.IAMAccess() {
			break // no IAM group exists
		}
		arns := make(pulumi.StringArray, 0, len(g.Roles))
		for _, r := range g.Roles {
			arns = append(arns, d.accounts[r.Account.Name].Roles[r.Name].Arn)
		}
		groups[g.Name] = pulumi.Map{
			contract.GroupArn:      d.groups[g.Name].Arn,
			contract.GroupName:     pulumi.String(g.Name),
			contract.GroupRoleArns: arns,
		}
	}
	ctx.Export(contract.VersionKey, pulumi.Int(contract.Version))
	ctx.Export(contract.MasterAccountIDKey, pulumi.String(l.MasterAccountID))
	ctx.Export(contract.RoleArnsKey, roleArns)
	ctx.Export(contract.RolesKey, roles)
	ctx.Export(contract.GroupsKey, groups)
	return exportProfiles(ctx, l)
}
