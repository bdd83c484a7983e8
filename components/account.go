package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/layout"
)

// AccountArgs are the inputs of an Account: plain values, because they decide
// which resources exist.
type AccountArgs struct {
	Account *layout.Account
	// Trust holds each role's trust policy document by role key.
	Trust    map[string]string
	Settings ProviderSettings
	// Handover marks the run that hands the account's roles over to
	// CloudFormation StackSets: every role, attachment and inline policy is
	// retained when it later leaves the stack, so the move deletes nothing.
	Handover bool
	// TrustDependsOn holds, by role name, the users the stack creates
	// that the role's trust names (security.trust: members): IAM refuses a
	// trust naming a user that does not exist yet.
	TrustDependsOn map[string][]pulumi.Resource
}

// Account is one child account: the provider that reaches it and the roles
// laid out in it.
type Account struct {
	pulumi.ResourceState

	Provider *aws.Provider
	// Roles holds the roles by role name.
	Roles map[string]*iam.Role
	// RoleArns maps role name to ARN.
	RoleArns pulumi.StringMapOutput `pulumi:"roleArns"`
	// OIDCProviders holds the account's OIDC providers by issuer host.
	OIDCProviders map[string]*iam.OpenIdConnectProvider
}

// NewAccount creates, inside one child account and through one provider of
// its own, every role placed there with its trust policy, managed policy
// attachments and inline policies.
func NewAccount(ctx *pulumi.Context, name string, args *AccountArgs, opts ...pulumi.ResourceOption) (*Account, error) {
	if args == nil || args.Account == nil {
		return nil, errors.New("creating account component: args with an Account are required")
	}
	a := args.Account
	comp := &Account{Roles: make(map[string]*iam.Role, len(a.Roles))}
	if err := ctx.RegisterComponentResource(AccountType, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("registering account %s: %w", a.Name, err)
	}
	parent := pulumi.Parent(comp)
	renamed := func(suffix string) []pulumi.ResourceOption {
		return formerNames(a.Aliases, func(f string) string { return f + suffix })
	}
	provider, err := aws.NewProvider(ctx, a.Name, args.Settings.providerArgs(a.AccessRoleARN, a.Region), with(renamed(""), parent)...)
	if err != nil {
		return nil, fmt.Errorf("creating provider for account %s: %w", a.Name, err)
	}
	comp.Provider = provider
	inAccount := pulumi.Provider(provider)
	if comp.OIDCProviders, err = newOIDCProviders(ctx, a, args.Handover, renamed, parent, inAccount); err != nil {
		return nil, err
	}

	// Roles, attachments and inline policies are registered right here, not
	// in a helper: the SDK records the call stack of each registration, and a
	// frame less on every one of them is measurable at scale.
	arns := make(pulumi.StringMap, len(a.Roles))
	for _, r := range a.Roles {
		trust, ok := args.Trust[r.Key()]
		if !ok {
			return nil, fmt.Errorf("creating IAM role (%s): no trust policy was built for it", r.Key())
		}
		// Protection applies to the role itself: a typo that drops a role
		// from a protected account fails the update instead of deleting it.
		roleOpts := with(renamed("/"+r.Name), parent, inAccount)
		if a.Protect {
			roleOpts = append(roleOpts, pulumi.Protect(true))
		}
		if a.RetainOnDelete || args.Handover {
			roleOpts = append(roleOpts, pulumi.RetainOnDelete(true))
		}
		if r.Workload != nil {
			// The trust names the provider by its ARN, a plain string:
			// only this orders the two (workloads.go).
			roleOpts = append(roleOpts, pulumi.DependsOn([]pulumi.Resource{comp.OIDCProviders[r.Workload.Issuer.Host]}))
		}
		if users := args.TrustDependsOn[r.Name]; len(users) > 0 {
			// Likewise the members a closed trust names by ARN.
			roleOpts = append(roleOpts, pulumi.DependsOn(users))
		}
		// A retained role keeps its attachments and inline policies:
		// deleting them would leave a live role stripped of its access.
		childOpts := with(nil, parent, inAccount)
		if a.RetainOnDelete || args.Handover {
			childOpts = append(childOpts, pulumi.RetainOnDelete(true))
		}
		role, err := iam.NewRole(ctx, r.Key(), roleArgs(r, trust), roleOpts...)
		if err != nil {
			return nil, fmt.Errorf("creating IAM role (%s): %w", r.Key(), err)
		}
		comp.Roles[r.Name] = role
		arns[r.Name] = role.Arn
		// No DeletedWith here: IAM refuses to delete a role that still has
		// policies, so the engine must detach them first, as it does for
		// ordinary dependents.
		for _, arn := range r.ManagedPolicyARNs {
			suffix := "/" + r.Name + "/" + policyKey(arn)
			_, err := iam.NewRolePolicyAttachment(ctx, a.Name+suffix, &iam.RolePolicyAttachmentArgs{
				Role:      role.Name,
				PolicyArn: pulumi.String(arn),
			}, with(renamed(suffix), childOpts...)...)
			if err != nil {
				return nil, fmt.Errorf("attaching %s to IAM role (%s): %w", arn, r.Key(), err)
			}
		}
		for _, p := range r.InlinePolicies {
			suffix := "/" + r.Name + "/" + p.Name
			_, err := iam.NewRolePolicy(ctx, a.Name+suffix, &iam.RolePolicyArgs{
				Role:   role.Name,
				Name:   pulumi.String(p.Name),
				Policy: pulumi.String(p.Document),
			}, with(renamed(suffix), childOpts...)...)
			if err != nil {
				return nil, fmt.Errorf("creating inline policy %s of IAM role (%s): %w", p.Name, r.Key(), err)
			}
		}
	}
	comp.RoleArns = arns.ToStringMapOutput()
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{"roleArns": comp.RoleArns}); err != nil {
		return nil, fmt.Errorf("registering outputs of account %s: %w", a.Name, err)
	}
	return comp, nil
}

// roleArgs are the arguments of a role. Names are given, not generated: the
// ARNs must be known before deployment, for profiles and for other stacks.
func roleArgs(r *layout.Role, trust string) *iam.RoleArgs {
	args := &iam.RoleArgs{
		Name:               pulumi.String(r.Name),
		Path:               pulumi.String(r.Path),
		AssumeRolePolicy:   pulumi.String(trust),
		MaxSessionDuration: pulumi.Int(r.MaxSessionDuration),
	}
	if r.Description != "" {
		args.Description = pulumi.String(r.Description)
	}
	if r.PermissionsBoundary != "" {
		args.PermissionsBoundary = pulumi.String(r.PermissionsBoundary)
	}
	if len(r.Tags) > 0 {
		args.Tags = pulumi.ToStringMap(r.Tags)
	}
	return args
}
