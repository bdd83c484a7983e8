package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"iam-layout/awsconfigfile"
	"iam-layout/internal/awsclitest"
	"iam-layout/program"
	"iam-layout/stackfile"
)

// personalConfig is a person's own ~/.aws/config before the first run.
const personalConfig = "# mine\n[default]\nregion = eu-west-1\n\n[profile mine]\nrole_arn = arn:aws:iam::999999999999:role/Mine\nsource_profile = default\n"

func writeTemp(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readTemp(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// devBlock is the block the dev stack's user (or organization, for "")
// gets in the file, as the writer itself makes it.
func devBlock(t *testing.T, before, user string) string {
	t.Helper()
	r := devRendered(t)
	content := r.AWSConfig
	if user != "" {
		content = r.AWSConfigByUser[user]
	}
	res, err := awsconfigfile.Update([]byte(before), awsconfigfile.Block{ID: "iam-layout/dev", Content: content})
	if err != nil {
		t.Fatal(err)
	}
	return string(res.Contents)
}

func TestWriteKeepsTheUsersProfilesInTheirBlockAndRunningTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "config")
	writeTemp(t, file, personalConfig)

	stdout, stderr, code := runCLI("profiles", "--stack", "dev", "--dir", projectDir, "--user", "alice", "--write", file)
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := devBlock(t, personalConfig, "alice")
	if got := readTemp(t, file); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	for _, s := range []string{"added the iam-layout/dev block (4 profile(s)) at the end of " + file, file + ".iam-layout-backup"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("stdout %q does not say %q", stdout, s)
		}
	}
	if got := readTemp(t, file+awsconfigfile.BackupSuffix); got != personalConfig {
		t.Errorf("backup:\n%s", got)
	}

	// The flag's other spelling, and the same bytes again.
	stdout, _, code = runCLI("profiles", "--stack", "dev", "--dir", projectDir, "--user", "alice", "--write="+file)
	if code != ExitOK || !strings.Contains(stdout, "nothing written") {
		t.Errorf("second run: exit %d, stdout %q", code, stdout)
	}
	if got := readTemp(t, file); got != want {
		t.Errorf("second run changed the file:\n%s", got)
	}
	if got := readTemp(t, file+awsconfigfile.BackupSuffix); got != personalConfig {
		t.Errorf("an unchanged run replaced the backup:\n%s", got)
	}
}

func TestDryRunPrintsTheDiffAndWritesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "config")
	writeTemp(t, file, personalConfig)
	stdout, stderr, code := runCLI("profiles", "--stack", "dev", "--dir", projectDir, "--write", file, "--dry-run")
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if want := awsconfigfile.Unified(file, file, []byte(personalConfig), []byte(devBlock(t, personalConfig, ""))); stdout != want {
		t.Errorf("stdout:\n%s\nwant the diff:\n%s", stdout, want)
	}
	if !strings.Contains(stdout, "+[profile alfie-production-db-shutdown]\n") {
		t.Errorf("the diff does not add the organization's profiles:\n%s", stdout)
	}
	if got := readTemp(t, file); got != personalConfig {
		t.Errorf("dry run wrote the file:\n%s", got)
	}
	if _, err := os.Stat(file + awsconfigfile.BackupSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dry run made a backup (%v)", err)
	}

	// Once written, a dry run has nothing to show.
	if _, _, code := runCLI("profiles", "--stack", "dev", "--dir", projectDir, "--write", file); code != ExitOK {
		t.Fatalf("write: exit %d", code)
	}
	stdout, stderr, code = runCLI("profiles", "--stack", "dev", "--dir", projectDir, "--write", file, "--dry-run")
	if code != ExitOK || stdout != "" || !strings.Contains(stderr, "nothing would change") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// Not parallel: it sets AWS_CONFIG_FILE, which the command reads.
func TestWriteWithoutAFileWritesTheFileTheCLIReads(t *testing.T) {
	file := filepath.Join(t.TempDir(), "aws", "config")
	t.Setenv(awsconfigfile.EnvConfigFile, file)
	stdout, stderr, code := runCLI("profiles", "--stack", "dev", "--dir", projectDir, "--user", "bob", "--write")
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if got, want := readTemp(t, file), devBlock(t, "", "bob"); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(stdout, "created "+file) {
		t.Errorf("stdout %q", stdout)
	}
}

func TestWriteRefusesWhatItCannotDoCleanly(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		file string // the config file's contents
		args []string
		code int
		want string
	}{
		"dry run without write":  {personalConfig, []string{"--dry-run"}, ExitUsage, "--dry-run goes with --write"},
		"write with links":       {personalConfig, []string{"--write", "FILE", "--format", "links"}, ExitUsage, "--write goes with --format config or sso (or none: the stack's own profiles), not links"},
		"write with commands":    {personalConfig, []string{"--format", "commands", "--write"}, ExitUsage, "--write goes with --format config or sso (or none: the stack's own profiles), not commands"},
		"write a stray argument": {personalConfig, []string{"--write", "FILE", "extra"}, ExitUsage, `unexpected "extra" after the flags: nothing else may follow the flags`},
		"the file after another flag": {personalConfig, []string{"--write", "--dry-run", "FILE"}, ExitUsage,
			`unexpected "FILE" after the flags: a file to write goes right after --write (--write FILE, or --write=FILE)`},
		"two words after --write": {personalConfig, []string{"--write", "--dry-run", "FILE", "extra"}, ExitUsage, `unexpected "FILE" after the flags: nothing else may follow the flags`},
		"a profile of that name outside the block": {
			personalConfig + "\n[profile alfie-qa]\nregion = us-east-1\n",
			[]string{"--user", "alice", "--write", "FILE"}, ExitError,
			"line 9: [profile alfie-qa]",
		},
		"a damaged block": {
			personalConfig + "# BEGIN iam-layout iam-layout/dev\n[profile alfie-qa]\n",
			[]string{"--write", "FILE"}, ExitError,
			"line 8 begins it but no line ends it",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), "config")
			writeTemp(t, file, tc.file)
			args := []string{"profiles", "--stack", "dev", "--dir", projectDir}
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "FILE", file))
			}
			stdout, stderr, code := runCLI(args...)
			want := strings.ReplaceAll(tc.want, "FILE", file)
			if code != tc.code || stdout != "" || !strings.Contains(stderr, want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d saying %q", code, stdout, stderr, tc.code, want)
			}
			if got := readTemp(t, file); got != tc.file {
				t.Errorf("the file changed:\n%s", got)
			}
		})
	}
	if _, _, code := runCLI("matrix", "--stack", "dev", "--dir", projectDir, "--write"); code != ExitUsage {
		t.Errorf("matrix --write: exit %d, want a usage error", code)
	}
}

// End to end with the real AWS CLI: the person's file, written for alice,
// then rewritten after alice left alfie-operators: the CLI lists her
// profiles and her own, reads her roles, and the profile that left the
// layout is gone.
func TestAWSCLIReadsTheWrittenProfilesAndLosesTheOnesThatLeft(t *testing.T) {
	t.Parallel()
	awsclitest.Require(t)
	project := t.TempDir()
	projectFile, err := os.ReadFile(stackfile.ProjectFile(projectDir))
	if err != nil {
		t.Fatal(err)
	}
	writeTemp(t, stackfile.ProjectFile(project), string(projectFile))
	cfg, err := stackfile.Read(projectDir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	var org map[string]any
	if err := json.Unmarshal([]byte(cfg["iam-layout:"+program.ConfigKey]), &org); err != nil {
		t.Fatal(err)
	}
	writeStack := func() {
		data, err := json.Marshal(org)
		if err != nil {
			t.Fatal(err)
		}
		// JSON is YAML: the organization as a flow mapping.
		writeTemp(t, stackfile.Path(project, "dev"), "config:\n  aws:region: us-east-1\n  iam-layout:organization: "+string(data)+"\n")
	}
	writeStack()
	file := filepath.Join(t.TempDir(), "config")
	writeTemp(t, file, personalConfig)
	write := func() {
		t.Helper()
		if _, stderr, code := runCLI("profiles", "--stack", "dev", "--dir", project, "--user", "alice", "--write", file); code != ExitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	}

	write()
	want := map[string]string{
		"mine":                         "arn:aws:iam::999999999999:role/Mine",
		"alfie-development":            "arn:aws:iam::345678901234:role/AlfieFullAccess",
		"alfie-qa":                     "arn:aws:iam::234567890123:role/AlfieDeployment",
		"alfie-production":             "arn:aws:iam::123456789012:role/AlfieReadOnly",
		"alfie-production-db-shutdown": "arn:aws:iam::123456789012:role/AlfieDatabaseShutdown",
	}
	checkWithAWSCLI(t, file, want)
	if serial, code := awsConfigureGet(t, file, "mfa_serial", "alfie-production-db-shutdown"); code != 0 || serial != "arn:aws:iam::012345678901:mfa/alice" {
		t.Errorf("mfa_serial = %q (exit %d)", serial, code)
	}

	users := org["users"].(map[string]any)
	users["alice"].(map[string]any)["groups"] = []string{"alfie-developers"}
	writeStack()
	write()
	delete(want, "alfie-production-db-shutdown")
	checkWithAWSCLI(t, file, want)
	if !strings.HasPrefix(readTemp(t, file), personalConfig) {
		t.Errorf("the person's own lines changed:\n%s", readTemp(t, file))
	}
}

func awsConfigureGet(t *testing.T, file, key, profile string) (string, int) {
	t.Helper()
	return awsclitest.Configure(t, file, "get", key, "--profile", profile)
}

func checkWithAWSCLI(t *testing.T, file string, want map[string]string) {
	t.Helper()
	out, code := awsclitest.Configure(t, file, "list-profiles")
	if code != 0 {
		t.Fatalf("list-profiles exit %d: %s", code, out)
	}
	got := strings.Fields(out)
	slices.Sort(got)
	names := []string{"default"}
	for p := range want {
		names = append(names, p)
	}
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Errorf("list-profiles = %v, want %v", got, names)
	}
	for p, arn := range want {
		if got, code := awsConfigureGet(t, file, "role_arn", p); code != 0 || got != arn {
			t.Errorf("role_arn of %s = %q (exit %d), want %s", p, got, code, arn)
		}
	}
}
