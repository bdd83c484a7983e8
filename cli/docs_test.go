package cli

import (
	"os"
	"path/filepath"
	"slices"
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

// TestTheReadmeNamesTheCIsTheCIStackHas: the README says which kinds of
// CI workload Pulumi.ci.yaml shows; it once claimed a custom issuer the
// file does not have.
func TestTheReadmeNamesTheCIsTheCIStackHas(t *testing.T) {
	t.Parallel()
	l, _ := shippedLayout(t, "ci")
	var kinds []string
	for _, w := range l.Workloads {
		kinds = append(kinds, w.CI)
	}
	// The README's wording of each kind, in the README's order.
	var named []string
	for _, k := range []struct{ ci, words string }{{"github", "a GitHub Actions"}, {"gitlab", "a GitLab"}, {"custom", "a custom issuer's"}} {
		if slices.Contains(kinds, k.ci) {
			named = append(named, k.words)
		}
	}
	if len(named) < 2 {
		t.Fatalf("Pulumi.ci.yaml has workloads of %v", kinds)
	}
	want := "`Pulumi.ci.yaml` has " + strings.Join(named[:len(named)-1], ", ") + " and " + named[len(named)-1] + " workload"
	if readme := strings.Join(strings.Fields(readDoc(t, "README.md")), " "); !strings.Contains(readme, want) {
		t.Errorf("the README does not say %q", want)
	}
}

// section is the text of a Markdown section, from its heading to the next
// heading of its level or above.
func section(t *testing.T, doc, heading string) string {
	t.Helper()
	_, rest, ok := strings.Cut(doc, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("no section %q", heading)
	}
	if i := strings.Index(rest, "\n## "); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// TestTheReadmesSetUpIsTwoCommandsAfterAnOfflineFirstTry: the set-up is
// exactly two commands, the stack and the tests; before it, the first
// thing to try is the offline command, shown inline rather than as a third
// set-up command, and each of its commands runs on the example stack.
func TestTheReadmesSetUpIsTwoCommandsAfterAnOfflineFirstTry(t *testing.T) {
	t.Parallel()
	readme := readDoc(t, "README.md")
	setUp := section(t, readme, "## Set-up")
	var blocks []string
	for rest := setUp; ; {
		_, after, ok := strings.Cut(rest, "```sh\n")
		if !ok {
			break
		}
		block, next, _ := strings.Cut(after, "```")
		blocks, rest = append(blocks, strings.TrimSpace(block)), next
	}
	if !slices.Equal(blocks, []string{"./scripts/up dev", "./scripts/test"}) {
		t.Errorf("the set-up's commands are %q, want ./scripts/up dev and ./scripts/test", blocks)
	}
	for _, need := range []string{"/usr/bin/aws", "20 s fuzz pass", "FUZZTIME=0", "If an update was interrupted"} {
		if !strings.Contains(strings.Join(strings.Fields(setUp), " "), need) {
			t.Errorf("the set-up does not mention %q", need)
		}
	}

	try := strings.Join(strings.Fields(section(t, readme, "## Try it first")), " ")
	if strings.Index(readme, "## Try it first") > strings.Index(readme, "## Set-up") || strings.Contains(try, "```") {
		t.Error("the first thing to try is not an inline command before the set-up")
	}
	if !strings.Contains(try, "seeds") || !strings.Contains(try, "Pulumi.dev.yaml") {
		t.Errorf("the README does not say what the seeds' example organization is:\n%s", try)
	}
	const prefix = "`go run ./cmd/iam-layout "
	var tried int
	for rest := try; ; tried++ {
		_, after, ok := strings.Cut(rest, prefix)
		if !ok {
			break
		}
		command, next, _ := strings.Cut(after, "`")
		stdout, stderr, code := runCLI(append(strings.Fields(command), "--dir", projectDir)...)
		if code != ExitOK || stdout == "" {
			t.Errorf("%s%s`: exit %d, stderr %q", prefix, command, code, stderr)
		}
		rest = next
	}
	if tried < 2 {
		t.Errorf("the first thing to try shows %d commands, want the matrix and profiles", tried)
	}
}
