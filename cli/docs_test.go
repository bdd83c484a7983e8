package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"iam-layout/stackfile"
)

// The README and docs make claims about the command and the shipped stack
// files; these tests hold the claims to what the code and files do.

func readDoc(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(projectDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestEveryShippedStackFileNamesTheSchema: the README tells people to begin
// a stack file with the yaml-language-server modeline "as in
// Pulumi.dev.yaml"; every stack file shipped does.
func TestEveryShippedStackFileNamesTheSchema(t *testing.T) {
	t.Parallel()
	const modeline = "# yaml-language-server: $schema=./schema/stack.schema.json\n"
	if !strings.Contains(readDoc(t, "README.md"), modeline) {
		t.Errorf("the README does not show the modeline %q", modeline)
	}
	stacks, err := stackfile.Stacks(projectDir)
	if err != nil || len(stacks) < 4 {
		t.Fatalf("stacks %v, %v", stacks, err)
	}
	for _, s := range stacks {
		if text := readDoc(t, "Pulumi."+s+".yaml"); !strings.HasPrefix(text, modeline) {
			t.Errorf("Pulumi.%s.yaml does not begin with %q", s, modeline)
		}
	}
}

// TestTheDocsSayWhichFormatsTakeUser: docs/profiles.md names exactly the
// formats --user goes with.
func TestTheDocsSayWhichFormatsTakeUser(t *testing.T) {
	t.Parallel()
	quoted := make([]string, len(userFormats))
	for i, f := range userFormats {
		quoted[i] = "`" + f + "`"
	}
	want := "`--user` goes with " + strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
	if doc := strings.Join(strings.Fields(readDoc(t, "docs/profiles.md")), " "); !strings.Contains(doc, want) {
		t.Errorf("docs/profiles.md does not say %q", want)
	}
	// And each of them takes it, on a stack it renders.
	for _, f := range userFormats {
		stack := "dev"
		if f == FormatSSO {
			stack = "sso"
		}
		if _, stderr, code := runCLI("profiles", "--stack", stack, "--dir", projectDir, "--user", "alice", "--format", f); code != ExitOK {
			t.Errorf("--user with --format %s: exit %d: %s", f, code, stderr)
		}
	}
}
