package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"iam-layout/profiles"
)

func TestWorkloadsPrintsTheWorkloadsOutputAndEachSnippet(t *testing.T) {
	t.Parallel()
	want := profiles.Workloads(shippedLayout(t, "ci"))
	stdout, stderr, code := runCLI("workloads", "--stack", "ci", "--dir", projectDir)
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var got map[string]map[string]profiles.WorkloadPlacement
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("printed %v\nwant %v", got, want)
	}
	for _, args := range [][]string{
		{"--workload", "AlfieDeployFromGitHub"},
		{"--workload", "AlfieDeployFromGitHub", "--account", "qa"},
	} {
		stdout, _, code := runCLI(append([]string{"workloads", "--stack", "ci", "--dir", projectDir}, args...)...)
		if code != ExitOK || stdout != want["AlfieDeployFromGitHub"]["qa"].Snippet {
			t.Errorf("%v: exit %d:\n%s", args, code, stdout)
		}
	}
}

func TestWorkloadsSaysWhatIsWrong(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args []string
		code int
		want string
	}{
		"unknown workload":          {[]string{"--stack", "ci", "--workload", "Nope"}, ExitUsage, `no workload "Nope" (workloads: AlfieDeployFromGitHub, AlfieReleaseFromGitLab)`},
		"several accounts":          {[]string{"--stack", "ci", "--workload", "AlfieReleaseFromGitLab"}, ExitUsage, "is placed in development, qa: say which with --account"},
		"an account it is not in":   {[]string{"--stack", "ci", "--workload", "AlfieDeployFromGitHub", "--account", "production"}, ExitUsage, `is not placed in account "production" (accounts: qa)`},
		"an account alone":          {[]string{"--stack", "ci", "--account", "qa"}, ExitUsage, "--account goes with --workload"},
		"a stack without workloads": {[]string{"--stack", "dev", "--workload", "X"}, ExitUsage, "the stack declares no workloads"},
		"no stack":                  {nil, ExitUsage, "--stack is required"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, stderr, code := runCLI(append(append([]string{"workloads"}, tc.args...), "--dir", projectDir)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.want)
			}
		})
	}
	// A stack without workloads prints an empty object, as it has no
	// workloads output.
	stdout, _, code := runCLI("workloads", "--stack", "dev", "--dir", projectDir)
	if code != ExitOK || strings.TrimSpace(stdout) != "{}" {
		t.Errorf("exit %d: %q", code, stdout)
	}
}
