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
func Run(ctx *pulumi.Context) error {
	var problems layout.Problems
	settings := readAWSSettings(ctx, &problems)
	raw := config.Get(ctx, ConfigKey)
	var l *layout.Layout
	if raw == "" {
		problems.Addf(ctx.Project()+":"+ConfigKey, "is required: describe the organization in Pulumi.%s.yaml (see the README)", ctx.Stack())
	} else {
		var err error
		l, err = layout.Load([]byte(raw))
		var cfgErr *layout.ConfigError
		switch {
		case errors.As(err, &cfgErr):
			problems = append(problems, cfgErr.Problems...)
		case err != nil:
			return err
		}
	}
	if err := problems.Err(); err != nil {
		return err
	}
	docs, err := policies.Build(l)
	if err != nil {
		return err
	}
	// An independent reading of every document before anything exists: a
	// violation is a bug in this program, and nothing is registered.
	checked, err := policycheck.Check(l, docs)
	if err != nil {
		return err
	}
	for _, key := range checked.Unreachable {
		if err := ctx.Log.Warn(fmt.Sprintf("role %s is declared but no group may assume it and no third party is trusted", key), nil); err != nil {
			return err
		}
	}
	_, err = Deploy(ctx, l, docs, settings)
	return err
}

// Deployment is what Deploy created.
type Deployment struct {
	Accounts map[string]*components.Account
	Groups   map[string]*components.Group
	People   *components.People
}

// Deploy registers the resources of a validated layout and exports the
// output contract (package contract).
func Deploy(ctx *pulumi.Context, l *layout.Layout, docs *policies.Documents, settings components.ProviderSettings) (*Deployment, error) {
	d := &Deployment{
		Accounts: make(map[string]*components.Account, len(l.Accounts)),
		Groups:   make(map[string]*components.Group, len(l.Groups)),
	}
	for _, a := range l.Accounts {
		// An account without roles gets no provider: it would be a resource
		// that does nothing.
		if len(a.Roles) == 0 {
			continue
		}
		opts := components.Renamed(a.Aliases)
		acct, err := components.NewAccount(ctx, a.Name, &components.AccountArgs{
			Account:  a,
			Trust:    docs.Trust,
			Settings: settings,
		}, opts...)
		if err != nil {
			return nil, err
		}
		d.Accounts[a.Name] = acct
	}
	guardrails := map[string]map[string]pulumi.StringInput{}
	if len(docs.Shared) > 0 {
		shared, err := components.NewGuardrails(ctx, "guardrails", &components.GuardrailsArgs{Policies: docs.Shared})
		if err != nil {
			return nil, err
		}
		for _, p := range docs.Shared {
			for _, g := range p.Groups {
				if guardrails[g] == nil {
					guardrails[g] = map[string]pulumi.StringInput{}
				}
				guardrails[g][p.Name] = shared.Arns[p.Name]
			}
		}
	}
	shared, err := sharedGroups(ctx, l)
	if err != nil {
		return nil, err
	}
	groups := make(map[string]*iam.Group, len(l.Groups))
	for _, g := range l.Groups {
		opts := components.Renamed(g.Aliases)
		grp, err := components.NewGroup(ctx, g.Name, &components.GroupArgs{
			Group:          g,
			Policies:       docs.Groups[g.Name],
			Guardrails:     guardrails[g.Name],
			OwnedElsewhere: shared[g.Name],
		}, opts...)
		if err != nil {
			return nil, err
		}
		d.Groups[g.Name] = grp
		if grp.Group != nil {
			groups[g.Name] = grp.Group
		}
	}
	if len(l.Users) > 0 {
		people, err := components.NewPeople(ctx, "people", &components.PeopleArgs{Users: l.Users, Groups: groups})
		if err != nil {
			return nil, err
		}
		d.People = people
	}
	if err := export(ctx, l, d); err != nil {
		return nil, fmt.Errorf("exporting outputs: %w", err)
	}
	return d, nil
}

func export(ctx *pulumi.Context, l *layout.Layout, d *Deployment) error {
	roleArns := pulumi.Map{}
	roles := pulumi.Map{}
	for name, acct := range d.Accounts {
		roleArns[name] = acct.RoleArns
	}
	for _, a := range l.Accounts {
		acct, ok := d.Accounts[a.Name]
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
		arns := make(pulumi.StringArray, 0, len(g.Roles))
		for _, r := range g.Roles {
			arns = append(arns, d.Accounts[r.Account.Name].Roles[r.Name].Arn)
		}
		groups[g.Name] = pulumi.Map{
			contract.GroupArn:      d.Groups[g.Name].Arn,
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
