package profiles

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"iam-layout/internal/awsclitest"
	"iam-layout/layout"
)

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
	awsclitest.Require(t)
	for _, f := range cliFiles(t) {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			file := writeFile(t, dir, "config", f.content)
			out, code := awsclitest.Configure(t, file, "list-profiles")
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
				if arn, code := awsclitest.Configure(t, file, "get", KeyRoleARN, "--profile", r.ProfileName); code != 0 || arn != r.ARN {
					t.Errorf("role_arn of %s = %q (exit %d), want %s", r.ProfileName, arn, code, r.ARN)
				}
				if f.user == nil {
					continue
				}
				serial, code := awsclitest.Configure(t, file, "get", KeyMFASerial, "--profile", r.ProfileName)
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
	awsclitest.Require(t)
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
			if err := os.Symlink(awsclitest.Path, filepath.Join(bin, "aws")); err != nil {
				t.Fatal(err)
			}
			written := filepath.Join(dir, "written-config")
			script := writeFile(t, dir, "commands.sh", tc.commands)
			cmd := exec.Command("sh", "-eu", script)
			cmd.Env = awsclitest.Env(dir, written)
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
