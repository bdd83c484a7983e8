package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"

	"iam-layout/internal/awsclitest"
	"iam-layout/layout"
	"iam-layout/profiles"
	"iam-layout/program"
	"iam-layout/stackfile"
)

// tempProject is a project of the test's own holding one shipped stack,
// whose organization the test edits and writes back.
type tempProject struct {
	t            *testing.T
	dir, stack   string
	region       string
	organization map[string]any
}

func newTempProject(t *testing.T, stack string) *tempProject {
	t.Helper()
	p := &tempProject{t: t, dir: t.TempDir(), stack: stack}
	writeTemp(t, stackfile.ProjectFile(p.dir), readTemp(t, stackfile.ProjectFile(projectDir)))
	cfg, err := stackfile.Read(projectDir, stack)
	if err != nil {
		t.Fatal(err)
	}
	p.region = cfg["aws:region"]
	if err := json.Unmarshal([]byte(cfg["iam-layout:"+program.ConfigKey]), &p.organization); err != nil {
		t.Fatal(err)
	}
	p.write()
	return p
}

// write writes the stack file; JSON is YAML: the organization as a flow
// mapping.
func (p *tempProject) write() {
	p.t.Helper()
	data, err := json.Marshal(p.organization)
	if err != nil {
		p.t.Fatal(err)
	}
	writeTemp(p.t, stackfile.Path(p.dir, p.stack), "config:\n  aws:region: "+p.region+"\n  iam-layout:organization: "+string(data)+"\n")
}

// ssoProfile is what the AWS SDK for Go v2 reads from a profile, in the
// fields an IAM or an sso profile sets.
type ssoProfile struct {
	RoleARN, SSOSession, SSORegion, SSOStartURL, SSOAccountID, SSORoleName string
}

// loadSSOWithSDK loads a profile of file with the SDK's own loader, with
// the source profile's (made-up) access key in a credentials file beside
// it: the loader follows source_profile.
func loadSSOWithSDK(t *testing.T, file, name string) ssoProfile {
	t.Helper()
	credentials := filepath.Join(filepath.Dir(file), "credentials")
	writeTemp(t, credentials, "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
	c, err := config.LoadSharedConfigProfile(context.Background(), name, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles = []string{file}
		o.CredentialsFiles = []string{credentials}
	})
	if err != nil {
		t.Fatalf("SDK cannot load profile %s: %v", name, err)
	}
	p := ssoProfile{RoleARN: c.RoleARN, SSOSession: c.SSOSessionName, SSOAccountID: c.SSOAccountID, SSORoleName: c.SSORoleName}
	if c.SSOSession != nil {
		p.SSORegion, p.SSOStartURL = c.SSOSession.SSORegion, c.SSOSession.SSOStartURL
	}
	return p
}

// TestWriteKeepsTheSSOProfilesThroughTheMigration follows a person through
// docs/identity-center.md's migration with --write alone: in access both
// the block holds the IAM profiles and the sso ones (the sso-session
// section with them); once the stack is identityCenter, the next run leaves
// the sso profiles under the old names. The SDK and the real AWS CLI read
// each file as written.
func TestWriteKeepsTheSSOProfilesThroughTheMigration(t *testing.T) {
	t.Parallel()
	p := newTempProject(t, "sso")
	ic := p.organization["identityCenter"].(map[string]any)
	ic["access"] = "both"
	p.write()
	file := filepath.Join(t.TempDir(), "config")
	writeTemp(t, file, personalConfig)
	write := func(wantSummary string) {
		t.Helper()
		stdout, stderr, code := runCLI("profiles", "--stack", "sso", "--dir", p.dir, "--user", "alice", "--write", file)
		if code != ExitOK || !strings.Contains(stdout, wantSummary) {
			t.Fatalf("exit %d, stdout %q, stderr %q; want it to say %q", code, stdout, stderr, wantSummary)
		}
	}
	session := ssoProfile{SSOSession: "alfie", SSORegion: "us-east-1", SSOStartURL: "https://d-1234567890.awsapps.com/start"}
	sso := func(account, role string) ssoProfile {
		s := session
		s.SSOAccountID, s.SSORoleName = account, role
		return s
	}
	checkSDK := func(want map[string]ssoProfile) {
		t.Helper()
		for name, w := range want {
			if got := loadSSOWithSDK(t, file, name); got != w {
				t.Errorf("profile %s = %+v, want %+v", name, got, w)
			}
		}
	}
	checkCLI := func(profiles []string, get map[[2]string]string) {
		t.Helper()
		out, code := awsclitest.Configure(t, file, "list-profiles")
		got := strings.Fields(out)
		slices.Sort(got)
		want := append([]string{"default", "mine"}, profiles...)
		slices.Sort(want)
		if code != 0 || !slices.Equal(got, want) {
			t.Errorf("list-profiles (exit %d) = %v, want %v", code, got, want)
		}
		for kp, value := range get {
			if got, code := awsConfigureGet(t, file, kp[0], kp[1]); code != 0 || got != value {
				t.Errorf("%s of %s = %q (exit %d), want %q", kp[0], kp[1], got, code, value)
			}
		}
	}

	write("added the iam-layout/sso block (8 profile(s), 1 sso-session(s))")
	checkSDK(map[string]ssoProfile{
		"alfie-qa":                         {RoleARN: "arn:aws:iam::234567890123:role/AlfieDeployment"},
		"alfie-qa-sso":                     sso("234567890123", "AlfieDeployment"),
		"alfie-production-db-shutdown-sso": sso("123456789012", "AlfieDatabaseShutdown"),
	})
	both := []string{"alfie-development", "alfie-qa", "alfie-production", "alfie-production-db-shutdown",
		"alfie-development-sso", "alfie-qa-sso", "alfie-production-sso", "alfie-production-db-shutdown-sso"}
	t.Run("the AWS CLI reads access both", func(t *testing.T) {
		awsclitest.Require(t)
		checkCLI(both, map[[2]string]string{
			{"role_arn", "alfie-qa"}:           "arn:aws:iam::234567890123:role/AlfieDeployment",
			{"sso_account_id", "alfie-qa-sso"}: "234567890123",
			{"sso_session", "alfie-qa-sso"}:    "alfie",
		})
	})

	ic["access"] = "identityCenter"
	p.write()
	write("  removed: alfie-development-sso, alfie-production-db-shutdown-sso, alfie-production-sso, alfie-qa-sso")
	checkSDK(map[string]ssoProfile{
		"alfie-qa":                     sso("234567890123", "AlfieDeployment"),
		"alfie-production-db-shutdown": sso("123456789012", "AlfieDatabaseShutdown"),
	})
	t.Run("the AWS CLI reads access identityCenter", func(t *testing.T) {
		awsclitest.Require(t)
		checkCLI(both[:4], map[[2]string]string{
			{"sso_account_id", "alfie-qa"}: "234567890123",
			{"sso_role_name", "alfie-qa"}:  "AlfieDeployment",
		})
	})
	if !strings.HasPrefix(readTemp(t, file), personalConfig) {
		t.Errorf("the person's own lines changed:\n%s", readTemp(t, file))
	}

	// --format sso writes the same block as no --format on this stack.
	explicit := filepath.Join(t.TempDir(), "config")
	writeTemp(t, explicit, personalConfig)
	if _, stderr, code := runCLI("profiles", "--stack", "sso", "--dir", p.dir, "--user", "alice", "--format", "sso", "--write", explicit); code != ExitOK {
		t.Fatalf("--format sso --write: exit %d: %s", code, stderr)
	}
	if got, want := readTemp(t, explicit), readTemp(t, file); got != want {
		t.Errorf("--format sso --write wrote:\n%s\nwant:\n%s", got, want)
	}
}

// TestWithoutFormatAStackOfBothWaysInPrintsBothKinds: in access both the
// profiles command prints the IAM profiles, then the sso ones (a user's
// only when they are in an Identity Center group); --write keeps the same.
func TestWithoutFormatAStackOfBothWaysInPrintsBothKinds(t *testing.T) {
	t.Parallel()
	p := newTempProject(t, "sso")
	p.organization["identityCenter"].(map[string]any)["access"] = "both"
	p.write()
	data, err := json.Marshal(p.organization)
	if err != nil {
		t.Fatal(err)
	}
	l, err := layout.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	r := profiles.Render(l, p.region)
	for user, want := range map[string]string{
		"":      r.AWSConfig + "\n" + r.SSOConfig,
		"alice": r.AWSConfigByUser["alice"] + "\n" + r.SSOConfigByUser["alice"],
	} {
		args := []string{"profiles", "--stack", "sso", "--dir", p.dir}
		if user != "" {
			args = append(args, "--user", user)
		}
		stdout, stderr, code := runCLI(args...)
		if code != ExitOK || stdout != want || !strings.Contains(stdout, "[sso-session alfie]") || !strings.Contains(stdout, "role_arn = ") {
			t.Errorf("user %q: exit %d, stderr %q, stdout:\n%s\nwant:\n%s", user, code, stderr, stdout, want)
		}
	}
}
