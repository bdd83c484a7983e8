package profiles

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"iam-layout/layout"
)

// awsCLI is Debian's AWS CLI. Called by path: an older `aws` may come first
// on PATH.
const awsCLI = "/usr/bin/aws"

// requireAWSCLI skips without the CLI, except in CI (.ci/run sets
// IAM_LAYOUT_CI and installs it), where its absence is a failure.
func requireAWSCLI(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(awsCLI); err != nil {
		if os.Getenv("IAM_LAYOUT_CI") != "" {
			t.Fatalf("%s is missing in CI: .ci/run installs it (apt-get install awscli)", awsCLI)
		}
		t.Skipf("%s is not installed (apt-get install awscli)", awsCLI)
	}
}

// cliEnv is an environment of the test's own: no AWS_* variable of the
// machine (AWS_PROFILE would point elsewhere), no credentials, no instance
// metadata, a HOME without ~/.aws. Nothing the CLI runs here touches the
// network.
func cliEnv(dir, configFile string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"LC_ALL=C.UTF-8",
		"AWS_CONFIG_FILE=" + configFile,
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "no-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}
}

// awsConfigure runs `aws configure ARGS...` on a config file and returns
// its output and exit code.
func awsConfigure(t *testing.T, dir, configFile string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(awsCLI, append([]string{"configure"}, args...)...)
	cmd.Env = cliEnv(dir, configFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	case err != nil:
		t.Fatalf("running aws configure %v: %v", args, err)
	}
	return strings.TrimSpace(string(out)), 0
}

// cliFile is one generated file and what the CLI must read from it.
type cliFile struct {
	name    string
	content string
	roles   []*layout.Role
	user    *layout.User
}

func cliFiles(t *testing.T) []cliFile {
	t.Helper()
	var out []cliFile
	for _, f := range fixtures(t) {
		if f.stackRegion == "" {
			continue // same profiles as the seed stack, bar the region
		}
		out = append(out, cliFile{f.name + "/organization", AWSConfig(f.layout, f.stackRegion), f.layout.Roles, nil})
		for _, u := range f.layout.Users {
			var roles []*layout.Role
			for r := range userRoles(f.layout, u) {
				roles = append(roles, r)
			}
			out = append(out, cliFile{f.name + "/" + u.Name, AWSConfigForUser(f.layout, u, f.stackRegion), roles, u})
		}
	}
	return out
}

func TestAWSCLIListsExactlyTheGeneratedProfilesAndReadsTheirRoleAndMFA(t *testing.T) {
	t.Parallel()
	requireAWSCLI(t)
	for _, f := range cliFiles(t) {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			file := writeFile(t, dir, "config", f.content)
			out, code := awsConfigure(t, dir, file, "list-profiles")
			if code != 0 {
				t.Fatalf("list-profiles exit %d", code)
			}
			got := strings.Fields(out)
			var want []string
			for _, r := range f.roles {
				want = append(want, r.ProfileName)
			}
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("list-profiles = %v, want %v", got, want)
			}
			for _, r := range f.roles {
				if arn, code := awsConfigure(t, dir, file, "get", KeyRoleARN, "--profile", r.ProfileName); code != 0 || arn != r.ARN {
					t.Errorf("role_arn of %s = %q (exit %d), want %s", r.ProfileName, arn, code, r.ARN)
				}
				if f.user == nil {
					continue
				}
				serial, code := awsConfigure(t, dir, file, "get", KeyMFASerial, "--profile", r.ProfileName)
				switch {
				case r.RequireMFA || f.user.MFAEverywhere:
					if code != 0 || serial != f.user.MFASerial {
						t.Errorf("mfa_serial of %s = %q (exit %d), want %s", r.ProfileName, serial, code, f.user.MFASerial)
					}
				case code != 1:
					// Exit 1 is the CLI's "no such key".
					t.Errorf("mfa_serial of %s = %q (exit %d), want none", r.ProfileName, serial, code)
				}
			}
		})
	}
}

// The commands, run by a shell with the real CLI into an empty file, must
// write what the config file says: the SDK reads the same profile from both.
func TestConfigureCommandsWriteWhatTheConfigFileSays(t *testing.T) {
	t.Parallel()
	requireAWSCLI(t)
	dev := devLayout(t)
	edge := mustLoad(t, edgeOrganization)
	user(t, edge, "dana").MFAEverywhere = true
	cases := map[string]struct {
		layout   *layout.Layout
		config   string
		commands string
		roles    []*layout.Role
	}{
		// MFA, session names, source_profile.
		"seed alice": {
			dev, AWSConfigForUser(dev, user(t, dev, "alice"), "us-east-1"), ConfigureCommandsForUser(dev, user(t, dev, "alice"), "us-east-1"),
			RolesOf(user(t, dev, "alice")),
		},
		// credential_source, external_id, duration_seconds, paths, a
		// dotted profile name, commented-out MFA hints.
		"edge organization": {
			edge, AWSConfig(edge, "us-east-1"), ConfigureCommands(edge, "us-east-1"), edge.Roles,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			bin := filepath.Join(dir, "bin")
			if err := os.Mkdir(bin, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(awsCLI, filepath.Join(bin, "aws")); err != nil {
				t.Fatal(err)
			}
			written := filepath.Join(dir, "written-config")
			script := writeFile(t, dir, "commands.sh", tc.commands)
			cmd := exec.Command("sh", "-eu", script)
			cmd.Env = cliEnv(dir, written)
			cmd.Env[0] = "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("running the commands: %v\n%s", err, out)
			}
			rendered := writeFile(t, dir, "rendered-config", tc.config)
			creds := credentialsFile(t, dir, tc.layout)
			for _, r := range tc.roles {
				if got, want := loadWithSDK(t, written, creds, r.ProfileName), loadWithSDK(t, rendered, creds, r.ProfileName); got != want {
					t.Errorf("profile %s written by the commands:\n got %+v\nwant %+v (the config file's)", r.ProfileName, got, want)
				}
			}
		})
	}
}
