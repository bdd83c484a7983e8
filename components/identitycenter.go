package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/identitystore"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssoadmin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/layout"
)

// Type tokens of the Identity Center components.
const (
	// IdentityCenterType holds everything the stack registers in IAM
	// Identity Center.
	IdentityCenterType = "iam-layout:organization:IdentityCenter"
	// PermissionSetType is one role definition as a permission set, with
	// its policies.
	PermissionSetType = "iam-layout:organization:PermissionSet"
	// IdentityCenterGroupType is one group of the organization in Identity
	// Center: the group (when the stack creates it), its memberships and
	// its account assignments.
	IdentityCenterGroupType = "iam-layout:organization:IdentityCenterGroup"
)

// Values of AccountAssignment's PrincipalType and TargetType.
const (
	PrincipalGroup   = "GROUP"
	TargetAWSAccount = "AWS_ACCOUNT"
)

// emailTypeWork is the type of a created user's one email address.
const emailTypeWork = "work"

// IdentityCenterArgs are the inputs of IdentityCenter: the resolved layout
// and what was looked up before anything was registered.
type IdentityCenterArgs struct {
	IdentityCenter *layout.IdentityCenter
	// InstanceArn and IdentityStoreID are the instance, configured or
	// looked up.
	InstanceArn     string
	IdentityStoreID string
	// GroupIDs are the identity store IDs of the existing groups, by group
	// key; UserIDs those of the existing users the stack adds to groups it
	// creates, by user key.
	GroupIDs map[string]string
	UserIDs  map[string]string
	// Provider reaches Identity Center when its region is not the stack's;
	// nil means the stack's default provider.
	Provider *aws.Provider
}

// IdentityCenter holds the stack's permission sets, Identity Center groups
// and users, memberships and account assignments.
type IdentityCenter struct {
	pulumi.ResourceState

	// PermissionSets are the permission sets by role name.
	PermissionSets map[string]*ssoadmin.PermissionSet
	// PermissionSetArns maps role name to permission set ARN.
	PermissionSetArns pulumi.StringMapOutput `pulumi:"permissionSetArns"`
}

// NewIdentityCenter registers the Identity Center side of a layout. Every
// logical name comes from config keys (role, group, user and account
// names), never from IDs or list positions: adding or removing an
// assignment renames no other, so none is replaced and nobody loses access
// while the update runs.
func NewIdentityCenter(ctx *pulumi.Context, name string, args *IdentityCenterArgs, opts ...pulumi.ResourceOption) (*IdentityCenter, error) {
	if args == nil || args.IdentityCenter == nil || args.InstanceArn == "" || args.IdentityStoreID == "" {
		return nil, errors.New("creating identity center component: args with the layout's IdentityCenter, the instance ARN and the identity store ID are required")
	}
	ic := args.IdentityCenter
	comp := &IdentityCenter{PermissionSets: map[string]*ssoadmin.PermissionSet{}}
	if err := ctx.RegisterComponentResource(IdentityCenterType, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("registering identity center: %w", err)
	}
	// Children take the provider explicitly: a component does not pass
	// its own options on.
	custom := func(parent pulumi.Resource, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
		out := append([]pulumi.ResourceOption{pulumi.Parent(parent)}, more...)
		if args.Provider != nil {
			out = append(out, pulumi.Provider(args.Provider))
		}
		return out
	}
	instance, store := pulumi.String(args.InstanceArn), pulumi.String(args.IdentityStoreID)

	userIDs := map[string]pulumi.StringInput{}
	for key, id := range args.UserIDs {
		userIDs[key] = pulumi.String(id)
	}
	for _, u := range ic.Users {
		if !u.Create {
			continue
		}
		uargs := &identitystore.UserArgs{
			IdentityStoreId: store,
			UserName:        pulumi.String(u.UserName),
			DisplayName:     pulumi.String(u.DisplayName),
			Name:            identitystore.UserNameArgs{GivenName: pulumi.String(u.GivenName), FamilyName: pulumi.String(u.FamilyName)},
		}
		if u.Email != "" {
			uargs.Emails = identitystore.UserEmailsArgs{Value: pulumi.String(u.Email), Primary: pulumi.Bool(true), Type: pulumi.String(emailTypeWork)}
		}
		user, err := identitystore.NewUser(ctx, u.Name(), uargs, custom(comp)...)
		if err != nil {
			return nil, fmt.Errorf("creating Identity Center user (%s): %w", u.Name(), err)
		}
		userIDs[u.Name()] = user.UserId
	}

	type registered struct {
		arn   pulumi.StringOutput
		ready []pulumi.Resource
	}
	sets := map[*layout.PermissionSet]registered{}
	arns := pulumi.StringMap{}
	for _, set := range ic.PermissionSets {
		ps, ready, err := newPermissionSet(ctx, set, instance, comp, custom)
		if err != nil {
			return nil, err
		}
		comp.PermissionSets[set.Role] = ps
		arns[set.Role] = ps.Arn
		sets[set] = registered{ps.Arn, ready}
	}

	for _, g := range ic.Groups {
		grp := &pulumi.ResourceState{}
		if err := ctx.RegisterComponentResource(IdentityCenterGroupType, g.Name(), grp, pulumi.Parent(comp)); err != nil {
			return nil, fmt.Errorf("registering Identity Center group %s: %w", g.Name(), err)
		}
		var groupID pulumi.StringInput
		if g.Create {
			gargs := &identitystore.GroupArgs{IdentityStoreId: store, DisplayName: pulumi.String(g.DisplayName)}
			if g.Description != "" {
				gargs.Description = pulumi.String(g.Description)
			}
			created, err := identitystore.NewGroup(ctx, g.Name(), gargs, custom(grp)...)
			if err != nil {
				return nil, fmt.Errorf("creating Identity Center group (%s): %w", g.Name(), err)
			}
			groupID = created.GroupId
		} else {
			id, ok := args.GroupIDs[g.Name()]
			if !ok {
				return nil, fmt.Errorf("assigning Identity Center group (%s): its ID was not looked up", g.Name())
			}
			groupID = pulumi.String(id)
		}
		for _, u := range g.Members {
			member, ok := userIDs[u.Name()]
			if !ok {
				return nil, fmt.Errorf("adding %s to Identity Center group (%s): the user's ID was not looked up", u.Name(), g.Name())
			}
			_, err := identitystore.NewGroupMembership(ctx, g.Name()+"/"+u.Name(), &identitystore.GroupMembershipArgs{
				IdentityStoreId: store,
				GroupId:         groupID,
				MemberId:        member,
			}, custom(grp)...)
			if err != nil {
				return nil, fmt.Errorf("adding %s to Identity Center group (%s): %w", u.Name(), g.Name(), err)
			}
		}
		for _, a := range g.Assignments {
			acct := a.Placement.Role.Account
			set := sets[a.Placement.PermissionSet]
			// The policies go on first, so the role AWS provisions into the
			// account carries them from its first minute.
			more := []pulumi.ResourceOption{pulumi.DependsOn(set.ready)}
			if acct.Protect {
				more = append(more, pulumi.Protect(true))
			}
			if acct.RetainOnDelete {
				more = append(more, pulumi.RetainOnDelete(true))
			}
			more = append(more, formerNames(acct.Aliases, func(f string) string { return g.Name() + "/" + f + "/" + a.Placement.Role.Name })...)
			_, err := ssoadmin.NewAccountAssignment(ctx, a.Key(), &ssoadmin.AccountAssignmentArgs{
				InstanceArn:      instance,
				PermissionSetArn: set.arn,
				PrincipalId:      groupID,
				PrincipalType:    pulumi.String(PrincipalGroup),
				TargetId:         pulumi.String(acct.ID),
				TargetType:       pulumi.String(TargetAWSAccount),
			}, custom(grp, more...)...)
			if err != nil {
				return nil, fmt.Errorf("creating account assignment (%s): %w", a.Key(), err)
			}
		}
		if err := ctx.RegisterResourceOutputs(grp, pulumi.Map{}); err != nil {
			return nil, fmt.Errorf("registering outputs of Identity Center group %s: %w", g.Name(), err)
		}
	}
	comp.PermissionSetArns = arns.ToStringMapOutput()
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{"permissionSetArns": comp.PermissionSetArns}); err != nil {
		return nil, fmt.Errorf("registering outputs of identity center: %w", err)
	}
	return comp, nil
}

// newPermissionSet registers one permission set and its policies under a
// component of its own, and returns the resources assignments wait for.
func newPermissionSet(ctx *pulumi.Context, set *layout.PermissionSet, instance pulumi.StringInput, parent pulumi.Resource,
	custom func(pulumi.Resource, ...pulumi.ResourceOption) []pulumi.ResourceOption) (*ssoadmin.PermissionSet, []pulumi.Resource, error) {
	comp := &pulumi.ResourceState{}
	if err := ctx.RegisterComponentResource(PermissionSetType, set.Role, comp, pulumi.Parent(parent)); err != nil {
		return nil, nil, fmt.Errorf("registering permission set %s: %w", set.Role, err)
	}
	args := &ssoadmin.PermissionSetArgs{
		InstanceArn:     instance,
		Name:            pulumi.String(set.Name),
		SessionDuration: pulumi.String(set.SessionDuration),
	}
	if set.Description != "" {
		args.Description = pulumi.String(set.Description)
	}
	if set.RelayState != "" {
		args.RelayState = pulumi.String(set.RelayState)
	}
	if len(set.Tags) > 0 {
		args.Tags = pulumi.ToStringMap(set.Tags)
	}
	ps, err := ssoadmin.NewPermissionSet(ctx, set.Role, args, custom(comp)...)
	if err != nil {
		return nil, nil, fmt.Errorf("creating permission set (%s): %w", set.Role, err)
	}
	var ready []pulumi.Resource
	for _, arn := range set.ManagedPolicyARNs {
		att, err := ssoadmin.NewManagedPolicyAttachment(ctx, set.Role+"/"+policyKey(arn), &ssoadmin.ManagedPolicyAttachmentArgs{
			InstanceArn:      instance,
			PermissionSetArn: ps.Arn,
			ManagedPolicyArn: pulumi.String(arn),
		}, custom(comp)...)
		if err != nil {
			return nil, nil, fmt.Errorf("attaching %s to permission set (%s): %w", arn, set.Role, err)
		}
		ready = append(ready, att)
	}
	for _, ref := range set.CustomerManagedPolicies {
		att, err := ssoadmin.NewCustomerManagedPolicyAttachment(ctx, set.Role+"/customer"+ref.Path+ref.Name, &ssoadmin.CustomerManagedPolicyAttachmentArgs{
			InstanceArn:      instance,
			PermissionSetArn: ps.Arn,
			CustomerManagedPolicyReference: ssoadmin.CustomerManagedPolicyAttachmentCustomerManagedPolicyReferenceArgs{
				Name: pulumi.String(ref.Name),
				Path: pulumi.String(ref.Path),
			},
		}, custom(comp)...)
		if err != nil {
			return nil, nil, fmt.Errorf("attaching %s%s to permission set (%s): %w", ref.Path, ref.Name, set.Role, err)
		}
		ready = append(ready, att)
	}
	if set.InlinePolicy != "" {
		// One inline policy per permission set: a second would silently
		// replace the first (terraform-provider-aws #28113).
		inline, err := ssoadmin.NewPermissionSetInlinePolicy(ctx, set.Role+"/inline", &ssoadmin.PermissionSetInlinePolicyArgs{
			InstanceArn:      instance,
			PermissionSetArn: ps.Arn,
			InlinePolicy:     pulumi.String(set.InlinePolicy),
		}, custom(comp)...)
		if err != nil {
			return nil, nil, fmt.Errorf("creating the inline policy of permission set (%s): %w", set.Role, err)
		}
		ready = append(ready, inline)
	}
	if b := set.Boundary; b != nil {
		boundary := ssoadmin.PermissionsBoundaryAttachmentPermissionsBoundaryArgs{}
		if b.CustomerManaged != nil {
			boundary.CustomerManagedPolicyReference = ssoadmin.PermissionsBoundaryAttachmentPermissionsBoundaryCustomerManagedPolicyReferenceArgs{
				Name: pulumi.String(b.CustomerManaged.Name),
				Path: pulumi.String(b.CustomerManaged.Path),
			}
		} else {
			boundary.ManagedPolicyArn = pulumi.String(b.ManagedPolicyARN)
		}
		att, err := ssoadmin.NewPermissionsBoundaryAttachment(ctx, set.Role+"/boundary", &ssoadmin.PermissionsBoundaryAttachmentArgs{
			InstanceArn:         instance,
			PermissionSetArn:    ps.Arn,
			PermissionsBoundary: boundary,
		}, custom(comp)...)
		if err != nil {
			return nil, nil, fmt.Errorf("attaching the permissions boundary of permission set (%s): %w", set.Role, err)
		}
		ready = append(ready, att)
	}
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{"arn": ps.Arn}); err != nil {
		return nil, nil, fmt.Errorf("registering outputs of permission set %s: %w", set.Role, err)
	}
	return ps, append(ready, ps), nil
}

// ManagementProviderArgs are the arguments of a provider that stays in the
// account the stack's credentials belong to (the management account) but in
// another region: the stack's settings carried over, no role assumed.
func (s ProviderSettings) ManagementProviderArgs(region string) *aws.ProviderArgs {
	args := s.providerArgs("", region)
	args.AssumeRole = nil
	return args
}
