package components

import (
	"errors"
	"fmt"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudformation"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/layout"
	"iam-layout/policies"
	"iam-layout/stacksets"
)

// Type tokens of stackSets delivery.
const (
	StackSetAdministrationType = "iam-layout:organization:StackSetAdministration"
	RoleStackSetType           = "iam-layout:organization:RoleStackSet"
)

// StackSetAdministrationArgs are the inputs of StackSetAdministration.
type StackSetAdministrationArgs struct {
	Settings  *layout.StackSets
	Documents *policies.StackSetAdministrationDocuments
}

// StackSetAdministration is the role SELF_MANAGED StackSets run as in the
// management account.
type StackSetAdministration struct {
	pulumi.ResourceState

	Role   *iam.Role
	Policy *iam.RolePolicy
	// Arn is the role's ARN, for the StackSets' AdministrationRoleArn.
	Arn pulumi.StringOutput `pulumi:"arn"`
}

// NewStackSetAdministration creates the administration role and its one
// inline policy, through the stack's default provider (the management
// account).
func NewStackSetAdministration(ctx *pulumi.Context, name string, args *StackSetAdministrationArgs, opts ...pulumi.ResourceOption) (*StackSetAdministration, error) {
	if args == nil || args.Settings == nil || args.Documents == nil {
		return nil, errors.New("creating the StackSets administration role: settings and documents are required")
	}
	comp := &StackSetAdministration{}
	if err := ctx.RegisterComponentResource(StackSetAdministrationType, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("registering the StackSets administration: %w", err)
	}
	parent := pulumi.Parent(comp)
	s := args.Settings
	role, err := iam.NewRole(ctx, s.AdministrationRoleName, &iam.RoleArgs{
		Name:             pulumi.String(s.AdministrationRoleName),
		Path:             pulumi.String("/"),
		Description:      pulumi.String("Lets CloudFormation StackSets of iam-layout assume the execution role in child accounts (managed by iam-layout)"),
		AssumeRolePolicy: pulumi.String(args.Documents.Trust),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating IAM role (%s): %w", s.AdministrationRoleName, err)
	}
	pol, err := iam.NewRolePolicy(ctx, s.AdministrationRoleName+"/"+policies.StackSetAdministrationPolicy, &iam.RolePolicyArgs{
		Role:   role.Name,
		Name:   pulumi.String(policies.StackSetAdministrationPolicy),
		Policy: pulumi.String(args.Documents.Policy),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating inline policy of IAM role (%s): %w", s.AdministrationRoleName, err)
	}
	comp.Role, comp.Policy, comp.Arn = role, pol, role.Arn
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{"arn": comp.Arn}); err != nil {
		return nil, fmt.Errorf("registering outputs of the StackSets administration: %w", err)
	}
	return comp, nil
}

// RoleStackSetArgs are the inputs of a RoleStackSet: plain values, because
// they decide which resources exist.
type RoleStackSetArgs struct {
	StackSet *stacksets.StackSet
	Settings *layout.StackSets
	// Region is where the stack instances are created.
	Region string
	// Administration is the SELF_MANAGED administration role; nil for
	// SERVICE_MANAGED.
	Administration *StackSetAdministration
	// WithoutInstances registers the StackSet alone: the hand-over run of a
	// stack moving from providers delivery, whose roles still exist.
	WithoutInstances bool
	// InstanceDependsOn holds, by account name, what an account's instance
	// must wait for: a workload role's trust names the account's OIDC
	// provider, created by another StackSet's instance.
	InstanceDependsOn map[string][]pulumi.Resource
	// DependsOn is what the StackSet itself waits for: the users the stack
	// creates that the template's closed trust names. Its instances follow
	// it, and a template update reaches the accounts only through it.
	DependsOn []pulumi.Resource
}

// RoleStackSet is one role definition delivered by CloudFormation: its
// StackSet and one stack instance per placement (or per targeted OU).
type RoleStackSet struct {
	pulumi.ResourceState

	StackSet  *cloudformation.StackSet
	Instances map[string]*cloudformation.StackSetInstance
	// RoleArns maps account name to the role's ARN there: computed from
	// account, path and name, as AWS names roles, and resolved once the
	// instance that creates the role exists.
	RoleArns map[string]pulumi.StringOutput
}

// How long an instance operation may wait. CloudFormation runs a StackSet's
// operations one after another, so an instance's operation may be queued
// behind every other instance of its StackSet; perOperation is a generous
// estimate of one single-account operation creating one role (about a
// minute is typical), and minTimeout is the AWS provider's own default.
const (
	perOperation = 3 * time.Minute
	minTimeout   = 30 * time.Minute
)

// NewRoleStackSet creates the StackSet of one role definition and its
// instances, all through the stack's default provider: no per-account
// provider exists in stackSets delivery.
func NewRoleStackSet(ctx *pulumi.Context, name string, args *RoleStackSetArgs, opts ...pulumi.ResourceOption) (*RoleStackSet, error) {
	if args == nil || args.StackSet == nil || args.Settings == nil {
		return nil, errors.New("creating a role StackSet: a StackSet plan and settings are required")
	}
	ss, s := args.StackSet, args.Settings
	if s.SelfManaged() && args.Administration == nil {
		return nil, fmt.Errorf("creating StackSet %s: SELF_MANAGED needs the administration role", ss.Name)
	}
	comp := &RoleStackSet{Instances: map[string]*cloudformation.StackSetInstance{}, RoleArns: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource(RoleStackSetType, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("registering StackSet %s: %w", ss.Name, err)
	}
	parent := pulumi.Parent(comp)
	setOpts := stackSetOptions(parent, args.Administration)
	if len(args.DependsOn) > 0 {
		setOpts = append(setOpts, pulumi.DependsOn(args.DependsOn))
	}
	set, err := cloudformation.NewStackSet(ctx, ss.RoleName, stackSetArgs(ss, s, args.Administration), setOpts...)
	if err != nil {
		return nil, fmt.Errorf("creating StackSet (%s): %w", ss.Name, err)
	}
	comp.StackSet = set

	// CloudFormation runs one operation of a StackSet at a time (managed
	// execution queues the rest), so an instance may wait behind every
	// other instance of its StackSet on a first roll-out.
	wait := max(minTimeout, time.Duration(len(ss.Instances))*perOperation)
	timeouts := pulumi.Timeouts(&pulumi.CustomTimeouts{Create: wait.String(), Update: wait.String(), Delete: wait.String()})
	var ouInstances pulumi.StringArray
	if !args.WithoutInstances {
		for _, in := range ss.Instances {
			instOpts := []pulumi.ResourceOption{parent, timeouts}
			instArgs := &cloudformation.StackSetInstanceArgs{
				StackSetName: set.Name,
				Region:       pulumi.String(args.Region),
			}
			switch {
			case in.Account != nil:
				a := in.Account
				if s.SelfManaged() {
					instArgs.AccountId = pulumi.String(a.ID)
				} else {
					// SERVICE_MANAGED instances are addressed through OUs;
					// the filter narrows them to the one account.
					instArgs.DeploymentTargets = &cloudformation.StackSetInstanceDeploymentTargetsArgs{
						OrganizationalUnitIds: pulumi.ToStringArray(s.OrganizationalUnitIDs),
						Accounts:              pulumi.ToStringArray([]string{a.ID}),
						AccountFilterType:     pulumi.String("INTERSECTION"),
					}
				}
				if a.RetainOnDelete {
					// The stack (and the role) stay when the instance goes;
					// the engine keeps the instance's deletion a no-op too.
					instArgs.RetainStack = pulumi.Bool(true)
					instOpts = append(instOpts, pulumi.RetainOnDelete(true))
				}
				if a.Protect {
					instOpts = append(instOpts, pulumi.Protect(true))
				}
				if deps := args.InstanceDependsOn[a.Name]; len(deps) > 0 {
					instOpts = append(instOpts, pulumi.DependsOn(deps))
				}
				instOpts = append(instOpts, formerNames(a.Aliases, func(f string) string { return f + "/" + ss.RoleName })...)
			default:
				instArgs.DeploymentTargets = &cloudformation.StackSetInstanceDeploymentTargetsArgs{
					OrganizationalUnitIds: pulumi.ToStringArray([]string{in.OrganizationalUnit}),
				}
			}
			inst, err := cloudformation.NewStackSetInstance(ctx, in.Key, instArgs, instOpts...)
			if err != nil {
				return nil, fmt.Errorf("creating StackSet instance (%s): %w", in.Key, err)
			}
			comp.Instances[in.Key] = inst
			if in.Account == nil {
				ouInstances = append(ouInstances, inst.StackSetName)
			}
		}
	}
	for _, r := range ss.Placements {
		arn := r.ARN
		var after pulumi.StringOutput
		switch inst, ok := comp.Instances[r.Key()]; {
		case ok:
			after = inst.StackSetName
		case len(ouInstances) > 0:
			after = ouInstances.ToStringArrayOutput().ApplyT(func([]string) string { return "" }).(pulumi.StringOutput)
		default:
			after = set.Name
		}
		comp.RoleArns[r.Account.Name] = after.ApplyT(func(string) string { return arn }).(pulumi.StringOutput)
	}
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{"stackSetName": set.Name}); err != nil {
		return nil, fmt.Errorf("registering outputs of StackSet %s: %w", ss.Name, err)
	}
	return comp, nil
}

// stackSetArgs are the StackSet's arguments: the template and how
// CloudFormation rolls it out.
func stackSetArgs(ss *stacksets.StackSet, s *layout.StackSets, admin *StackSetAdministration) *cloudformation.StackSetArgs {
	p := s.Preferences
	args := &cloudformation.StackSetArgs{
		Name:            pulumi.String(ss.Name),
		Description:     pulumi.String("Role " + ss.RoleName + " in every account it is placed in (managed by iam-layout)"),
		TemplateBody:    pulumi.String(ss.Template),
		Capabilities:    pulumi.ToStringArray([]string{stacksets.Capability}),
		PermissionModel: pulumi.String(s.PermissionModel),
		// Without managed execution CloudFormation refuses an operation
		// while another runs, and the engine creates instances in parallel.
		ManagedExecution: &cloudformation.StackSetManagedExecutionArgs{Active: pulumi.Bool(true)},
		OperationPreferences: &cloudformation.StackSetOperationPreferencesArgs{
			MaxConcurrentCount:         pulumi.IntPtrFromPtr(p.MaxConcurrentCount),
			MaxConcurrentPercentage:    pulumi.IntPtrFromPtr(p.MaxConcurrentPercentage),
			FailureToleranceCount:      pulumi.IntPtrFromPtr(p.FailureToleranceCount),
			FailureTolerancePercentage: pulumi.IntPtrFromPtr(p.FailureTolerancePercentage),
		},
	}
	if s.SelfManaged() {
		args.AdministrationRoleArn = admin.Arn
		args.ExecutionRoleName = pulumi.String(s.ExecutionRoleName)
	} else {
		auto := len(ss.OrganizationalUnits) > 0
		args.AutoDeployment = &cloudformation.StackSetAutoDeploymentArgs{
			Enabled:                      pulumi.Bool(auto),
			RetainStacksOnAccountRemoval: pulumi.Bool(auto && s.RetainStacksOnAccountRemoval),
		}
	}
	return args
}

// stackSetOptions make the StackSet wait for the administration role's
// policy: a StackSet whose role cannot assume the execution role yet fails
// its first operation.
func stackSetOptions(parent pulumi.ResourceOption, admin *StackSetAdministration) []pulumi.ResourceOption {
	if admin == nil {
		return []pulumi.ResourceOption{parent}
	}
	return []pulumi.ResourceOption{parent, pulumi.DependsOn([]pulumi.Resource{admin.Policy})}
}
