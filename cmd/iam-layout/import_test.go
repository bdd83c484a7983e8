package main

import (
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"iam-layout/adopt"
)

// TestImportRunsInItsOwnBinaryWithTheSameOutputAndExitCodes: the import
// subcommand builds cmd/iam-layout-import and runs it; what it prints and
// its exit codes are package adopt's, as if adopt were linked in.
func TestImportRunsInItsOwnBinaryWithTheSameOutputAndExitCodes(t *testing.T) {
	t.Parallel()
	bin := t.TempDir()
	// One loop rather than parallel subtests: the cases share one binary,
	// which the first builds.
	for name, args := range map[string][]string{
		"the import file":     {"--stack", "dev", "--dir", "../.."},
		"nothing importable":  {"--stack", "sso", "--dir", "../..", "--format", "targets"},
		"a usage error":       {"--stack", "dev", "--dir", "../..", "--format", "yaml"},
		"a stack that is not": {"--stack", "nope", "--dir", "../.."},
		"import's own help":   {"--help"},
	} {
		var wantOut, wantErr, gotOut, gotErr bytes.Buffer
		wantCode := adopt.Run(args, &wantOut, &wantErr)
		gotCode := runImport(args, strings.NewReader(""), &gotOut, &gotErr, bin)
		if gotCode != wantCode || gotOut.String() != wantOut.String() || !strings.HasSuffix(gotErr.String(), wantErr.String()) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr ending %q",
				name, gotCode, gotOut.String(), gotErr.String(), wantCode, wantOut.String(), wantErr.String())
		}
	}
}

// TestTheRenderingsDoNotLinkThePulumiSDK: cmd/iam-layout compiles without
// the Pulumi SDK and the AWS provider's, so a fresh machine's first
// `go run ./cmd/iam-layout profiles ...` does not compile them.
func TestTheRenderingsDoNotLinkThePulumiSDK(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || !slices.Contains(deps, "iam-layout/cli") {
		t.Fatalf("go list -deps printed %d packages, without iam-layout/cli", len(deps))
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/pulumi/") || d == "iam-layout/adopt" || d == "iam-layout/program" {
			t.Errorf("cmd/iam-layout depends on %s", d)
		}
	}
}
