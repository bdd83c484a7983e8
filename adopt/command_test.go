package adopt

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"iam-layout/cli"
	"iam-layout/importfile"
)

func run(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestTheImportCommandPrintsTheFileTargetsAndSkipped(t *testing.T) {
	t.Parallel()
	code, out, errText := run("--stack", "dev", "--dir", "..")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errText)
	}
	var f importfile.File
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatalf("the file is not JSON: %v", err)
	}
	if err := f.Check(); err != nil || len(f.Resources) != 19 {
		t.Errorf("%d resources (want the dev stack's 19), check: %v", len(f.Resources), err)
	}
	code, out, _ = run("--stack", "dev", "--dir", "..", "--format", FormatTargets, "--org", "acme")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitOK || len(lines) != 10 || !strings.HasSuffix(lines[len(lines)-1], "pulumi:pulumi:StackReference::acme/iam-layout/dev") {
		t.Errorf("exit %d, targets:\n%s", code, out)
	}
	code, out, _ = run("--stack", "sso", "--dir", "..", "--format", FormatSkipped)
	if code != exitOK || !strings.Contains(out, "aws:ssoadmin/permissionSet:PermissionSet") || !strings.Contains(out, "IAM Identity Center gives its resources IDs") {
		t.Errorf("exit %d, skipped:\n%s", code, out)
	}
}

func TestTheImportCommandRefusesBadUsage(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args []string
		code int
		want string
	}{
		"no stack":       {[]string{"--dir", ".."}, exitUsage, "--stack is required"},
		"a stray word":   {[]string{"--stack", "dev", "--dir", "..", "dev"}, exitUsage, `unexpected "dev" after the flags`},
		"unknown format": {[]string{"--stack", "dev", "--dir", "..", "--format", "yaml"}, exitUsage, `unknown format "yaml"`},
		"unknown flag":   {[]string{"--stack", "dev", "--stacks"}, exitUsage, "flag provided but not defined"},
		"no stack file":  {[]string{"--stack", "nope", "--dir", ".."}, exitError, "no stack file Pulumi.nope.yaml in "},
		"no project":     {[]string{"--stack", "dev", "--dir", t.TempDir()}, exitError, "name that directory with --dir"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, _, errText := run(tc.args...)
			if code != tc.code || !strings.Contains(errText, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errText, tc.code, tc.want)
			}
		})
	}
}

// TestTheOfflineCommandsUsageDescribesImportAsItIs: `iam-layout help`
// (package cli, which cannot link this package) lists import with the same
// flags and formats as import's own usage.
func TestTheOfflineCommandsUsageDescribesImportAsItIs(t *testing.T) {
	t.Parallel()
	var help, errText bytes.Buffer
	if code := cli.Run([]string{"help"}, &help, &errText); code != cli.ExitOK {
		t.Fatalf("help: exit %d: %s", code, errText.String())
	}
	usageLine := func(text string) string {
		for _, l := range strings.Split(text, "\n") {
			if f := strings.Fields(l); len(f) > 1 && f[0] == "iam-layout" && f[1] == "import" {
				return strings.Join(f, " ")
			}
		}
		return ""
	}
	if got, want := usageLine(help.String()), usageLine(Usage); got != want || want == "" {
		t.Errorf("help lists %q, import's usage %q", got, want)
	}
	_, formats, _ := strings.Cut(help.String(), "\nimport formats")
	for _, f := range []string{FormatFile, FormatTargets, FormatSkipped} {
		if !strings.Contains(formats, "\n  "+f+" ") {
			t.Errorf("help's import formats lack %s:\n%s", f, formats)
		}
	}
}

// TestAStackWithNothingImportablePrintsAnEmptyListAndSaysWhy: the sso
// stack's resources all have IDs Identity Center assigns; the file is still
// one pulumi import reads (an empty list, not null), and stderr says why it
// is empty.
func TestAStackWithNothingImportablePrintsAnEmptyListAndSaysWhy(t *testing.T) {
	t.Parallel()
	code, out, errText := run("--stack", "sso", "--dir", "..")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errText)
	}
	var file map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &file); err != nil {
		t.Fatalf("the file is not JSON: %v\n%s", err, out)
	}
	if got := string(file["resources"]); got != "[]" {
		t.Errorf("resources = %s, want []", got)
	}
	for _, want := range []string{
		"nothing to import: none of the stack's 17 resources can be imported from the stack file alone",
		"17 of them: IAM Identity Center gives its resources IDs",
	} {
		if !strings.Contains(errText, want) {
			t.Errorf("stderr does not say %q:\n%s", want, errText)
		}
	}
	if _, _, errText := run("--stack", "dev", "--dir", ".."); strings.Contains(errText, "nothing to import") {
		t.Errorf("the dev stack's import says: %s", errText)
	}
}
