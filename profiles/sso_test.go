package profiles

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"

	"iam-layout/contract"
	"iam-layout/internal/awsclitest"
	"iam-layout/layout"
	"iam-layout/stackfile"
)

// bothOrganization is the seeds' organization in "both" mode: IAM users and
// groups as in the dev stack, and Identity Center beside them, in a region
// other than the stack's, one account with a region of its own.
const bothOrganization = `{
  "masterAccountId": "012345678901",
  "accounts": {
    "development": {"id": "345678901234", "environment": "development", "region": "eu-central-1"},
    "qa":          {"id": "234567890123", "environment": "qa"},
    "production":  {"id": "123456789012", "environment": "production"}
  },
  "roles": {
    "AlfieFullAccess":       {"application": "alfie", "accounts": ["development"], "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]},
    "AlfieDeployment":       {"application": "alfie", "accounts": ["qa"]},
    "AlfieReadOnly":         {"application": "alfie", "accounts": ["production", "qa"], "profileName": "{application}-{account}-read-only"},
    "AlfieDatabaseShutdown": {"application": "alfie", "accounts": ["production"], "destructive": true, "profileName": "alfie-production-db-shutdown"}
  },
  "groups": {
    "alfie-developers": {"roles": ["AlfieFullAccess", "AlfieDeployment", "production/AlfieReadOnly"]},
    "alfie-operators":  {"roles": ["production/AlfieDatabaseShutdown", "AlfieReadOnly"]},
    "alfie-auditors":   {"roles": ["AlfieReadOnly"]}
  },
  "users": {
    "alice": {"create": true, "groups": ["alfie-developers", "alfie-operators"]},
    "bob":   {"create": true, "groups": ["alfie-developers"]},
    "carol": {"groups": ["alfie-developers", "alfie-auditors"]}
  },
  "profiles": {"region": "us-west-2"},
  "identityCenter": {
    "access": "both",
    "startUrl": "https://d-1234567890.awsapps.com/start/",
    "region": "eu-west-1",
    "ssoSession": "acme",
    "groups": {
      "alfie-developers": {"create": true, "displayName": "Alfie Developers"},
      "alfie-operators":  {"displayName": "Alfie Operators"}
    },
    "users": {
      "alice": {"create": true, "userName": "alice@example.com", "displayName": "Alice", "givenName": "Alice", "familyName": "Liddell"},
      "bob":   {"userName": "bob@example.com"},
      "carol": {"userName": "carol@example.com"}
    }
  }
}`

// stackConfig is a shipped stack file's engine config.
func stackConfig(t *testing.T, stack string) map[string]string {
	t.Helper()
	cfg, err := stackfile.Read("..", stack)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// ssoLayout is the shipped Pulumi.sso.yaml's organization.
func ssoLayout(t *testing.T) *layout.Layout {
	t.Helper()
	return mustLoad(t, stackConfig(t, "sso")["iam-layout:organization"])
}

// ssoFixtures are the layouts the Identity Center profile tests run on.
func ssoFixtures(t *testing.T) []fixture {
	t.Helper()
	return []fixture{
		{"sso example stack", ssoLayout(t), stackConfig(t, "sso")["aws:region"]},
		{"both mode", mustLoad(t, bothOrganization), "us-east-1"},
		{"both mode without a stack region", mustLoad(t, bothOrganization), ""},
	}
}

// ssoFixtureFile is one generated sso file and the placements it must hold.
type ssoFixtureFile struct {
	name       string
	content    string
	placements []*layout.SSOPlacement
}

// ssoFiles are each fixture's organization file and each user's, with the
// placements found from the assignments' side (not through PlacementsOf).
func ssoFiles(t *testing.T, f fixture) []ssoFixtureFile {
	t.Helper()
	ic := f.layout.IdentityCenter
	out := []ssoFixtureFile{{f.name + "/organization", SSOConfig(f.layout, f.stackRegion), ic.Placements}}
	byUser := SSOConfigByUser(f.layout, f.stackRegion)
	for _, u := range f.layout.Users {
		seen := map[*layout.SSOPlacement]bool{}
		for _, a := range ic.Assignments {
			for _, member := range a.Group.Users {
				if member == u {
					seen[a.Placement] = true
				}
			}
		}
		text, ok := byUser[u.Name]
		if len(seen) == 0 {
			if ok {
				t.Errorf("%s: user %s is in no Identity Center group but has an sso fragment", f.name, u.Name)
			}
			continue
		}
		var placements []*layout.SSOPlacement
		for pl := range seen {
			placements = append(placements, pl)
		}
		out = append(out, ssoFixtureFile{f.name + "/" + u.Name, text, placements})
	}
	return out
}

// expectedRegion restates the region rule: the account's, else
// profiles.region, else the stack's.
func expectedRegion(l *layout.Layout, pl *layout.SSOPlacement, stackRegion string) string {
	for _, r := range []string{pl.Role.Account.Region, l.Profiles.Region, stackRegion} {
		if r != "" {
			return r
		}
	}
	return ""
}

func TestEverySSOProfileReadsBackThroughTheSDKWithItsSession(t *testing.T) {
	t.Parallel()
	for _, f := range ssoFixtures(t) {
		for _, file := range ssoFiles(t, f) {
			t.Run(file.name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				path := writeFile(t, dir, "config", file.content)
				creds := writeFile(t, dir, "credentials", "")
				ic := f.layout.IdentityCenter
				for _, pl := range file.placements {
					c, err := config.LoadSharedConfigProfile(context.Background(), pl.ProfileName, func(o *config.LoadSharedConfigOptions) {
						o.ConfigFiles = []string{path}
						o.CredentialsFiles = []string{creds}
					})
					if err != nil {
						t.Fatalf("SDK cannot load profile %s: %v", pl.ProfileName, err)
					}
					if c.SSOSessionName != ic.SessionName || c.SSOSession == nil {
						t.Fatalf("profile %s: sso session %q (%v), want %q", pl.ProfileName, c.SSOSessionName, c.SSOSession, ic.SessionName)
					}
					if s := c.SSOSession; s.Name != ic.SessionName || s.SSORegion != ic.Region || s.SSOStartURL != ic.StartURL {
						t.Errorf("profile %s: session %+v, want %s in %s at %s", pl.ProfileName, *s, ic.SessionName, ic.Region, ic.StartURL)
					}
					if c.SSOAccountID != pl.Role.Account.ID || c.SSORoleName != pl.PermissionSet.Name {
						t.Errorf("profile %s: account %q role %q, want %s and %s", pl.ProfileName, c.SSOAccountID, c.SSORoleName, pl.Role.Account.ID, pl.PermissionSet.Name)
					}
					if want := expectedRegion(f.layout, pl, f.stackRegion); c.Region != want {
						t.Errorf("profile %s: region %q, want %q", pl.ProfileName, c.Region, want)
					}
					// Neither a role to assume nor keys: Identity Center
					// hands out the credentials.
					if c.RoleARN != "" || c.SourceProfileName != "" || c.Credentials.HasKeys() {
						t.Errorf("profile %s mixes in IAM settings: %+v", pl.ProfileName, c)
					}
				}
			})
		}
	}
}

func TestAWSCLIListsTheSSOProfilesAndReadsTheirAccountAndPermissionSet(t *testing.T) {
	t.Parallel()
	awsclitest.Require(t)
	for _, f := range ssoFixtures(t)[:2] {
		files := ssoFiles(t, f)
		if f.layout.IAMAccess() {
			// In "both" mode one ~/.aws/config holds both kinds: the CLI
			// must see every profile of each, none shadowing another.
			files = append(files, ssoFixtureFile{f.name + "/iam and sso in one file", AWSConfig(f.layout, f.stackRegion) + "\n" + SSOConfig(f.layout, f.stackRegion), f.layout.IdentityCenter.Placements})
		}
		for _, file := range files {
			t.Run(file.name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				path := writeFile(t, dir, "config", file.content)
				out, code := awsclitest.Configure(t, path, "list-profiles")
				if code != 0 {
					t.Fatalf("list-profiles exit %d", code)
				}
				got := strings.Fields(out)
				var want []string
				for _, pl := range file.placements {
					want = append(want, pl.ProfileName)
				}
				if strings.HasSuffix(file.name, "in one file") {
					for _, r := range f.layout.Roles {
						want = append(want, r.ProfileName)
					}
				}
				sort.Strings(got)
				sort.Strings(want)
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("list-profiles = %v, want %v", got, want)
				}
				// Users' files hold the organization's sections, which the
				// SDK test reads key by key: the CLI lists them (each aws
				// run costs a second).
				if !strings.HasSuffix(file.name, "/organization") && !strings.HasSuffix(file.name, "in one file") {
					return
				}
				for i, pl := range file.placements {
					keys := map[string]string{KeySSOAccountID: pl.Role.Account.ID, KeySSORoleName: pl.PermissionSet.Name}
					if i == 0 {
						keys[KeySSOSession] = f.layout.IdentityCenter.SessionName
					}
					for key, want := range keys {
						if got, code := awsclitest.Configure(t, path, "get", key, "--profile", pl.ProfileName); code != 0 || got != want {
							t.Errorf("%s of %s = %q (exit %d), want %s", key, pl.ProfileName, got, code, want)
						}
					}
				}
			})
		}
	}
}

func TestSSOConsoleLinksOpenThePermissionSetInItsAccount(t *testing.T) {
	t.Parallel()
	for _, f := range ssoFixtures(t)[:2] {
		ic := f.layout.IdentityCenter
		links := SSOConsoleURLs(f.layout)
		n := 0
		for _, pl := range ic.Placements {
			link := links[pl.Role.Account.Name][pl.Role.Name]
			n++
			u, err := url.Parse(link)
			if err != nil {
				t.Fatalf("%s: %v", link, err)
			}
			// <start URL>/#/console?account_id=...&role_name=...
			if base := strings.TrimSuffix(link, "#"+u.Fragment); base != ic.StartURL+"/" {
				t.Errorf("%s: does not start with the access portal %s/", link, ic.StartURL)
			}
			route, query, _ := strings.Cut(u.Fragment, "?")
			q, err := url.ParseQuery(query)
			if route != "/console" || err != nil || q.Get("account_id") != pl.Role.Account.ID || q.Get("role_name") != pl.PermissionSet.Name || len(q) != 2 {
				t.Errorf("%s: route %q, query %v; want /console with account_id=%s and role_name=%s", link, route, q, pl.Role.Account.ID, pl.PermissionSet.Name)
			}
		}
		count := 0
		for _, roles := range links {
			count += len(roles)
		}
		if count != n {
			t.Errorf("%s: %d links, want one per placement (%d)", f.name, count, n)
		}
	}
}

func TestMatrixShowsBothKindsOfAccess(t *testing.T) {
	t.Parallel()
	l := mustLoad(t, bothOrganization)
	m := AccessMatrix(l)
	lines := strings.Split(strings.TrimSpace(tableOf(t, m)), "\n")
	if lines[0] != "| "+strings.Join(SSOMatrixColumns, " | ")+" |" {
		t.Fatalf("header = %s", lines[0])
	}
	rows := map[string][]string{}
	var order []string
	for _, line := range lines[2:] {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != len(SSOMatrixColumns) {
			t.Fatalf("row %q has %d cells", line, len(cells))
		}
		key := cells[0] + "/" + cells[2] + " " + cells[3]
		rows[key] = cells
		order = append(order, key)
	}
	want := []string{
		"development/AlfieFullAccess IAM role",
		"development/AlfieFullAccess permission set AlfieFullAccess",
		"production/AlfieDatabaseShutdown IAM role",
		"production/AlfieDatabaseShutdown permission set AlfieDatabaseShutdown",
		"production/AlfieReadOnly IAM role",
		"production/AlfieReadOnly permission set AlfieReadOnly",
		"qa/AlfieDeployment IAM role",
		"qa/AlfieDeployment permission set AlfieDeployment",
		"qa/AlfieReadOnly IAM role",
		"qa/AlfieReadOnly permission set AlfieReadOnly",
	}
	if strings.Join(order, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}
	// alfie-auditors has IAM access only; carol reaches qa/AlfieReadOnly
	// through IAM but not through Identity Center.
	if got := rows["qa/AlfieReadOnly IAM role"]; got[6] != "alfie-auditors, alfie-operators" || got[7] != "alice, carol" {
		t.Errorf("IAM row of qa/AlfieReadOnly = %v", got)
	}
	if got := rows["qa/AlfieReadOnly permission set AlfieReadOnly"]; got[4] != "alfie-qa-read-only-sso" || got[5] != MFAAtSignIn || got[6] != "alfie-operators" || got[7] != "alice" {
		t.Errorf("sso row of qa/AlfieReadOnly = %v", got)
	}
	if got := rows["production/AlfieDatabaseShutdown permission set AlfieDatabaseShutdown"]; got[5] != MFAAtSignInDestructive || got[4] != "alfie-production-db-shutdown-sso" {
		t.Errorf("sso row of the destructive role = %v", got)
	}

	mermaid := m.Mermaid()
	count := func(s string) int { return strings.Count(mermaid, s) }
	if count(`subgraph master["management account 012345678901"]`) != 1 || count(`subgraph idc["IAM Identity Center eu-west-1"]`) != 1 {
		t.Errorf("the picture lacks the management account or Identity Center:\n%s", mermaid)
	}
	iamEdges, ssoEdges := 0, len(l.IdentityCenter.Assignments)
	for _, g := range l.Groups {
		iamEdges += len(g.Roles)
	}
	if got := count(`-- "`+EdgeAssume+`" -->`) + count(`-- "`+EdgeAssumeWithMFA+`" -->`); got != iamEdges {
		t.Errorf("%d IAM edges, want %d:\n%s", got, iamEdges, mermaid)
	}
	if got := count(`-- "` + EdgeAssigned + `" -->`); got != ssoEdges {
		t.Errorf("%d assignment edges, want %d:\n%s", got, ssoEdges, mermaid)
	}
	if got := count(`["permission set `); got != len(l.IdentityCenter.Placements) {
		t.Errorf("%d permission set nodes, want one per placement (%d)", got, len(l.IdentityCenter.Placements))
	}
}

func TestWithoutIdentityCenterNothingSSOIsRendered(t *testing.T) {
	t.Parallel()
	r := Render(devLayout(t), "us-east-1")
	if r.SSOConfig != "" || len(r.SSOConfigByUser) != 0 || len(r.SSOConsoleURLs) != 0 || AccessMatrix(devLayout(t)).SSO != nil {
		t.Errorf("IAM-only layout renders sso outputs: %q %v %v", r.SSOConfig, r.SSOConfigByUser, r.SSOConsoleURLs)
	}
	s := Render(ssoLayout(t), "us-east-1")
	if s.AWSConfig != "" || s.ConfigureCommands != "" || len(s.AWSConfigByUser) != 0 || len(s.SwitchRoleURLs) != 0 || s.ExtendSwitchRolesConfig != "" {
		t.Errorf("Identity Center-only layout renders IAM profiles")
	}
}

// ssoGoldenFiles are the sso example stack's renderings by output name.
func ssoGoldenFiles(t *testing.T) map[string]string {
	t.Helper()
	r := Render(ssoLayout(t), stackConfig(t, "sso")["aws:region"])
	links, err := json.MarshalIndent(r.SSOConsoleURLs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		contract.SSOConfigKey:           r.SSOConfig,
		contract.SSOConsoleURLsKey:      strings.ReplaceAll(string(links), `\u0026`, "&") + "\n",
		contract.AccessMatrixKey:        r.AccessMatrix,
		contract.AccessMatrixMermaidKey: r.AccessMatrixMermaid,
	}
	for user, text := range r.SSOConfigByUser {
		files[contract.SSOConfigByUserKey+"."+user] = text
	}
	return files
}

// Goldens of the sso example stack, for reading diffs in review; what they
// mean is checked by the SDK, CLI, link and matrix tests above.
func TestSSOStackRenderingMatchesTheGoldenFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "sso")
	files := ssoGoldenFiles(t)
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, got := range files {
		path := filepath.Join(dir, name+".golden")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (run go test ./profiles -run Golden -update)", err)
			continue
		}
		if got != string(want) {
			t.Errorf("%s differs from %s: review the change, then run go test ./profiles -run Golden -update\n--- got\n%s", name, path, got)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := files[strings.TrimSuffix(e.Name(), ".golden")]; !ok {
			t.Errorf("stale golden file %s", e.Name())
		}
	}
}
