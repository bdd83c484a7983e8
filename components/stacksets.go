package components

import (
	"errors"
	"fmt"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudformation"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

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
// StackSets (one template, spread over several as the definition grows;
// stacksets.Arrange) and one stack instance per placement (or per targeted
// OU).
type RoleStackSet struct {
	pulumi.ResourceState

	// StackSets are the definition's StackSets by name.
	StackSets map[string]*cloudformation.StackSet
	Instances map[string]*cloudformation.StackSetInstance
	// RoleArns maps account name to the role's ARN there (a string):
	// computed from account, path and name, as AWS names roles, and
	// resolved once the instance that creates the role exists.
	RoleArns map[string]pulumi.Output
}

// How long an instance operation may wait. CloudFormation runs a StackSet's
// operations one after another, so an instance's operation may be queued
// behind every other instance of its StackSet (a first roll-out, a
// destroy); perOperation is a generous estimate of one single-account
// operation creating one role (about a minute is typical), and minTimeout
// is the AWS provider's own default.
const (
	perOperation = 3 * time.Minute
	minTimeout   = 30 * time.Minute
)

// queueTimeouts are the create, update and delete timeouts of the
// instances of a StackSet that holds n of them.
func queueTimeouts(n int) pulumi.ResourceOption {
	wait := max(minTimeout, time.Duration(n)*perOperation).String()
	return pulumi.Timeouts(&pulumi.CustomTimeouts{Create: wait, Update: wait, Delete: wait})
}

// NewRoleStackSet creates the StackSets of one role definition and their
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
	comp := &RoleStackSet{Instances: make(map[string]*cloudformation.StackSetInstance, len(ss.Instances)), RoleArns: make(map[string]pulumi.Output, len(ss.Placements))}
	if err := ctx.RegisterComponentResource(RoleStackSetType, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("registering StackSet %s: %w", ss.Name, err)
	}
	parent := pulumi.Parent(comp)
	family := stackSetFamily{
		logical:     ss.RoleName,
		base:        ss.Name,
		shards:      ss.Shards,
		template:    ss.Template,
		description: "Role " + ss.RoleName + " in every account it is placed in (managed by iam-layout)",
		autoDeploy:  len(ss.OrganizationalUnits) > 0,
		dependsOn:   args.DependsOn,
	}
	sets, err := family.register(ctx, s, args.Administration, parent)
	if err != nil {
		return nil, err
	}
	comp.StackSets = sets
	first := sets[ss.Name]

	var ouInstances pulumi.StringArray
	if !args.WithoutInstances {
		queued := queueLengths(ss.Instances)
		for _, in := range ss.Instances {
			set := sets[in.StackSet]
			if set == nil {
				return nil, fmt.Errorf("creating StackSet instance (%s): its StackSet %s is none of %v", in.Key, in.StackSet, ss.Shards)
			}
			var instArgs *cloudformation.StackSetInstanceArgs
			var instOpts []pulumi.ResourceOption
			if a := in.Account; a != nil {
				instArgs, instOpts = accountInstance(a, s, args.Region, set, parent, queued[in.StackSet],
					func(former string) string { return former + "/" + ss.RoleName }, args.InstanceDependsOn[a.Name])
			} else {
				instArgs = &cloudformation.StackSetInstanceArgs{
					StackSetName: set.Name,
					Region:       pulumi.String(args.Region),
					DeploymentTargets: &cloudformation.StackSetInstanceDeploymentTargetsArgs{
						OrganizationalUnitIds: pulumi.ToStringArray([]string{in.OrganizationalUnit}),
					},
				}
				instOpts = []pulumi.ResourceOption{parent, queueTimeouts(queued[in.StackSet])}
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
	// Each ARN waits for what creates its role. The promises are kept by
	// one goroutine a definition rather than by an Apply a placement: an
	// Apply's output carries the instance as a dependency into every stack
	// output that names the role, and at a thousand accounts those Applies
	// and dependencies were the largest part of the program's own work
	// (docs/scale.md). Stack outputs need no dependency: they are written
	// when the deployment ends.
	waits := make([]arnPromise, 0, len(ss.Placements))
	for _, r := range ss.Placements {
		var after pulumi.Output
		switch inst, ok := comp.Instances[r.Key()]; {
		case ok:
			after = inst.StackSetName
		case len(ouInstances) > 0:
			after = ouInstances.ToStringArrayOutput()
		default:
			after = first.Name
		}
		out, resolve, reject := ctx.NewOutput()
		comp.RoleArns[r.Account.Name] = out
		waits = append(waits, arnPromise{after: after, arn: r.ARN, resolve: resolve, reject: reject})
	}
	go keepARNPromises(ctx, waits)
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{"stackSetName": first.Name}); err != nil {
		return nil, fmt.Errorf("registering outputs of StackSet %s: %w", ss.Name, err)
	}
	return comp, nil
}

// arnPromise is a role's ARN, to resolve once after has.
type arnPromise struct {
	after   pulumi.Output
	arn     string
	resolve func(any)
	reject  func(error)
}

// keepARNPromises resolves each promise once its output has, in turn. The
// ARN is known whatever after resolves to: AWS names roles by account,
// path and name. An error (the instance failed) rejects the ARN with it.
func keepARNPromises(ctx *pulumi.Context, waits []arnPromise) {
	for _, w := range waits {
		if _, err := internals.UnsafeAwaitOutput(ctx.Context(), w.after); err != nil {
			w.reject(err)
			continue
		}
		w.resolve(w.arn)
	}
}

// queueLengths counts the instances of each StackSet.
func queueLengths(instances []stacksets.Instance) map[string]int {
	out := map[string]int{}
	for _, in := range instances {
		out[in.StackSet]++
	}
	return out
}

// accountInstance is the stack instance that puts a family's template in
// one account: addressed by account ID (SELF_MANAGED) or by the
// organization's OUs filtered to the account (SERVICE_MANAGED), protected
// and retained as the account says, under its former names too, timed for
// a StackSet that holds queued instances.
func accountInstance(a *layout.Account, s *layout.StackSets, region string, set *cloudformation.StackSet, parent pulumi.ResourceOption, queued int, former func(string) string, dependsOn []pulumi.Resource) (*cloudformation.StackSetInstanceArgs, []pulumi.ResourceOption) {
	args := &cloudformation.StackSetInstanceArgs{StackSetName: set.Name, Region: pulumi.String(region)}
	if s.SelfManaged() {
		args.AccountId = pulumi.String(a.ID)
	} else {
		// SERVICE_MANAGED instances are addressed through OUs; the filter
		// narrows them to the one account.
		args.DeploymentTargets = &cloudformation.StackSetInstanceDeploymentTargetsArgs{
			OrganizationalUnitIds: pulumi.ToStringArray(s.OrganizationalUnitIDs),
			Accounts:              pulumi.ToStringArray([]string{a.ID}),
			AccountFilterType:     pulumi.String("INTERSECTION"),
		}
	}
	opts := []pulumi.ResourceOption{parent, queueTimeouts(queued)}
	if a.RetainOnDelete {
		// The stack (and the role) stay when the instance goes; the engine
		// keeps the instance's deletion a no-op too.
		args.RetainStack = pulumi.Bool(true)
		opts = append(opts, pulumi.RetainOnDelete(true))
	}
	if a.Protect {
		opts = append(opts, pulumi.Protect(true))
	}
	if len(dependsOn) > 0 {
		opts = append(opts, pulumi.DependsOn(dependsOn))
	}
	return args, append(opts, formerNames(a.Aliases, former)...)
}

// stackSetFamily is what the StackSets of one template share.
type stackSetFamily struct {
	// logical is the first StackSet's logical name (the name it has always
	// had); the n-th is layout.ShardName of it.
	logical, base string
	shards        []string
	template      string
	description   string
	// autoDeploy turns SERVICE_MANAGED auto-deployment on: the family
	// targets whole OUs.
	autoDeploy bool
	// dependsOn is what every StackSet of the family waits for: the users
	// a closed trust names.
	dependsOn []pulumi.Resource
}

// register creates the family's StackSets, by name.
func (f stackSetFamily) register(ctx *pulumi.Context, s *layout.StackSets, admin *StackSetAdministration, parent pulumi.ResourceOption) (map[string]*cloudformation.StackSet, error) {
	opts := stackSetOptions(parent, s, admin)
	if len(f.dependsOn) > 0 {
		opts = append(opts, pulumi.DependsOn(f.dependsOn))
	}
	out := make(map[string]*cloudformation.StackSet, len(f.shards))
	for _, name := range f.shards {
		n := layout.ShardNumber(f.base, name)
		if n == 0 {
			return nil, fmt.Errorf("creating StackSet (%s): not one of %s's", name, f.base)
		}
		args := stackSetArgs(name, f.template, f.description, f.autoDeploy, s, admin)
		set, err := cloudformation.NewStackSet(ctx, layout.ShardName(f.logical, n), args, opts...)
		if err != nil {
			return nil, fmt.Errorf("creating StackSet (%s): %w", name, err)
		}
		out[name] = set
	}
	if out[f.base] == nil {
		return nil, fmt.Errorf("creating StackSets of %s: the first is not among %v", f.base, f.shards)
	}
	return out, nil
}

// stackSetArgs are a StackSet's arguments: the template and how
// CloudFormation rolls it out.
func stackSetArgs(name, template, description string, autoDeploy bool, s *layout.StackSets, admin *StackSetAdministration) *cloudformation.StackSetArgs {
	p := s.Preferences
	args := &cloudformation.StackSetArgs{
		Name:            pulumi.String(name),
		Description:     pulumi.String(description),
		TemplateBody:    pulumi.String(template),
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
		args.AutoDeployment = &cloudformation.StackSetAutoDeploymentArgs{
			Enabled:                      pulumi.Bool(autoDeploy),
			RetainStacksOnAccountRemoval: pulumi.Bool(autoDeploy && s.RetainStacksOnAccountRemoval),
		}
	}
	return args
}

// AdministrationRoleArnProperty is the StackSet input a SERVICE_MANAGED
// StackSet leaves to AWS.
const AdministrationRoleArnProperty = "administrationRoleArn"

// stackSetOptions are the options of every StackSet. SELF_MANAGED: wait for
// the administration role's policy, since a StackSet whose role cannot
// assume the execution role yet fails its first operation.
// SERVICE_MANAGED: ignore administrationRoleArn. AWS gives such a StackSet
// its service-linked administration role and pulumi-aws v6.83.4 reads it
// into the state, while the program (which must not send one alongside
// autoDeployment) declares none: every later preview would show
// [diff: -administrationRoleArn] and every update would send it away in
// vain (terraform-provider-aws #23464, fixed upstream after this version by
// PR #45992). Only SERVICE_MANAGED ignores it, so that a SELF_MANAGED
// StackSet's administration role is still set and kept.
func stackSetOptions(parent pulumi.ResourceOption, s *layout.StackSets, admin *StackSetAdministration) []pulumi.ResourceOption {
	if !s.SelfManaged() {
		return []pulumi.ResourceOption{parent, pulumi.IgnoreChanges([]string{AdministrationRoleArnProperty})}
	}
	return []pulumi.ResourceOption{parent, pulumi.DependsOn([]pulumi.Resource{admin.Policy})}
}
