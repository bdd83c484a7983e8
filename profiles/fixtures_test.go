package profiles

import (
	"os"
	"path/filepath"
	"testing"

	"iam-layout/layout"
	"iam-layout/stackfile"
)

// edgeOrganization exercises every rendering rule the seeds do not: CI
// credentials, a session length to cap, regions at every level, a role path,
// a dotted profile name, an external ID, a role too long for the console and
// one whose name the browser extension would cut.
const edgeOrganization = `{
  "masterAccountId": "012345678901",
  "accounts": {
    "tools": {"id": "111111111111", "environment": "sandbox", "region": "eu-central-1"},
    "prod":  {"id": "222222222222", "environment": "production"}
  },
  "roles": {
    "Deployer":    {"accounts": ["tools", "prod"], "path": "/ci/deploy/", "application": "ci"},
    "BreakGlass":  {"accounts": ["prod"], "destructive": true, "profileName": "break.glass"},
    "VendorAudit": {"accounts": ["prod"], "externalId": "acme-audit-2024", "trustedAccounts": ["999999999999"]},
    "Auditor":     {"accounts": ["tools"], "requireMfa": true, "maxSessionDuration": 3600},
    "Ops=Admin":   {"accounts": ["tools"], "application": "ops"},
    "ReportReader": {"accounts": ["prod"], "path": "/a-path-long-enough-to-break-the-console-switch-role/"}
  },
  "groups": {
    "deployers":  {"roles": ["Deployer", "Ops=Admin"]},
    "responders": {"roles": ["prod/BreakGlass", "Auditor"]},
    "auditors":   {"roles": ["VendorAudit", "ReportReader"]}
  },
  "users": {
    "dana": {"groups": ["deployers", "responders"], "mfaDevice": "dana-phone"},
    "eve":  {"groups": ["auditors"]}
  },
  "profiles": {"credentialSource": "Environment", "region": "eu-west-1", "durationSeconds": 7200}
}`

// fixture is a layout and the stack region it is rendered with.
type fixture struct {
	name        string
	layout      *layout.Layout
	stackRegion string
}

// fixtures are the layouts every profile test runs on.
func fixtures(t *testing.T) []fixture {
	t.Helper()
	noRegion := devLayout(t)
	edge := mustLoad(t, edgeOrganization)
	// dana's groups deny everything without MFA (a guardrail): every one of
	// her profiles needs mfa_serial.
	user(t, edge, "dana").MFAEverywhere = true
	return []fixture{
		{"seed dev stack", devLayout(t), devStackRegion(t)},
		{"seed dev stack without any region", noRegion, ""},
		{"edge cases", edge, "us-east-1"},
	}
}

func devConfig(t *testing.T) map[string]string {
	t.Helper()
	cfg, err := stackfile.Read("..", "dev")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// devLayout is the shipped Pulumi.dev.yaml's organization.
func devLayout(t *testing.T) *layout.Layout {
	t.Helper()
	return mustLoad(t, devConfig(t)["iam-layout:organization"])
}

func devStackRegion(t *testing.T) string {
	t.Helper()
	return devConfig(t)["aws:region"]
}

func mustLoad(t *testing.T, text string) *layout.Layout {
	t.Helper()
	l, err := layout.Load([]byte(text))
	if err != nil {
		t.Fatalf("loading organization: %v", err)
	}
	return l
}

func user(t *testing.T, l *layout.Layout, name string) *layout.User {
	t.Helper()
	for _, u := range l.Users {
		if u.Name == name {
			return u
		}
	}
	t.Fatalf("no user %s", name)
	return nil
}

func role(t *testing.T, l *layout.Layout, key string) *layout.Role {
	t.Helper()
	r := l.Role(key)
	if r == nil {
		t.Fatalf("no role %s", key)
	}
	return r
}

// writeFile writes content into a new file of the test's temp dir.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// credentialsFile stands in for a person's ~/.aws/credentials: the SDK
// follows source_profile and refuses one without keys. The keys are fake.
func credentialsFile(t *testing.T, dir string, l *layout.Layout) string {
	t.Helper()
	content := ""
	if l.Profiles.SourceProfile != "" {
		content = "[" + l.Profiles.SourceProfile + "]\naws_access_key_id = FAKEACCESSKEYID\naws_secret_access_key = fake-secret-for-tests\n"
	}
	return writeFile(t, dir, "credentials", content)
}
