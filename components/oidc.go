package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudformation"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/layout"
	"iam-layout/stacksets"
)

// OIDCProviderStackSetType is the type token of an issuer's StackSet.
const OIDCProviderStackSetType = "iam-layout:organization:OIDCProviderStackSet"

// newOIDCProviders creates, in one account and through its provider, the
// OIDC provider of every issuer its workloads trust. No thumbprint is sent
// unless the configuration gives one: since 2023-07 AWS validates GitHub's
// and GitLab's certificates against its own trusted root CAs and ignores
// thumbprints, and without one IAM fetches the issuer's thumbprint itself
// (IAM API reference, CreateOpenIDConnectProvider and
// UpdateOpenIDConnectProviderThumbprint; pulumi-aws v6.83.4 takes none:
// "Without A Thumbprint"). A hard-coded thumbprint only goes stale.
func newOIDCProviders(ctx *pulumi.Context, a *layout.Account, handover bool, renamed func(suffix string) []pulumi.ResourceOption, parent, inAccount pulumi.ResourceOption) (map[string]*iam.OpenIdConnectProvider, error) {
	out := make(map[string]*iam.OpenIdConnectProvider, len(a.OIDCProviders))
	for _, p := range a.OIDCProviders {
		key := stacksets.OIDCProviderKey(p)
		opts := with(renamed("/oidc/"+p.Issuer.Host), parent, inAccount)
		// Every workload role of the issuer in the account depends on the
		// provider: it is guarded like them.
		if a.Protect {
			opts = append(opts, pulumi.Protect(true))
		}
		if a.RetainOnDelete || handover {
			opts = append(opts, pulumi.RetainOnDelete(true))
		}
		args := &iam.OpenIdConnectProviderArgs{
			Url:           pulumi.String(p.Issuer.URL),
			ClientIdLists: pulumi.ToStringArray(p.ClientIDs),
		}
		if len(p.Issuer.Thumbprints) > 0 {
			args.ThumbprintLists = pulumi.ToStringArray(p.Issuer.Thumbprints)
		}
		provider, err := iam.NewOpenIdConnectProvider(ctx, key, args, opts...)
		if err != nil {
			return nil, fmt.Errorf("creating IAM OIDC provider (%s): %w", key, err)
		}
		out[p.Issuer.Host] = provider
	}
	return out, nil
}

// OIDCProviderStackSetArgs are the inputs of an OIDCProviderStackSet.
type OIDCProviderStackSetArgs struct {
	Plan     *stacksets.ProviderStackSet
	Settings *layout.StackSets
	// Region is where the stack instances are created.
	Region string
	// Administration is the SELF_MANAGED administration role; nil for
	// SERVICE_MANAGED.
	Administration *StackSetAdministration
	// WithoutInstances registers the StackSet alone (the hand-over run).
	WithoutInstances bool
}

// OIDCProviderStackSet is one issuer's OIDC providers delivered by
// CloudFormation: its StackSets and one instance per account that needs it.
type OIDCProviderStackSet struct {
	pulumi.ResourceState

	// StackSets are the issuer's StackSets by name.
	StackSets map[string]*cloudformation.StackSet
	// Instances holds the instances by account name.
	Instances map[string]*cloudformation.StackSetInstance
}

// NewOIDCProviderStackSet creates an issuer's StackSets and its instances,
// through the stack's default provider. Workload roles' instances wait for
// the instance of their account (RoleStackSetArgs.InstanceDependsOn): IAM
// checks a trust policy's principals when the role is created, and the
// provider must exist first (IAM User Guide, "Create a role for OpenID
// Connect federation": the provider is a prerequisite).
func NewOIDCProviderStackSet(ctx *pulumi.Context, name string, args *OIDCProviderStackSetArgs, opts ...pulumi.ResourceOption) (*OIDCProviderStackSet, error) {
	if args == nil || args.Plan == nil || args.Settings == nil {
		return nil, errors.New("creating an OIDC provider StackSet: a plan and settings are required")
	}
	ps, s := args.Plan, args.Settings
	if s.SelfManaged() && args.Administration == nil {
		return nil, fmt.Errorf("creating StackSet %s: SELF_MANAGED needs the administration role", ps.Name)
	}
	comp := &OIDCProviderStackSet{Instances: map[string]*cloudformation.StackSetInstance{}}
	if err := ctx.RegisterComponentResource(OIDCProviderStackSetType, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("registering StackSet %s: %w", ps.Name, err)
	}
	parent := pulumi.Parent(comp)
	family := stackSetFamily{
		logical:     "oidc/" + ps.Issuer.Host,
		base:        ps.Name,
		shards:      ps.Shards,
		template:    ps.Template,
		description: "OIDC provider " + ps.Issuer.URL + " in every account whose CI workloads trust it (managed by iam-layout)",
	}
	sets, err := family.register(ctx, s, args.Administration, parent)
	if err != nil {
		return nil, err
	}
	comp.StackSets = sets
	if !args.WithoutInstances {
		queued := queueLengths(ps.Instances)
		for _, in := range ps.Instances {
			set := sets[in.StackSet]
			if set == nil || in.Account == nil {
				return nil, fmt.Errorf("creating StackSet instance (%s): its StackSet %s is none of %v", in.Key, in.StackSet, ps.Shards)
			}
			a := in.Account
			instArgs, instOpts := accountInstance(a, s, args.Region, set, parent, queued[in.StackSet],
				func(former string) string { return former + "/oidc/" + ps.Issuer.Host }, nil)
			inst, err := cloudformation.NewStackSetInstance(ctx, in.Key, instArgs, instOpts...)
			if err != nil {
				return nil, fmt.Errorf("creating StackSet instance (%s): %w", in.Key, err)
			}
			comp.Instances[a.Name] = inst
		}
	}
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{"stackSetName": sets[ps.Name].Name}); err != nil {
		return nil, fmt.Errorf("registering outputs of StackSet %s: %w", ps.Name, err)
	}
	return comp, nil
}
