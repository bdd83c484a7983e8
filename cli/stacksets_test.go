package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"iam-layout/handover"
	"iam-layout/importfile"
	"iam-layout/layout"
	"iam-layout/program"
	"iam-layout/stackfile"
)

// stackSetsProject is a project directory named acme-iam whose stacks hold
// the dev organization delivered by StackSets, changed per stack:
//   - handover: the hand-over run (adoptRoles), in us-east-1;
//   - service: SERVICE_MANAGED;
//   - regionless: instances in eu-west-1, and no aws:region.
func stackSetsProject(t *testing.T) string {
	t.Helper()
	cfg, err := stackfile.Read(projectDir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("Pulumi.yaml", "name: acme-iam\nruntime: go\n")
	stacks := map[string]struct {
		region   string
		settings map[string]any
	}{
		"handover":   {"us-east-1", map[string]any{"adoptRoles": true}},
		"service":    {"us-east-1", map[string]any{"permissionModel": "SERVICE_MANAGED", "organizationalUnitIds": []any{"r-ab12"}}},
		"regionless": {"", map[string]any{"region": "eu-west-1"}},
	}
	for name, s := range stacks {
		var org map[string]any
		if err := json.Unmarshal([]byte(cfg["iam-layout:"+program.ConfigKey]), &org); err != nil {
			t.Fatal(err)
		}
		org["delivery"] = layout.DeliveryStackSets
		org["stackSets"] = s.settings
		data, err := json.Marshal(org)
		if err != nil {
			t.Fatal(err)
		}
		text := "config:\n"
		if s.region != "" {
			text += "  aws:region: " + s.region + "\n"
		}
		// JSON is YAML: the organization as one flow mapping.
		write("Pulumi."+name+".yaml", text+"  acme-iam:organization: "+string(data)+"\n")
	}
	return dir
}

// stackPlan plans a stack of dir directly, as the command should.
func stackPlan(t *testing.T, dir, stack string) *handover.Plan {
	t.Helper()
	cfg, err := stackfile.Read(dir, stack)
	if err != nil {
		t.Fatal(err)
	}
	l, err := layout.Load([]byte(cfg["acme-iam:"+program.ConfigKey]))
	if err != nil {
		t.Fatal(err)
	}
	p, err := handover.NewPlan(l, cfg["aws:region"])
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStackSetsFormatsPrintThePlansOutputs(t *testing.T) {
	t.Parallel()
	dir := stackSetsProject(t)
	p := stackPlan(t, dir, "handover")
	script, err := p.Script("handover")
	if err != nil {
		t.Fatal(err)
	}
	file, err := p.ImportFile("acme-iam", "handover")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		args []string
		text string // printed as is
		json any    // printed as JSON
	}{
		"default is the templates": {args: nil, json: p.Templates()},
		"templates":                {args: []string{"--format", "templates"}, json: p.Templates()},
		"handover":                 {args: []string{"--format", "handover"}, text: script},
		"import":                   {args: []string{"--format", "import"}, json: *file},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runCLI(append([]string{"stacksets", "--stack", "handover", "--dir", dir}, tc.args...)...)
			if code != ExitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if tc.json == nil {
				if stdout != tc.text {
					t.Errorf("stdout differs from the plan's script")
				}
				return
			}
			got := reflect.New(reflect.TypeOf(tc.json))
			if err := json.Unmarshal([]byte(stdout), got.Interface()); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
			}
			if !reflect.DeepEqual(got.Elem().Interface(), tc.json) {
				t.Errorf("stdout = %v, want %v", got.Elem().Interface(), tc.json)
			}
		})
	}
	// The project name in the URNs is Pulumi.yaml's, the stack --stack's.
	for _, urn := range file.NameTable {
		if !strings.HasPrefix(urn, "urn:pulumi:handover::acme-iam::"+handover.RoleStackSetType+"::") {
			t.Errorf("parent URN %s", urn)
		}
	}
	var decoded importfile.File
	stdout, _, _ := runCLI("stacksets", "--stack", "regionless", "--dir", dir, "--format", "import")
	if err := json.Unmarshal([]byte(stdout), &decoded); err != nil || len(decoded.Resources) != 4 || !strings.HasSuffix(decoded.Resources[0].ID, ",eu-west-1") {
		t.Errorf("a stack without aws:region: instances are in stackSets.region: %v %+v", err, decoded)
	}
}

func TestStackSetsRefusalsExitWithWhatIsWrong(t *testing.T) {
	t.Parallel()
	dir := stackSetsProject(t)
	cases := map[string]struct {
		args []string
		code int
		want string
	}{
		"no stack":           {[]string{"--dir", dir}, ExitUsage, "--stack is required"},
		"stray argument":     {[]string{"--stack", "handover", "--dir", dir, "now"}, ExitUsage, "nothing else may follow the flags"},
		"unknown format":     {[]string{"--stack", "handover", "--dir", dir, "--format", "script"}, ExitUsage, `unknown format "script" (one of: templates, handover, import)`},
		"unknown flag":       {[]string{"--stack", "handover", "--dir", dir, "--user", "alice"}, ExitUsage, "flag provided but not defined: -user"},
		"providers delivery": {[]string{"--stack", "dev", "--dir", projectDir}, ExitError, "stack dev: delivery is providers: the StackSets tooling is for stacks with delivery: stackSets"},
		"missing stack file": {[]string{"--stack", "nope", "--dir", dir}, ExitError, "Pulumi.nope.yaml"},
		"service-managed import": {[]string{"--stack", "service", "--dir", dir, "--format", "import"}, ExitError,
			"stack service: import file: the live roles cannot be handed over to these StackSets:\n  - stackSets.permissionModel: SERVICE_MANAGED instances cannot be imported into the stack's state one by one"},
		"service-managed script": {[]string{"--stack", "service", "--dir", dir, "--format", "handover"}, ExitError, "hand-over script: the live roles cannot be handed over"},
		"script without the StackSets' region": {[]string{"--stack", "regionless", "--dir", dir, "--format", "handover"}, ExitError,
			"the stack file sets no aws:region"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runCLI(append([]string{"stacksets"}, tc.args...)...)
			if code != tc.code || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and stderr saying %q", code, stdout, stderr, tc.code, tc.want)
			}
		})
	}
	// SERVICE_MANAGED templates are still printed: they are the StackSets'.
	if _, stderr, code := runCLI("stacksets", "--stack", "service", "--dir", dir); code != ExitOK {
		t.Errorf("templates of a SERVICE_MANAGED stack: exit %d, %s", code, stderr)
	}
}

// TestTheOfflineRenderingsDoNotLinkThePulumiSDK: profiles, matrix, schema
// and stacksets run where Pulumi does not and build in seconds. Only the
// import command (package adopt, which runs the program itself) links the
// SDK into cmd/iam-layout.
func TestTheOfflineRenderingsDoNotLinkThePulumiSDK(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	deps := func(pkg string) []string {
		out, err := exec.Command(goTool, "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		return strings.Fields(string(out))
	}
	for _, pkg := range deps("iam-layout/cli") {
		if strings.HasPrefix(pkg, "github.com/pulumi/") {
			t.Errorf("package cli links %s", pkg)
		}
	}
	viaAdopt := map[string]bool{}
	for _, pkg := range deps("iam-layout/adopt") {
		viaAdopt[pkg] = true
	}
	for _, pkg := range deps("iam-layout/cmd/iam-layout") {
		if strings.HasPrefix(pkg, "github.com/pulumi/") && !viaAdopt[pkg] {
			t.Errorf("the command links %s other than through the import command", pkg)
		}
	}
}
