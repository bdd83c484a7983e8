package profiles

import (
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"iam-layout/layout"
)

func TestSwitchRoleURLsOpenTheRolesPageOfTheirPartitionWithPathAndName(t *testing.T) {
	t.Parallel()
	partitionOrg := func(partition string) *layout.Layout {
		return mustLoad(t, fmt.Sprintf(`{"masterAccountId":"012345678901","partition":%q,
		  "accounts":{"prod":{"id":"222222222222"}},
		  "roles":{"Deployer":{"accounts":["prod"],"path":"/ci/deploy/"}},
		  "groups":{"deployers":{"roles":["Deployer"]}}}`, partition))
	}
	cases := map[string]struct {
		layout                           *layout.Layout
		role, host, account, roleName    string
		displayName, encodedRoleNamePart string
	}{
		"seed role at /": {
			devLayout(t), "production/AlfieReadOnly", "signin.aws.amazon.com", "123456789012", "AlfieReadOnly",
			"alfie-production", "roleName=AlfieReadOnly&",
		},
		"path is kept without its leading slash, slashes encoded": {
			mustLoad(t, edgeOrganization), "prod/Deployer", "signin.aws.amazon.com", "222222222222", "ci/deploy/Deployer",
			"ci-prod", "roleName=ci%2Fdeploy%2FDeployer&",
		},
		"'=' in a name is encoded": {
			mustLoad(t, edgeOrganization), "tools/Ops=Admin", "signin.aws.amazon.com", "111111111111", "Ops=Admin",
			"ops-tools", "roleName=Ops%3DAdmin&",
		},
		"GovCloud": {
			partitionOrg("aws-us-gov"), "prod/Deployer", "signin.amazonaws-us-gov.com", "222222222222", "ci/deploy/Deployer",
			"deployer-prod", "roleName=ci%2Fdeploy%2FDeployer&",
		},
		"China": {
			partitionOrg("aws-cn"), "prod/Deployer", "signin.amazonaws.cn", "222222222222", "ci/deploy/Deployer",
			"deployer-prod", "roleName=ci%2Fdeploy%2FDeployer&",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := role(t, tc.layout, tc.role)
			link := SwitchRoleURLs(tc.layout)[r.Account.Name][r.Name]
			u, err := url.Parse(link)
			if err != nil {
				t.Fatalf("%q: %v", link, err)
			}
			if u.Scheme != "https" || u.Host != tc.host || u.Path != "/switchrole" {
				t.Errorf("link %s goes to %s://%s%s, want https://%s/switchrole", link, u.Scheme, u.Host, u.Path, tc.host)
			}
			want := url.Values{"account": {tc.account}, "roleName": {tc.roleName}, "displayName": {tc.displayName}}
			if got := u.Query(); !reflect.DeepEqual(got, want) {
				t.Errorf("query = %v, want %v", got, want)
			}
			// The console reads roleName as one value: '/' and '=' must not
			// be taken as URL structure.
			if !strings.Contains(u.RawQuery+"&", tc.encodedRoleNamePart) {
				t.Errorf("raw query %q lacks %q", u.RawQuery, tc.encodedRoleNamePart)
			}
		})
	}
}

func TestConsoleExclusionsListEachLeftOutRoleWithItsReason(t *testing.T) {
	t.Parallel()
	l := mustLoad(t, edgeOrganization)
	long := role(t, l, "prod/ReportReader")
	if n := len(long.Path) + len(long.Name); n <= MaxConsolePathAndName {
		t.Fatalf("fixture: ReportReader's path and name are %d characters, want more than %d", n, MaxConsolePathAndName)
	}
	want := map[string]map[string]*regexp.Regexp{
		"prod": {
			"VendorAudit":  regexp.MustCompile(`^requires an external ID .*no switch-role link and no aws-extend-switch-roles entry$`),
			"ReportReader": regexp.MustCompile(fmt.Sprintf(`^path and name are %d characters together, the console switches only to roles of at most 64: no switch-role link`, len(long.Path)+len(long.Name))),
		},
		"tools": {
			"Ops=Admin": regexp.MustCompile(`^path or name holds .*: no aws-extend-switch-roles entry \(the switch-role link works\)$`),
		},
	}
	got := ExclusionsByAccount(l)
	if len(got) != len(want) {
		t.Errorf("exclusions by account = %v, want accounts %v", got, want)
	}
	for account, roles := range want {
		if len(got[account]) != len(roles) {
			t.Errorf("exclusions in %s = %v, want %d", account, got[account], len(roles))
		}
		for name, re := range roles {
			reasons := got[account][name]
			if len(reasons) != 1 || !re.MatchString(reasons[0]) {
				t.Errorf("%s/%s reasons = %q, want one matching %s", account, name, reasons, re)
			}
		}
	}
	if got := ExclusionsByAccount(devLayout(t)); len(got) != 0 {
		t.Errorf("seed exclusions = %v, want none", got)
	}
}

func TestConsoleLimitCountsThePathWithItsSlashesUpTo64(t *testing.T) {
	t.Parallel()
	name := "R" + strings.Repeat("x", 19) // 20 characters
	cases := map[string]struct {
		path     string
		excluded bool
	}{
		"64 together": {"/" + strings.Repeat("p", 42) + "/", false},
		"65 together": {"/" + strings.Repeat("p", 43) + "/", true},
	}
	for label, tc := range cases {
		t.Run(label, func(t *testing.T) {
			t.Parallel()
			l := mustLoad(t, fmt.Sprintf(`{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111"}},
			  "roles":{%q:{"accounts":["a"],"path":%q}},"groups":{"g":{"roles":[%q]}}}`, name, tc.path, name))
			_, linked := SwitchRoleURLs(l)["a"][name]
			_, excluded := ExclusionsByAccount(l)["a"][name]
			if linked == tc.excluded || excluded != tc.excluded {
				t.Errorf("path+name %d: linked %v, excluded %v; want excluded %v", len(tc.path)+len(name), linked, excluded, tc.excluded)
			}
		})
	}
}

// parseExtension reads text the way aws-extend-switch-roles does: a '#' or
// ';' ends the line, `[profile NAME]` and `[NAME]` open a profile, and a
// line is split at '=' keeping only what lies before a second one.
func parseExtension(t *testing.T, text string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	var current map[string]string
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexAny(line, "#;"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			name := strings.TrimPrefix(strings.TrimSpace(line[1:len(line)-1]), "profile ")
			current = map[string]string{}
			out[name] = current
		case current == nil:
			t.Fatalf("extension: key before any profile: %q", line)
		default:
			parts := strings.SplitN(line, "=", 3)
			if len(parts) < 2 {
				t.Fatalf("extension: not key = value: %q", line)
			}
			current[strings.TrimSpace(parts[0])] = strings.TrimSpace(parts[1])
		}
	}
	return out
}

func TestExtendSwitchRolesConfigHasEverySwitchableRoleColouredByRisk(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			got := parseExtension(t, ExtendSwitchRolesConfig(f.layout, f.stackRegion))
			excluded := ExclusionsByAccount(f.layout)
			want := map[string]map[string]string{}
			for _, r := range f.layout.Roles {
				if _, out := excluded[r.Account.Name][r.Name]; out {
					continue
				}
				entry := map[string]string{
					KeyAccountID: r.Account.ID,
					KeyRoleName:  strings.TrimPrefix(r.Path, "/") + r.Name,
					KeyColor:     Color(r),
				}
				if region := expectedProfile(f.layout, r, f.stackRegion, nil).Region; region != "" {
					entry[KeyRegion] = region
				}
				want[r.ProfileName] = entry
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("extension profiles:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestDestructiveRolesAreRedAndOthersFollowTheirEnvironment(t *testing.T) {
	t.Parallel()
	l := mustLoad(t, edgeOrganization)
	dev := devLayout(t)
	cases := map[string]struct {
		role *layout.Role
		want string
	}{
		"destructive in production": {role(t, dev, "production/AlfieDatabaseShutdown"), ColorDestructive},
		"destructive anywhere":      {role(t, l, "prod/BreakGlass"), ColorDestructive},
		"read-only in production":   {role(t, dev, "production/AlfieReadOnly"), ColorProduction},
		"qa":                        {role(t, dev, "qa/AlfieDeployment"), ColorStaging},
		"development":               {role(t, dev, "development/AlfieFullAccess"), ColorDevelopment},
		"sandbox":                   {role(t, l, "tools/Deployer"), ColorDevelopment},
	}
	hex := regexp.MustCompile(`^[0-9a-f]{6}$`)
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := Color(tc.role); got != tc.want || !hex.MatchString(got) {
				t.Errorf("Color = %q, want %q (six hex digits, no '#')", got, tc.want)
			}
		})
	}
}
