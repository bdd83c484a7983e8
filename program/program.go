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
	"iam-layout/profiles"
	"iam-layout/stacksets"
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
	p, err := prepare(ctx)
	if err != nil {
		return err
	}
	l := p.layout
	prev, err := readPreviousDeployment(ctx, l)
	if err != nil {
		return err
	}
	if err := guardDeliverySwitch(l, prev); err != nil {
		return err
	}
	d := &deployment{
		roleArns: make(map[string]map[string]pulumi.Input, len(l.Accounts)),
		groups:   make(map[string]*components.Group, len(l.Groups)),
	}
	if l.StackSets() {
		if d.arrangement, err = p.arrange(prev); err != nil {
			return err
		}
	}
	// Providers delivery (and the hand-over run that moves a stack off it)
	// registers one Account per child account holding roles; an account
	// without roles gets no provider: it would be a resource that does
	// nothing. Nor does any account when people come only through Identity
	// Center, which AWS provisions into the accounts.
	var accounts []*layout.Account
	if l.IAMAccess() && (!l.StackSets() || l.Delivery.StackSets.AdoptRoles) {
		for _, a := range l.Accounts {
			if len(a.Roles) > 0 {
				accounts = append(accounts, a)
			}
		}
	}
	var admin *components.StackSetAdministration
	if docs := p.docs.StackSetAdministration; docs != nil {
		if admin, err = components.NewStackSetAdministration(ctx, "stacksets", &components.StackSetAdministrationArgs{
			Settings: l.Delivery.StackSets, Documents: docs,
		}); err != nil {
			return err
		}
	}
	// Issuers' StackSets come first: workload roles' instances wait for
	// their accounts' providers.
	workloadDeps, err := registerOIDCProviderStackSets(ctx, l, p, admin)
	if err != nil {
		return err
	}
	// The management account (guardrails, groups and their policies,
	// people), the child accounts of providers delivery and the StackSets
	// share nothing until the outputs, so they are registered side by side;
	// except under closed trust, where roles' trusts name the users the
	// management account creates: it comes first, and the roles wait for
	// those users.
	var trustDeps map[string][]pulumi.Resource
	management := 1 // tasks before the accounts: the management account's
	if l.ClosedTrust() {
		people, err := registerManagement(ctx, l, p.docs, d)
		if err != nil {
			return err
		}
		trustDeps = trustDependencies(l, people)
		management = 0
	}
	createdAccounts := make([]*components.Account, len(accounts))
	createdSets := make([]*components.RoleStackSet, len(p.stackSets))
	err = inParallel(management+len(accounts)+len(p.stackSets), func(i int) error {
		if i < management {
			_, err := registerManagement(ctx, l, p.docs, d)
			return err
		}
		i -= management
		if i < len(accounts) {
			a := accounts[i]
			acct, err := components.NewAccount(ctx, a.Name, &components.AccountArgs{
				Account:        a,
				Trust:          p.docs.Trust,
				Settings:       p.settings,
				Handover:       l.StackSets(),
				TrustDependsOn: trustDeps,
			}, components.Renamed(a.Aliases)...)
			createdAccounts[i] = acct
			return err
		}
		j := i - len(accounts)
		ss := &p.stackSets[j]
		set, err := components.NewRoleStackSet(ctx, ss.RoleName, &components.RoleStackSetArgs{
			StackSet:          ss,
			Settings:          l.Delivery.StackSets,
			Region:            p.stackSetRegion,
			Administration:    admin,
			WithoutInstances:  l.Delivery.StackSets.AdoptRoles,
			InstanceDependsOn: workloadDeps[ss.RoleName],
			DependsOn:         trustDeps[ss.RoleName],
		})
		createdSets[j] = set
		return err
	})
	if err != nil {
		return err
	}
	for i, a := range accounts {
		arns := make(map[string]pulumi.Input, len(a.Roles))
		for _, r := range a.Roles {
			arns[r.Name] = createdAccounts[i].Roles[r.Name].Arn
		}
		d.roleArns[a.Name] = arns
	}
	if len(accounts) == 0 {
		for i, ss := range p.stackSets {
			for _, r := range ss.Placements {
				if d.roleArns[r.Account.Name] == nil {
					d.roleArns[r.Account.Name] = map[string]pulumi.Input{}
				}
				d.roleArns[r.Account.Name][r.Name] = createdSets[i].RoleArns[r.Account.Name]
			}
		}
	}
	if l.IdentityCenterAccess() {
		comp, found, err := registerIdentityCenter(ctx, l, p.settings)
		if err != nil {
			return err
		}
		exportIdentityCenter(ctx, l, comp, found)
	}
	if err := export(ctx, l, d, p.rendered()); err != nil {
		return fmt.Errorf("exporting outputs: %w", err)
	}
	return nil
}

// plan is everything computed before the first registration.
type plan struct {
	layout   *layout.Layout
	docs     *policies.Documents
	settings components.ProviderSettings
	// stackSets and stackSetRegion are stackSets delivery's plan.
	stackSets      []stacksets.StackSet
	stackSetRegion string
	// providerStackSets deliver the workloads' OIDC providers.
	providerStackSets []stacksets.ProviderStackSet
	// rendered waits for the profiles, rendered from the layout while the
	// documents are built and the resources registered.
	rendered func() *profiles.Rendered
}

// prepare reads and validates the configuration, builds every document and
// checks them: all that happens before the first registration.
func prepare(ctx *pulumi.Context) (*plan, error) {
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
			return nil, err
		}
	}
	p := &plan{layout: l, settings: settings}
	if l != nil && l.StackSets() {
		p.stackSetRegion = l.Delivery.StackSets.Region
		if p.stackSetRegion == "" {
			p.stackSetRegion = settings.Region
		}
		if p.stackSetRegion == "" {
			problems.Addf("stackSets.region", "is required when the stack sets no aws:region: the region of the roles' stack instances")
		}
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	p.rendered = renderProfiles(ctx, l)
	if !l.IAMAccess() {
		// No IAM document exists to build or check.
		p.docs = &policies.Documents{}
		return p, warnUnassigned(ctx, l)
	}
	docs, err := policies.Build(l)
	if err != nil {
		return nil, err
	}
	p.docs = docs
	// An independent reading of every document before anything exists: a
	// violation is a bug in this program, and nothing is registered.
	checked, err := policycheck.Check(l, docs)
	if err != nil {
		return nil, err
	}
	if l.StackSets() {
		if p.stackSets, err = stacksets.Build(l, docs.Trust); err != nil {
			return nil, err
		}
		if err := policycheck.CheckStackSets(l, docs, p.stackSets); err != nil {
			return nil, err
		}
		if p.providerStackSets, err = planOIDCProviderStackSets(l); err != nil {
			return nil, err
		}
	}
	for _, key := range checked.Unreachable {
		if err := ctx.Log.Warn(fmt.Sprintf("role %s is declared but no group may assume it and no third party is trusted", key), nil); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// arrange puts the plan's StackSet instances where the previous deployment
// left them, new ones where their accounts' hashes send them, and holds the
// result to the arrangement's promises before anything but the read of the
// previous outputs is registered. It returns the arrangement to export.
func (p *plan) arrange(prev *previousDeployment) (stacksets.Arrangement, error) {
	live := liveArrangement(p.layout, prev, p.stackSets, p.providerStackSets)
	if len(live) > 0 {
		// Build arranged the plan as a first deployment.
		stacksets.Arrange(p.stackSets, p.providerStackSets, live)
	}
	if err := arrangementTransition(live, p.stackSets, p.providerStackSets); err != nil {
		return nil, err
	}
	if err := policycheck.CheckArrangement(p.stackSets, p.providerStackSets, live); err != nil {
		return nil, err
	}
	return stacksets.Record(p.stackSets, p.providerStackSets), nil
}

// registerManagement registers what lives in the management account: the
// shared guardrail policies, the groups with their grants, and the people
// (returned; nil when there are none).
func registerManagement(ctx *pulumi.Context, l *layout.Layout, docs *policies.Documents, d *deployment) (*components.People, error) {
	if !l.IAMAccess() {
		return nil, nil
	}
	guardrails, err := sharedGuardrails(ctx, docs)
	if err != nil {
		return nil, err
	}
	shared, err := sharedGroups(ctx, l)
	if err != nil {
		return nil, err
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
			return nil, err
		}
		d.groups[g.Name] = grp
		if grp.Group != nil {
			groups[g.Name] = grp.Group
		}
	}
	if len(l.Users) == 0 {
		return nil, nil
	}
	return components.NewPeople(ctx, "people", &components.PeopleArgs{Users: l.Users, Groups: groups})
}

// trustDependencies are, by role definition, the users this stack creates
// that the definition's closed trust names. Users the file names but does
// not create must exist before `pulumi up` (docs/guardrails.md).
func trustDependencies(l *layout.Layout, people *components.People) map[string][]pulumi.Resource {
	deps := map[string][]pulumi.Resource{}
	if people == nil {
		return deps
	}
	for _, r := range l.Roles {
		if _, done := deps[r.Name]; done {
			continue
		}
		users := []pulumi.Resource{}
		for _, u := range r.TrustedUsers {
			if created, ok := people.Users[u.Name]; ok {
				users = append(users, created)
			}
		}
		deps[r.Name] = users
	}
	return deps
}

// deployment is what Run created, for the outputs.
type deployment struct {
	// roleArns holds each role's ARN output (a string) by account and
	// role name.
	roleArns map[string]map[string]pulumi.Input
	groups   map[string]*components.Group
	// arrangement is where stackSets delivery puts each stack instance.
	arrangement stacksets.Arrangement
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

func export(ctx *pulumi.Context, l *layout.Layout, d *deployment, rendered *profiles.Rendered) error {
	roleArns := pulumi.Map{}
	roles := pulumi.Map{}
	for _, a := range l.Accounts {
		arns, ok := d.roleArns[a.Name]
		if !ok {
			continue
		}
		byName := pulumi.Map{}
		detail := pulumi.Map{}
		for _, r := range a.Roles {
			byName[r.Name] = arns[r.Name]
			detail[r.Name] = pulumi.Map{
				contract.RoleAccountID:          pulumi.String(a.ID),
				contract.RoleArn:                arns[r.Name],
				contract.RoleName:               pulumi.String(r.Name),
				contract.RolePath:               pulumi.String(r.Path),
				contract.RoleMFARequired:        pulumi.Bool(r.RequireMFA),
				contract.RoleDestructive:        pulumi.Bool(r.Destructive),
				contract.RoleMaxSessionDuration: pulumi.Int(r.MaxSessionDuration),
			}
		}
		roleArns[a.Name] = byName
		roles[a.Name] = detail
	}
	groups := pulumi.Map{}
	for _, g := range l.Groups {
		if !l.IAMAccess() {
			break // no IAM group exists
		}
		arns := make(pulumi.Array, 0, len(g.Roles))
		for _, r := range g.Roles {
			arns = append(arns, d.roleArns[r.Account.Name][r.Name])
		}
		groups[g.Name] = pulumi.Map{
			contract.GroupArn:      d.groups[g.Name].Arn,
			contract.GroupName:     pulumi.String(g.Name),
			contract.GroupRoleArns: arns,
		}
	}
	ctx.Export(contract.VersionKey, pulumi.Int(contract.Version))
	ctx.Export(contract.MasterAccountIDKey, pulumi.String(l.MasterAccountID))
	ctx.Export(contract.DeliveryKey, pulumi.String(deliveryOutput(l)))
	ctx.Export(contract.RoleArnsKey, roleArns)
	ctx.Export(contract.RolesKey, roles)
	ctx.Export(contract.GroupsKey, groups)
	if l.StackSets() {
		ctx.Export(contract.StackSetsKey, pulumi.Map{
			contract.StackSetsPermissionModel: pulumi.String(l.Delivery.StackSets.PermissionModel),
			contract.StackSetsInstances:       pulumi.ToStringMap(d.arrangement),
		})
	}
	exportWorkloads(ctx, l)
	return exportProfiles(ctx, l, rendered)
}
