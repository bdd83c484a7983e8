package program

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/contract"
	"iam-layout/layout"
	"iam-layout/stacksets"
)

// deliveryOutput is the value of the delivery output for a layout.
func deliveryOutput(l *layout.Layout) string {
	switch {
	case !l.StackSets():
		return contract.DeliveryProviders
	case l.Delivery.StackSets.AdoptRoles:
		return contract.DeliveryHandover
	default:
		return contract.DeliveryStackSets
	}
}

// previousDeployment is what the program reads of its own last
// deployment, from its own stack's outputs.
type previousDeployment struct {
	// delivery is the delivery output ("" before it existed).
	delivery string
	// roles holds the placements roleArns named, as "account/Role".
	roles map[string]bool
	// permissionModel and arrangement are the stackSets output's: where
	// the instances were. found says whether the output existed.
	permissionModel string
	arrangement     stacksets.Arrangement
	found           bool
}

// readPreviousDeployment reads this stack's previous outputs through a
// StackReference to itself. A layout that creates no role has nothing to
// switch or arrange (a root stack of people and groups, or people only
// through Identity Center), and reads nothing: it gets nil.
func readPreviousDeployment(ctx *pulumi.Context, l *layout.Layout) (*previousDeployment, error) {
	if len(l.Roles) == 0 || !l.IAMAccess() {
		return nil, nil
	}
	self := ctx.Organization() + "/" + ctx.Project() + "/" + ctx.Stack()
	ref, err := pulumi.NewStackReference(ctx, self, nil)
	if err != nil {
		return nil, fmt.Errorf("reading this stack's previous outputs: %w", err)
	}
	read := func(key string) (any, error) {
		out, err := ref.GetOutputDetails(key)
		if err != nil {
			return nil, fmt.Errorf("reading this stack's previous %s output: %w", key, err)
		}
		return out.Value, nil
	}
	prev := &previousDeployment{roles: map[string]bool{}}
	delivery, err := read(contract.DeliveryKey)
	if err != nil {
		return nil, err
	}
	prev.delivery, _ = delivery.(string)
	arns, err := read(contract.RoleArnsKey)
	if err != nil {
		return nil, err
	}
	accounts, _ := arns.(map[string]any)
	for account, roles := range accounts {
		m, _ := roles.(map[string]any)
		for role := range m {
			prev.roles[account+"/"+role] = true
		}
	}
	sets, err := read(contract.StackSetsKey)
	if err != nil {
		return nil, err
	}
	if m, ok := sets.(map[string]any); ok {
		prev.found = true
		prev.permissionModel, _ = m[contract.StackSetsPermissionModel].(string)
		instances, _ := m[contract.StackSetsInstances].(map[string]any)
		prev.arrangement = make(stacksets.Arrangement, len(instances))
		for key, v := range instances {
			if name, ok := v.(string); ok {
				prev.arrangement[key] = name
			}
		}
	}
	return prev, nil
}

// guardDeliverySwitch refuses a change of delivery that would delete live
// roles. Between providers and stackSets delivery the roles change owner:
// the engine would delete the iam.Role resources while CloudFormation
// creates roles of the same names (which fails, as they exist), or the
// other way round. The program sees the delivery of the last deployment in
// its own stack's outputs. Within stackSets delivery it refuses a change of
// permission model under live instances.
func guardDeliverySwitch(l *layout.Layout, prev *previousDeployment) error {
	if prev == nil {
		return nil
	}
	if err := deliveryTransition(prev.delivery, len(prev.roles) > 0, deliveryOutput(l)); err != nil {
		return err
	}
	return permissionModelTransition(l, prev)
}

// permissionModelTransition refuses to change the permission model of
// StackSets that hold instances. The AWS provider replaces a StackSet
// whose autoDeployment block comes or goes (SERVICE_MANAGED has one,
// SELF_MANAGED none): every StackSet would be deleted and created again,
// which takes its instances, and so the roles, with it; and CloudFormation
// deletes no StackSet that still has instances.
func permissionModelTransition(l *layout.Layout, prev *previousDeployment) error {
	if prev.delivery != contract.DeliveryStackSets || !l.StackSets() || prev.permissionModel == "" || len(prev.arrangement) == 0 {
		return nil
	}
	next := l.Delivery.StackSets.PermissionModel
	if prev.permissionModel == next {
		return nil
	}
	return fmt.Errorf("stackSets.permissionModel: this stack's StackSets are %s and hold live stack instances (%d); making them %s would have the AWS provider replace every StackSet, which deletes its instances and the roles with them. "+
		"Keep permissionModel: %s; moving between permission models is not automated (docs/scale.md, \"Permission models\")",
		prev.permissionModel, len(prev.arrangement), next, prev.permissionModel)
}

// arrangementTransition refuses a plan that would move a live instance to
// a StackSet of another name: its StackSets' names follow the role's name
// and policyNameSuffix, and a live instance in a StackSet the plan no
// longer has would be deleted, role and all, and created again in the new
// one (where CloudFormation cannot create the role while the old stack
// holds it). Within a family Arrange never moves one.
func arrangementTransition(live stacksets.Arrangement, sets []stacksets.StackSet, providers []stacksets.ProviderStackSet) error {
	var moved []string
	check := func(instances []stacksets.Instance) {
		for _, in := range instances {
			if was, ok := live[in.Key]; ok && was != in.StackSet {
				moved = append(moved, fmt.Sprintf("%s from %s to %s", in.Key, was, in.StackSet))
			}
		}
	}
	for _, ss := range sets {
		check(ss.Instances)
	}
	for _, ps := range providers {
		check(ps.Instances)
	}
	if len(moved) == 0 {
		return nil
	}
	sort.Strings(moved)
	examples := moved[:min(3, len(moved))]
	return fmt.Errorf("stackSets: this configuration would move %d live stack instances to StackSets of other names (%s), deleting each role and creating it again: a StackSet's name follows its role's name and policyNameSuffix. "+
		"Keep the names the live StackSets have (`pulumi stack output stackSets` lists them): renaming StackSets under live roles is not automated",
		len(moved), strings.Join(examples, "; "))
}

// liveArrangement is where the previous deployment left the plan's
// instances. A stack deployed before families were spread over several
// StackSets exports no arrangement: each of its definitions had one
// StackSet, the first of its family, which holds every instance it had
// then: every placement roleArns named, and the OIDC provider of an
// account with a live workload role of the issuer.
func liveArrangement(l *layout.Layout, prev *previousDeployment, sets []stacksets.StackSet, providers []stacksets.ProviderStackSet) stacksets.Arrangement {
	switch {
	case prev == nil:
		return nil
	case prev.found:
		return prev.arrangement
	case prev.delivery != contract.DeliveryStackSets && prev.delivery != contract.DeliveryHandover:
		return nil
	}
	live := stacksets.Arrangement{}
	for _, ss := range sets {
		for _, in := range ss.Instances {
			if prev.roles[in.Key] {
				live[in.Key] = ss.Name
			}
		}
	}
	for _, ps := range providers {
		for _, w := range l.Workloads {
			if w.Issuer != ps.Issuer {
				continue
			}
			for _, r := range w.Roles {
				if prev.roles[r.Key()] {
					live[stacksets.OIDCProviderKey(&layout.OIDCProvider{Account: r.Account, Issuer: ps.Issuer})] = ps.Name
				}
			}
		}
	}
	return live
}

// deliveryTransition decides whether a stack whose last deployment had
// delivery was (and roles, when hadRoles) may now be deployed with delivery
// next.
func deliveryTransition(was string, hadRoles bool, next string) error {
	if was == "" && hadRoles {
		// Deployed before the delivery output existed: providers was the
		// only delivery.
		was = contract.DeliveryProviders
	}
	if !hadRoles || was == "" || was == next {
		return nil
	}
	switch {
	case was == contract.DeliveryProviders && next == contract.DeliveryStackSets:
		return fmt.Errorf("delivery: this stack's roles were created by per-account providers; switching straight to %s would have the engine delete them while CloudFormation tries to create roles of the same names. "+
			"Hand them over instead (docs/stacksets-handover.md): first deploy with delivery: %s and stackSets.adoptRoles: true, which creates the StackSets and marks the roles to be retained, "+
			"then adopt the roles into the StackSets with the script `go run ./cmd/iam-layout stacksets --stack STACK --format handover` prints, then import the instances and deploy without adoptRoles",
			contract.DeliveryStackSets, contract.DeliveryStackSets)
	case was == contract.DeliveryProviders && next == contract.DeliveryHandover:
		// The first step of the hand-over: nothing is deleted.
		return nil
	case was == contract.DeliveryHandover && (next == contract.DeliveryStackSets || next == contract.DeliveryProviders):
		// Finishing the hand-over (the roles were retained by the
		// hand-over run) or abandoning it (the StackSets have no instances).
		return nil
	case was == contract.DeliveryStackSets:
		return fmt.Errorf("delivery: this stack's roles belong to CloudFormation StackSets; switching to %s would create them a second time and have CloudFormation delete them when the instances go. "+
			"To move back, delete the stack instances with retainOnDelete set on every account, then adopt the roles with `go run ./cmd/iam-layout import`", next)
	}
	return fmt.Errorf("delivery: cannot move from %s to %s", was, next)
}
