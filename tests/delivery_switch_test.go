package tests

import (
	"strings"
	"testing"
)

// previousOutputs are a stack's outputs from its last deployment.
func previousOutputs(delivery string, withRoles bool) map[string]map[string]any {
	out := map[string]any{"contractVersion": 1, "roleArns": map[string]any{}}
	if withRoles {
		out["roleArns"] = map[string]any{"qa": map[string]any{"AlfieDeployment": "arn:aws:iam::234567890123:role/AlfieDeployment"}}
	}
	if delivery != "" {
		out["delivery"] = delivery
	}
	return map[string]map[string]any{selfStack: out}
}

// withArrangement adds to previous outputs the stackSets output of
// StackSets of a permission model holding qa's AlfieDeployment.
func withArrangement(prev map[string]map[string]any, model string) map[string]map[string]any {
	prev[selfStack]["stackSets"] = map[string]any{
		"permissionModel": model,
		"instances":       map[string]any{"qa/AlfieDeployment": "iam-layout-AlfieDeployment"},
	}
	return prev
}

// TestSwitchingPermissionModelOrStackSetNamesUnderLiveInstancesIsRefused: the AWS provider
// would replace every StackSet (autoDeployment comes or goes), deleting
// its instances and their roles; and renamed StackSets would take their
// live instances with them. The program refuses both before registering
// anything but the read of its previous outputs, and says what to keep.
func TestSwitchingPermissionModelOrStackSetNamesUnderLiveInstancesIsRefused(t *testing.T) {
	t.Parallel()
	serviceManaged := func(org map[string]any) {
		org["delivery"] = "stackSets"
		org["stackSets"] = map[string]any{"permissionModel": "SERVICE_MANAGED", "organizationalUnitIds": []any{"r-ab12"}}
	}
	selfManaged := func(org map[string]any) { org["delivery"] = "stackSets" }
	cases := map[string]struct {
		was     string
		config  func(map[string]any)
		refusal string
	}{
		"SELF_MANAGED to SERVICE_MANAGED": {"SELF_MANAGED", serviceManaged, "stackSets.permissionModel: this stack's StackSets are SELF_MANAGED and hold live stack instances (1); making them SERVICE_MANAGED would have the AWS provider replace every StackSet"},
		"SERVICE_MANAGED to SELF_MANAGED": {"SERVICE_MANAGED", selfManaged, "stackSets.permissionModel: this stack's StackSets are SERVICE_MANAGED"},
		"SELF_MANAGED as before":          {"SELF_MANAGED", selfManaged, ""},
		// A StackSet's name follows policyNameSuffix: the live instance
		// would move to iam-layout-AlfieDeployment-ou-x.
		"a new StackSet name under a live instance": {"SELF_MANAGED", func(org map[string]any) { selfManaged(org); org["policyNameSuffix"] = "ou-x" },
			"stackSets: this configuration would move 1 live stack instances to StackSets of other names (qa/AlfieDeployment from iam-layout-AlfieDeployment to iam-layout-AlfieDeployment-ou-x)"},
		"SERVICE_MANAGED as before": {"SERVICE_MANAGED", serviceManaged, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := runWithStacks(t, mutate(t, tc.config), withArrangement(previousOutputs("stackSets", true), tc.was))
			assertRefusedBeforeRegistering(t, res, tc.refusal)
		})
	}
}

// TestSwitchingDeliveryNeverDeletesLiveRolesBySurprise walks the moves
// between deliveries, with the stack's own previous outputs as the program
// sees them: the moves that would delete roles are refused before anything
// but the read of those outputs is registered; the hand-over is allowed.
func TestSwitchingDeliveryNeverDeletesLiveRolesBySurprise(t *testing.T) {
	t.Parallel()
	providers := func(org map[string]any) {}
	stackSets := func(org map[string]any) { org["delivery"] = "stackSets" }
	handover := func(org map[string]any) {
		org["delivery"] = "stackSets"
		org["stackSets"] = map[string]any{"adoptRoles": true}
	}
	cases := map[string]struct {
		was       string
		withRoles bool
		config    func(map[string]any)
		refusal   string // "" when the run must succeed
	}{
		"providers straight to stackSets":         {"providers", true, stackSets, "switching straight to stackSets would have the engine delete them"},
		"a stack from before the delivery output": {"", true, stackSets, "switching straight to stackSets"},
		"providers to the hand-over":              {"providers", true, handover, ""},
		"the hand-over again":                     {"handover", true, handover, ""},
		"the hand-over finished":                  {"handover", true, stackSets, ""},
		"the hand-over abandoned":                 {"handover", true, providers, ""},
		"stackSets back to providers":             {"stackSets", true, providers, "roles belong to CloudFormation StackSets"},
		"stackSets back to a hand-over":           {"stackSets", true, handover, "roles belong to CloudFormation StackSets"},
		"a stack that has no roles yet":           {"providers", false, stackSets, ""},
		"a first deployment":                      {"", false, stackSets, ""},
		"providers as before":                     {"providers", true, providers, ""},
		"stackSets as before":                     {"stackSets", true, stackSets, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := runWithStacks(t, mutate(t, tc.config), previousOutputs(tc.was, tc.withRoles))
			assertRefusedBeforeRegistering(t, res, tc.refusal)
		})
	}
}

// TestTheHandOverRetainsEveryRoleAndCreatesStackSetsWithoutInstances: the
// first step of moving a stack to StackSets keeps the roles exactly where
// they are, marked so that dropping them later deletes nothing in AWS, and
// creates the StackSets the roles will be adopted into.
func TestTheHandOverRetainsEveryRoleAndCreatesStackSetsWithoutInstances(t *testing.T) {
	t.Parallel()
	before := mustRun(t, devConfig(t))
	res := runWithStacks(t, mutate(t, func(org map[string]any) {
		org["delivery"] = "stackSets"
		org["stackSets"] = map[string]any{"adoptRoles": true}
	}), previousOutputs("providers", true))
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if res.Exports["delivery"] != "handover" {
		t.Errorf("delivery output %v, want handover", res.Exports["delivery"])
	}
	// Every resource of providers delivery is still registered, with the
	// same URN and inputs, and retained if it lives in a child account.
	for _, old := range before.Resources {
		now, ok := res.byURN(old.URN)
		if !ok {
			t.Errorf("%s %s is no longer registered", old.Type, old.Name)
			continue
		}
		if old.Type == typeStackReference {
			continue
		}
		switch old.Type {
		case typeRole, typeRoleAttachment, typeRolePolicy:
			if !now.RetainOnDelete {
				t.Errorf("%s %s is not retained", now.Type, now.Name)
			}
		}
	}
	if got := len(res.ofType(typeStackSet)); got != 4 {
		t.Errorf("%d StackSets, want 4", got)
	}
	if got := res.ofType(typeStackSetInst); len(got) != 0 {
		t.Errorf("the hand-over created %d instances: CloudFormation would collide with the live roles", len(got))
	}
	if len(res.CFNRoles) != 0 {
		t.Errorf("CloudFormation created roles during the hand-over: %v", res.CFNRoles)
	}
	if got, want := res.Exports["roleArns"], before.Exports["roleArns"]; canonical(t, got) != canonical(t, want) {
		t.Errorf("roleArns changed during the hand-over: %v", got)
	}
}

// assertRefusedBeforeRegistering holds a run to its refusal ("" when it must
// succeed): a refused run registers nothing but the read of the stack's own
// previous outputs.
func assertRefusedBeforeRegistering(t *testing.T, res *result, refusal string) {
	t.Helper()
	if refusal == "" {
		if res.Err != nil {
			t.Fatalf("refused: %v", res.Err)
		}
		return
	}
	if res.Err == nil || !strings.Contains(res.Err.Error(), refusal) {
		t.Fatalf("err = %v, want %q", res.Err, refusal)
	}
	for _, r := range res.Resources {
		if r.Type != typeStackReference {
			t.Errorf("%s %s registered before the refusal", r.Type, r.Name)
		}
	}
}
