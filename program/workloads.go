package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"iam-layout/awssettings"
	"iam-layout/components"
	"iam-layout/contract"
	"iam-layout/layout"
	"iam-layout/policycheck"
	"iam-layout/profiles"
	"iam-layout/stacksets"
)

// registerOIDCProviderStackSets registers, in stackSets delivery, one
// StackSet per issuer delivering its OIDC providers, and returns what each
// workload role's instance must wait for: by role definition, then
// account, its account's provider instance.
func registerOIDCProviderStackSets(ctx *pulumi.Context, l *layout.Layout, p *plan, admin *components.StackSetAdministration) (map[string]map[string][]pulumi.Resource, error) {
	deps := map[string]map[string][]pulumi.Resource{}
	for i := range p.providerStackSets {
		ps := &p.providerStackSets[i]
		set, err := components.NewOIDCProviderStackSet(ctx, ps.Issuer.Host, &components.OIDCProviderStackSetArgs{
			Plan:             ps,
			Settings:         l.Delivery.StackSets,
			Region:           p.stackSetRegion,
			Administration:   admin,
			WithoutInstances: l.Delivery.StackSets.AdoptRoles,
		})
		if err != nil {
			return nil, err
		}
		for _, w := range l.Workloads {
			if w.Issuer != ps.Issuer {
				continue
			}
			for _, r := range w.Roles {
				if inst := set.Instances[r.Account.Name]; inst != nil {
					if deps[w.Name] == nil {
						deps[w.Name] = map[string][]pulumi.Resource{}
					}
					deps[w.Name][r.Account.Name] = append(deps[w.Name][r.Account.Name], inst)
				}
			}
		}
	}
	return deps, nil
}

// planOIDCProviderStackSets plans and checks the issuers' StackSets.
func planOIDCProviderStackSets(l *layout.Layout) ([]stacksets.ProviderStackSet, error) {
	sets, err := stacksets.BuildOIDCProviders(l)
	if err != nil {
		return nil, err
	}
	return sets, policycheck.CheckOIDCProviderStackSets(l, sets)
}

// exportWorkloads exports the workloads output, computed from the layout
// as the profiles are, so the offline command prints the same bytes. A
// stack without workloads exports nothing new.
func exportWorkloads(ctx *pulumi.Context, l *layout.Layout) {
	if len(l.Workloads) == 0 {
		return
	}
	region := config.New(ctx, awssettings.Namespace).Get(awssettings.KeyRegion)
	out := pulumi.Map{}
	for name, byAccount := range profiles.Workloads(l, region) {
		m := pulumi.Map{}
		for account, w := range byAccount {
			m[account] = pulumi.Map{
				contract.WorkloadAccountID:       pulumi.String(w.AccountID),
				contract.WorkloadRoleArn:         pulumi.String(w.RoleARN),
				contract.WorkloadCI:              pulumi.String(w.CI),
				contract.WorkloadIssuer:          pulumi.String(w.Issuer),
				contract.WorkloadAudience:        pulumi.String(w.Audience),
				contract.WorkloadSubjects:        pulumi.ToStringArray(w.Subjects),
				contract.WorkloadSubjectPatterns: pulumi.ToStringArray(w.SubjectPatterns),
				contract.WorkloadSnippet:         pulumi.String(w.Snippet),
			}
		}
		out[name] = m
	}
	ctx.Export(contract.WorkloadsKey, out)
}
