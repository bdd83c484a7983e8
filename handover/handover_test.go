package handover

import (
	"os/exec"
	"strings"
	"testing"

	"iam-layout/layout"
	"iam-layout/synthetic"
)

// spec is a small stackSets organization, changed by fn.
func spec(fn func(s *layout.Spec)) *layout.Spec {
	s := synthetic.Organization(synthetic.Options{Accounts: 3, Groups: 2, Users: 2, Delivery: layout.DeliveryStackSets})
	if fn != nil {
		fn(s)
	}
	return s
}

func plan(t *testing.T, s *layout.Spec, awsRegion string) *Plan {
	t.Helper()
	l, err := layout.Resolve(s)
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(l, awsRegion)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func serviceManaged(s *layout.Spec) {
	s.Delivery.StackSets.PermissionModel = layout.PermissionServiceManaged
	s.Delivery.StackSets.OrganizationalUnitIDs = []string{"r-ab12"}
}

func TestInstanceIDIsStackSetAccountAndRegion(t *testing.T) {
	t.Parallel()
	if got := InstanceID("iam-layout-ReadOnly", "345678901234", "eu-west-1"); got != "iam-layout-ReadOnly,345678901234,eu-west-1" {
		t.Errorf("InstanceID = %q", got)
	}
}

func TestRegionsComeFromStackSetsRegionThenTheStacksRegion(t *testing.T) {
	t.Parallel()
	own := plan(t, spec(func(s *layout.Spec) { s.Delivery.StackSets.Region = "eu-west-1" }), "us-east-1")
	if own.InstanceRegion != "eu-west-1" || own.StackSetRegion != "us-east-1" {
		t.Errorf("stackSets.region: instances in %q, StackSets in %q", own.InstanceRegion, own.StackSetRegion)
	}
	stacks := plan(t, spec(nil), "us-east-2")
	if stacks.InstanceRegion != "us-east-2" || stacks.StackSetRegion != "us-east-2" {
		t.Errorf("aws:region: instances in %q, StackSets in %q", stacks.InstanceRegion, stacks.StackSetRegion)
	}
}

func TestTemplatesAreTheStackSetsBodies(t *testing.T) {
	t.Parallel()
	p := plan(t, spec(nil), "us-east-1")
	got := p.Templates()
	if len(got) != 3 || len(p.StackSets) != 3 {
		t.Fatalf("%d templates for %d StackSets", len(got), len(p.StackSets))
	}
	for _, ss := range p.StackSets {
		if got[ss.Name] != ss.Template || ss.Template == "" {
			t.Errorf("%s: template differs from the plan's", ss.Name)
		}
	}
}

func TestWhatCannotBeHandedOverIsRefusedWithEveryReason(t *testing.T) {
	t.Parallel()
	l, err := layout.Resolve(spec(nil))
	if err != nil {
		t.Fatal(err)
	}
	l.Delivery = layout.Delivery{Mode: layout.DeliveryProviders}
	if _, err := NewPlan(l, "us-east-1"); err == nil || !strings.Contains(err.Error(), "delivery is providers: the StackSets tooling is for stacks with delivery: stackSets") {
		t.Errorf("providers delivery: err = %v", err)
	}
	l, err = layout.Resolve(spec(nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewPlan(l, ""); err == nil || !strings.Contains(err.Error(), "stackSets.region: is required when the stack sets no aws:region") {
		t.Errorf("no region: err = %v", err)
	}

	withOUs := plan(t, spec(func(s *layout.Spec) {
		serviceManaged(s)
		r := s.Roles[synthetic.ReadOnly]
		r.OrganizationalUnits = []string{"ou-ab12-11111111"}
		s.Roles[synthetic.ReadOnly] = r
	}), "us-east-1")
	for what, err := range map[string]error{"import file": second(withOUs.ImportFile("iam-layout", "dev")), "hand-over script": second(withOUs.Script("dev"))} {
		for _, w := range []string{
			what + ": the live roles cannot be handed over to these StackSets",
			"roles.ReadOnly.organizationalUnits: the role is deployed to whole OUs",
			"stackSets.permissionModel: SERVICE_MANAGED instances cannot be imported into the stack's state one by one",
		} {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error lacks %q: %v", what, w, err)
			}
		}
	}
	// The templates stay available: they are the StackSets' own.
	if len(withOUs.Templates()) != 3 {
		t.Error("no templates for a SERVICE_MANAGED layout")
	}

	noStackRegion := plan(t, spec(func(s *layout.Spec) { s.Delivery.StackSets.Region = "eu-west-1" }), "")
	if _, err := noStackRegion.Script("dev"); err == nil || !strings.Contains(err.Error(), "sets no aws:region") {
		t.Errorf("script without the StackSets' region: err = %v", err)
	}
	if _, err := noStackRegion.ImportFile("iam-layout", "dev"); err != nil {
		t.Errorf("the import file needs only the instances' region: %v", err)
	}
	if _, err := plan(t, spec(nil), "us-east-1").Script("dev'; rm -rf /"); err == nil {
		t.Error("a stack name no Pulumi stack can have was written into the script")
	}
}

func second[T any](_ T, err error) error { return err }

// TestTheScriptIsShellcheckClean runs shellcheck on a generated script where
// it is installed (it is not part of the toolchain CI sets up).
func TestTheScriptIsShellcheckClean(t *testing.T) {
	t.Parallel()
	path, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck is not installed")
	}
	script, err := plan(t, spec(nil), "us-east-1").Script("dev")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, "--shell=bash", "-")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}
