package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"iam-layout/layout"
	"iam-layout/profiles"
	"iam-layout/program"
	"iam-layout/stackfile"
)

// projectDir is the repository root, holding Pulumi.yaml and Pulumi.dev.yaml.
const projectDir = ".."

func runCLI(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = Run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// shippedLayout loads a shipped stack's organization and region directly,
// as the program gets them.
func shippedLayout(t *testing.T, stack string) (*layout.Layout, string) {
	t.Helper()
	cfg, err := stackfile.Read(projectDir, stack)
	if err != nil {
		t.Fatal(err)
	}
	l, err := layout.Load([]byte(cfg["iam-layout:"+program.ConfigKey]))
	if err != nil {
		t.Fatal(err)
	}
	return l, cfg["aws:region"]
}

// devRendered renders the dev stack directly, as the program does.
func devRendered(t *testing.T) *profiles.Rendered {
	t.Helper()
	return profiles.Render(shippedLayout(t, "dev"))
}

func TestOrganizationKeyIsTheProgramsConfigKey(t *testing.T) {
	t.Parallel()
	if organizationKey != program.ConfigKey {
		t.Errorf("cli reads %q, the program %q", organizationKey, program.ConfigKey)
	}
}

func TestEachFormatPrintsItsRenderingOfTheStack(t *testing.T) {
	t.Parallel()
	r := devRendered(t)
	cases := map[string]struct {
		args []string
		text string // printed as is
		json any    // printed as JSON
	}{
		"default is the organization's config": {args: []string{"profiles"}, text: r.AWSConfig},
		"config":                               {args: []string{"profiles", "--format", "config"}, text: r.AWSConfig},
		"one user's config":                    {args: []string{"profiles", "--user", "alice"}, text: r.AWSConfigByUser["alice"]},
		"commands":                             {args: []string{"profiles", "--format", "commands"}, text: r.ConfigureCommands},
		"one user's commands":                  {args: []string{"profiles", "--format", "commands", "--user", "bob"}, text: r.ConfigureCommandsByUser["bob"]},
		"switch-roles":                         {args: []string{"profiles", "--format", "switch-roles"}, text: r.ExtendSwitchRolesConfig},
		"links":                                {args: []string{"profiles", "--format", "links"}, json: r.SwitchRoleURLs},
		"exclusions":                           {args: []string{"profiles", "--format", "exclusions"}, json: r.ConsoleExclusions},
		"matrix defaults to markdown":          {args: []string{"matrix"}, text: r.AccessMatrix},
		"matrix as mermaid":                    {args: []string{"matrix", "--format", "mermaid"}, text: r.AccessMatrixMermaid},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runCLI(append(tc.args, "--stack", "dev", "--dir", projectDir)...)
			if code != ExitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if tc.json == nil {
				if stdout != tc.text {
					t.Errorf("stdout:\n%s\nwant:\n%s", stdout, tc.text)
				}
				return
			}
			// Decode into the rendered value's own type: same meaning,
			// whatever the layout of the JSON.
			got := reflect.New(reflect.TypeOf(tc.json))
			if err := json.Unmarshal([]byte(stdout), got.Interface()); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
			}
			if !reflect.DeepEqual(got.Elem().Interface(), tc.json) {
				t.Errorf("stdout = %v, want %v", got.Elem().Interface(), tc.json)
			}
			if strings.Contains(stdout, `\u0026`) {
				t.Errorf("URLs are HTML-escaped: %s", stdout)
			}
		})
	}
}

func TestBadUsageExitsTwoAndSaysWhatIsWrongOnStderr(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args []string
		want string
	}{
		"no command":          {nil, "usage:"},
		"unknown command":     {[]string{"profile", "--stack", "dev"}, `unknown command "profile"`},
		"no stack":            {[]string{"profiles"}, "--stack is required"},
		"stray argument":      {[]string{"profiles", "--stack", "dev", "extra"}, `unexpected "extra" after the flags: nothing else may follow the flags`},
		"both at once":        {[]string{"matrix", "extra"}, `--stack is required; unexpected "extra" after the flags`},
		"unknown flag":        {[]string{"matrix", "--stack", "dev", "--user", "alice"}, "flag provided but not defined: -user"},
		"unknown format":      {[]string{"profiles", "--stack", "dev", "--format", "mermaid"}, `unknown format "mermaid" (one of: config, commands, links, switch-roles, exclusions, sso, portal-links)`},
		"user with links":     {[]string{"profiles", "--stack", "dev", "--user", "alice", "--format", "links"}, "--user goes with --format config, commands or sso, not links"},
		"unknown user":        {[]string{"profiles", "--stack", "dev", "--user", "zed"}, `no user "zed" in the organization (users: alice, bob, carol)`},
		"matrix bad format":   {[]string{"matrix", "--stack", "dev", "--format", "csv"}, `unknown format "csv" (one of: markdown, mermaid)`},
		"help is not a usage": {[]string{"help"}, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runCLI(append(tc.args, "--dir", projectDir)...)
			if tc.want == "" {
				if code != ExitOK || !strings.Contains(stdout, "usage:") {
					t.Errorf("help: exit %d, stdout %q", code, stdout)
				}
				return
			}
			if code != ExitUsage || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and stderr saying %q", code, stdout, stderr, tc.want)
			}
		})
	}
}

// TestEveryWayOfAskingForHelpListsEveryCommand: help (stdout, exit 0) and a
// usage error (stderr, exit 2) print the same usage, which names import
// too, though import runs in a binary of its own (cmd/iam-layout-import).
func TestEveryWayOfAskingForHelpListsEveryCommand(t *testing.T) {
	t.Parallel()
	commands := []string{"profiles", "matrix", "workloads", "schema", "stacksets", "import"}
	for name, tc := range map[string]struct {
		args []string
		code int
	}{
		"help":            {[]string{"help"}, ExitOK},
		"--help":          {[]string{"--help"}, ExitOK},
		"-h":              {[]string{"-h"}, ExitOK},
		"no arguments":    {nil, ExitUsage},
		"unknown command": {[]string{"imprt"}, ExitUsage},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runCLI(tc.args...)
			usage := stdout
			if tc.code != ExitOK {
				usage = stderr
				if stdout != "" {
					t.Errorf("stdout %q, want nothing", stdout)
				}
			}
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			for _, c := range commands {
				if !strings.Contains(usage, "\n  iam-layout "+c+" ") {
					t.Errorf("the usage does not list %s:\n%s", c, usage)
				}
			}
		})
	}
}

func TestABadStackExitsOneWithTheProblems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("Pulumi.yaml", "name: acme-iam\nruntime: go\n")
	write("Pulumi.invalid.yaml", "config:\n  acme-iam:organization:\n    masterAccountId: \"012345678901\"\n    accounts:\n      qa:\n        id: 234567890123\n")
	write("Pulumi.empty.yaml", "config:\n  aws:region: us-east-1\n")
	write("Pulumi.blank.yaml", "# nothing yet\n")
	write("Pulumi.misspelt.yaml", "config:\n  aws:region: us-east-1\n  acme-iam:organisation:\n    masterAccountId: \"012345678901\"\n")
	write("Pulumi.renamed.yaml", "config:\n  iam-layout:organization:\n    masterAccountId: \"012345678901\"\n")
	write("Pulumi.tab.yaml", "config:\n  acme-iam:organization:\n    masterAccountId: \"012345678901\"\n\taccounts:\n      qa: {id: \"234567890123\"}\n")
	example := "(for an example, see Pulumi.dev.yaml in the iam-layout repository; every key: docs/configuration.md)"
	cases := map[string]struct {
		stack, dir string
		want       []string
	}{
		"missing stack file":   {"nope", dir, []string{"no stack file Pulumi.nope.yaml in " + dir + " (stacks there: blank, empty, invalid, misspelt, renamed, tab)"}},
		"outside the project":  {"dev", t.TempDir(), []string{"no Pulumi.yaml in ", "so it is not the project directory: run the command there, or name that directory with --dir"}},
		"no organization":      {"empty", dir, []string{"stack empty has no acme-iam:organization", example}},
		"an empty stack file":  {"blank", dir, []string{"stack blank has no acme-iam:organization: Pulumi.blank.yaml sets no config at all " + example}},
		"a misspelt key":       {"misspelt", dir, []string{"Pulumi.misspelt.yaml sets acme-iam:organisation instead (did you mean acme-iam:organization?) " + example}},
		"another project's":    {"renamed", dir, []string{"Pulumi.renamed.yaml sets iam-layout:organization instead (did you mean acme-iam:organization?)"}},
		"a tab":                {"tab", dir, []string{"reading stack file Pulumi.tab.yaml: parsing YAML: ", "(line 4, column 1 is a tab: YAML indents with spaces, never tabs)"}},
		"invalid organization": {"invalid", dir, []string{"stack invalid: invalid organization configuration", "accounts.qa.id: must be a quoted string of 12 digits"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runCLI("profiles", "--stack", tc.stack, "--dir", tc.dir)
			if code != ExitError || stdout != "" {
				t.Errorf("exit %d, stdout %q; want exit 1 and nothing on stdout", code, stdout)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not say %q", stderr, w)
				}
			}
		})
	}
}
