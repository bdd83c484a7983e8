package components

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/layout"
	"iam-layout/policies"
)

// GroupArgs are the inputs of a Group.
type GroupArgs struct {
	Group *layout.Group
	// Policies are the managed policies holding the group's assume-role
	// grants, already built and size-checked.
	Policies []policies.GroupPolicy
	// Guardrails maps the name of each shared guardrail policy the group
	// opts into to its ARN.
	Guardrails map[string]pulumi.StringInput
	// OwnedElsewhere, when set, is a group another stack owns (read from its
	// outputs): the group is not created, only the grants are attached to it.
	OwnedElsewhere *SharedGroup
}

// SharedGroup is a group owned by another stack, as its outputs give it.
type SharedGroup struct {
	Name pulumi.StringOutput
	Arn  pulumi.StringOutput
}

// Group is an IAM group of the management account with the managed policies
// that let its members assume exactly their roles.
type Group struct {
	pulumi.ResourceState

	Group *iam.Group
	// Arn is the group's ARN.
	Arn pulumi.StringOutput `pulumi:"arn"`
	// PolicyArns are the ARNs of the generated assume-role policies.
	PolicyArns pulumi.StringArrayOutput `pulumi:"policyArns"`
}

// NewGroup creates the group, its assume-role policies and their attachments,
// and attaches the group's declared managed policies. It uses the stack's
// default provider: groups live in the management account.
func NewGroup(ctx *pulumi.Context, name string, args *GroupArgs, opts ...pulumi.ResourceOption) (*Group, error) {
	if args == nil || args.Group == nil {
		return nil, errors.New("creating group component: args with a Group are required")
	}
	g := args.Group
	comp := &Group{}
	if err := ctx.RegisterComponentResource(GroupType, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("registering group %s: %w", g.Name, err)
	}
	parent := pulumi.Parent(comp)
	renamed := func(name func(former string) string) []pulumi.ResourceOption {
		return with([]pulumi.ResourceOption{parent}, formerNames(g.Aliases, name)...)
	}
	groupName, err := comp.group(ctx, g, args.OwnedElsewhere, renamed(func(f string) string { return f }))
	if err != nil {
		return nil, err
	}

	policyArns := make(pulumi.StringArray, 0, len(args.Policies))
	// Policy names derive from the group name, so a renamed group's
	// policies are replaced (IAM cannot rename a policy): harmless, the new
	// one is attached before the old one goes.
	for _, p := range args.Policies {
		pol, err := iam.NewPolicy(ctx, p.Name, &iam.PolicyArgs{
			Name:        pulumi.String(p.Name),
			Path:        pulumi.String(p.Path),
			Description: pulumi.String(fmt.Sprintf("Lets members of %s assume their roles (managed by iam-layout)", g.Name)),
			Policy:      pulumi.String(p.Document),
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("creating IAM policy (%s): %w", p.Name, err)
		}
		policyArns = append(policyArns, pol.Arn)
		if err := attach(ctx, g.Name+"/"+p.Name, groupName, pol.Arn, parent); err != nil {
			return nil, err
		}
	}
	for _, arn := range g.ManagedPolicyARNs {
		key := policyKey(arn)
		if err := attach(ctx, g.Name+"/"+key, groupName, pulumi.String(arn), renamed(func(f string) string { return f + "/" + key })...); err != nil {
			return nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(args.Guardrails)) {
		if err := attach(ctx, g.Name+"/"+name, groupName, args.Guardrails[name], renamed(func(f string) string { return f + "/" + name })...); err != nil {
			return nil, err
		}
	}
	comp.PolicyArns = policyArns.ToStringArrayOutput()
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{"arn": comp.Arn, "policyArns": comp.PolicyArns}); err != nil {
		return nil, fmt.Errorf("registering outputs of group %s: %w", g.Name, err)
	}
	return comp, nil
}

// group creates the IAM group, or, for a group another stack owns, takes
// its name from that stack's outputs. Either way attachments depend on it.
func (comp *Group) group(ctx *pulumi.Context, g *layout.Group, ownedElsewhere *SharedGroup, opts []pulumi.ResourceOption) (pulumi.StringInput, error) {
	if ownedElsewhere != nil {
		comp.Arn = ownedElsewhere.Arn
		return ownedElsewhere.Name, nil
	}
	// With an alias, a renamed group is an update of its name: IAM renames
	// groups in place, members and attachments included.
	group, err := iam.NewGroup(ctx, g.Name, &iam.GroupArgs{
		Name: pulumi.String(g.Name),
		Path: pulumi.String(g.Path),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating IAM group (%s): %w", g.Name, err)
	}
	comp.Group = group
	comp.Arn = group.Arn
	return group.Name, nil
}

func attach(ctx *pulumi.Context, name string, group pulumi.StringInput, policyArn pulumi.StringInput, opts ...pulumi.ResourceOption) error {
	_, err := iam.NewGroupPolicyAttachment(ctx, name, &iam.GroupPolicyAttachmentArgs{
		Group:     group,
		PolicyArn: policyArn,
	}, opts...)
	if err != nil {
		return fmt.Errorf("attaching policy to IAM group (%s): %w", name, err)
	}
	return nil
}
