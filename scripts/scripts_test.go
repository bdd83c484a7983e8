// Package scripts_test runs the shell scripts beside it against stand-ins
// for the tools they call (pulumi, go, gofmt), recording what each was
// asked, so their behaviour is tested without the Pulumi CLI or a 20 s fuzz
// pass.
package scripts_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// lockedMessage is what the Pulumi CLI prints (and its exit status) when an
// update finds the file backend's lock of a killed update
// (pkg/backend/diy/lock.go).
const (
	lockedMessage = "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
		"  file://~/.pulumi/locks/organization/iam-layout/qa/0b9d2c6e-1f5a-4c1e-9a51-6f0b4f3b2d11.json: created by alice@laptop (pid 4242) at 2025-01-01T10:00:00Z\n"
	pulumiErrorExit = 255
)

// toolbox is a directory on PATH holding the real tools the scripts use
// besides the stand-ins, and nothing else: no real pulumi or go can leak in.
func toolbox(t *testing.T, tools ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, tool := range append([]string{"bash", "env", "dirname", "mktemp", "tee", "grep", "cat", "rm"}, tools...) {
		path, err := exec.LookPath(tool)
		if err != nil {
			t.Fatalf("%s is not installed: %v", tool, err)
		}
		if err := os.Symlink(path, filepath.Join(dir, tool)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// standIn writes an executable script named name into dir that appends its
// arguments to log, one call per line, then runs body.
func standIn(t *testing.T, dir, name, log, body string) {
	t.Helper()
	script := "#!/usr/bin/env bash\necho \"" + name + " $*\" >> " + log + "\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

// run runs a script of this directory with PATH and extra environment, and
// returns its output, exit status and the stand-ins' log.
func run(t *testing.T, script string, path string, env []string, log string, args ...string) (stdout, stderr string, code int, calls []string) {
	t.Helper()
	cmd := exec.Command("./"+script, args...)
	cmd.Env = append([]string{"PATH=" + path, "HOME=" + t.TempDir()}, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	if data, err := os.ReadFile(log); err == nil {
		calls = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	}
	return out.String(), errOut.String(), code, calls
}

func TestUpSaysHowToRemoveTheLockAKilledUpdateLeft(t *testing.T) {
	t.Parallel()
	advice := "scripts/up: stack qa is locked by an update that did not finish"
	commands := "  pulumi cancel --stack qa --yes\n  ./scripts/up qa\n"
	cases := map[string]struct {
		up         string // the stand-in's body for `pulumi up`
		code       int
		stderr     []string
		noAdvice   bool
		wantStdout string
	}{
		"locked": {
			up:         "printf 'Previewing update (qa)\\n'; printf '%s' \"$LOCKED\" >&2; exit 255",
			code:       pulumiErrorExit,
			stderr:     []string{lockedMessage, advice, commands, `"If an update was interrupted"`},
			wantStdout: "Previewing update (qa)\n",
		},
		"locked on Pulumi Cloud": {
			up:     "echo 'error: [409] Conflict: Another update is currently in progress.' >&2; exit 255",
			code:   pulumiErrorExit,
			stderr: []string{advice, commands},
		},
		"another failure": {
			up:       "echo 'error: update failed' >&2; exit 255",
			code:     pulumiErrorExit,
			stderr:   []string{"error: update failed\n"},
			noAdvice: true,
		},
		"success": {
			up:         "echo 'Resources: 19 unchanged'",
			noAdvice:   true,
			wantStdout: "Resources: 19 unchanged\n",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fakes := t.TempDir()
			log := filepath.Join(fakes, "calls")
			standIn(t, fakes, "pulumi", log, `echo "PULUMI_BACKEND_URL=$PULUMI_BACKEND_URL" >> `+log+`
case "$1" in
  stack) exit 0 ;;
  up) `+tc.up+`; exit 0 ;;
esac
exit 3`)
			stdout, stderr, code, calls := run(t, "up", fakes+":"+toolbox(t), []string{"LOCKED=" + lockedMessage}, log, "qa", "--yes")
			if code != tc.code {
				t.Errorf("exit %d, want %d (pulumi's); stderr:\n%s", code, tc.code, stderr)
			}
			if tc.wantStdout != "" && stdout != tc.wantStdout {
				t.Errorf("stdout %q, want pulumi's %q", stdout, tc.wantStdout)
			}
			for _, w := range tc.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, stderr)
				}
			}
			if tc.noAdvice && strings.Contains(stderr, "pulumi cancel") {
				t.Errorf("stderr advises pulumi cancel:\n%s", stderr)
			}
			want := []string{
				"pulumi stack select --create qa", "PULUMI_BACKEND_URL=file://~",
				"pulumi up --stack qa --yes", "PULUMI_BACKEND_URL=file://~",
			}
			if strings.Join(calls, "\n") != strings.Join(want, "\n") {
				t.Errorf("pulumi was called:\n%s\nwant:\n%s", strings.Join(calls, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestUpWithoutThePulumiCLISaysWhereToGetIt(t *testing.T) {
	t.Parallel()
	_, stderr, code, _ := run(t, "up", toolbox(t), nil, filepath.Join(t.TempDir(), "calls"))
	if code != 1 || !strings.Contains(stderr, "scripts/up: the pulumi CLI is not installed (https://www.pulumi.com/docs/install/)") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestTheTestCommandFuzzesForTwentySecondsWithoutLongMinimising: the fuzz
// pass bounds minimising (go's default of 60 s per new input would take
// the whole 20 s); FUZZTIME sets the length or, at 0, skips it; gofmt's
// complaint stops everything.
func TestTheTestCommandFuzzesForTwentySecondsWithoutLongMinimising(t *testing.T) {
	t.Parallel()
	fuzz := "go test ./layout -run ^$ -fuzz ^FuzzLoad$ -fuzztime %s -fuzzminimizetime 1s"
	cases := map[string]struct {
		env      []string
		gofmt    string // what the stand-in prints
		code     int
		calls    []string
		stderrIs string
	}{
		"the default": {nil, "", 0, []string{"go vet ./...", "go test ./...", strings.Replace(fuzz, "%s", "20s", 1)}, ""},
		"FUZZTIME=5s": {[]string{"FUZZTIME=5s"}, "", 0, []string{"go vet ./...", "go test ./...", strings.Replace(fuzz, "%s", "5s", 1)}, ""},
		"FUZZTIME=0":  {[]string{"FUZZTIME=0"}, "", 0, []string{"go vet ./...", "go test ./..."}, ""},
		"unformatted": {nil, "cli/cli.go", 1, nil, "gofmt would change: cli/cli.go\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fakes := t.TempDir()
			log := filepath.Join(fakes, "calls")
			standIn(t, fakes, "go", log, "exit 0")
			// The gofmt stand-in records nothing: its arguments are every
			// Go file of the repository.
			if err := os.WriteFile(filepath.Join(fakes, "gofmt"), []byte("#!/usr/bin/env bash\nprintf '"+tc.gofmt+"'\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			_, stderr, code, calls := run(t, "test", fakes+":"+toolbox(t, "git"), tc.env, log)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if strings.Join(calls, "\n") != strings.Join(tc.calls, "\n") {
				t.Errorf("go was called:\n%s\nwant:\n%s", strings.Join(calls, "\n"), strings.Join(tc.calls, "\n"))
			}
			if tc.stderrIs != "" && stderr != tc.stderrIs {
				t.Errorf("stderr %q, want %q", stderr, tc.stderrIs)
			}
		})
	}
}
