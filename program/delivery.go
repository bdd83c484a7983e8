package program

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/contract"
	"iam-layout/layout"
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

// guardDeliverySwitch refuses a change of delivery that would delete live
// roles. Between providers and stackSets delivery the roles change owner:
// the engine would delete the iam.Role resources while CloudFormation
// creates roles of the same names (which fails, as they exist), or the
// other way round. The program sees the delivery of the last deployment in
// its own stack's outputs, read through a StackReference to itself. A
// layout that creates no role has nothing to switch (a root stack of people
// and groups, or people only through Identity Center), and reads nothing.
func guardDeliverySwitch(ctx *pulumi.Context, l *layout.Layout) error {
	if len(l.Roles) == 0 || !l.IAMAccess() {
		return nil
	}
	self := ctx.Organization() + "/" + ctx.Project() + "/" + ctx.Stack()
	ref, err := pulumi.NewStackReference(ctx, self, nil)
	if err != nil {
		return fmt.Errorf("reading this stack's previous outputs: %w", err)
	}
	previous, err := ref.GetOutputDetails(contract.DeliveryKey)
	if err != nil {
		return fmt.Errorf("reading this stack's previous %s output: %w", contract.DeliveryKey, err)
	}
	arns, err := ref.GetOutputDetails(contract.RoleArnsKey)
	if err != nil {
		return fmt.Errorf("reading this stack's previous %s output: %w", contract.RoleArnsKey, err)
	}
	was, _ := previous.Value.(string)
	return deliveryTransition(was, hasRoles(arns.Value), deliveryOutput(l))
}

// hasRoles reports whether a roleArns output names at least one role.
func hasRoles(v any) bool {
	accounts, _ := v.(map[string]any)
	for _, roles := range accounts {
		if m, _ := roles.(map[string]any); len(m) > 0 {
			return true
		}
	}
	return false
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
