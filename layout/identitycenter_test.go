package layout

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	awspolicy "github.com/hashicorp/awspolicyequivalence"

	"iam-layout/stackfile"
)

// ssoOrganization is the shipped Pulumi.sso.yaml's organization as a
// mutable value.
func ssoOrganization(t *testing.T) map[string]any {
	t.Helper()
	cfg, err := stackfile.Read("..", "sso")
	if err != nil {
		t.Fatal(err)
	}
	var org map[string]any
	if err := json.Unmarshal([]byte(cfg["iam-layout:organization"]), &org); err != nil {
		t.Fatal(err)
	}
	return org
}

// at returns the object at a path of keys, creating objects on the way.
func at(org map[string]any, keys ...string) map[string]any {
	m := org
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	return m
}

func loadValue(t *testing.T, org map[string]any) (*Layout, error) {
	t.Helper()
	data, err := json.Marshal(org)
	if err != nil {
		t.Fatal(err)
	}
	return Load(data)
}

func mustLoadValue(t *testing.T, org map[string]any) *Layout {
	t.Helper()
	l, err := loadValue(t, org)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestSSOStackResolvesEachAssignedRoleIntoAPermissionSet(t *testing.T) {
	t.Parallel()
	l := mustLoadValue(t, ssoOrganization(t))
	ic := l.IdentityCenter
	if !l.IdentityCenterAccess() || l.IAMAccess() {
		t.Fatalf("access = %s: want Identity Center only", ic.Access)
	}
	type summary struct {
		Name, Session, Relay string
		AWSManaged           []string
		Customer             []PolicyReference
		Boundary             *Boundary
		Destructive          bool
		Accounts             []string
	}
	got := map[string]summary{}
	for _, set := range ic.PermissionSets {
		var accounts []string
		for _, pl := range set.Placements {
			accounts = append(accounts, pl.Role.Account.Name)
		}
		got[set.Role] = summary{set.Name, set.SessionDuration, set.RelayState, set.ManagedPolicyARNs, set.CustomerManagedPolicies, set.Boundary, set.Destructive, accounts}
	}
	want := map[string]summary{
		"AlfieFullAccess": {Name: "AlfieFullAccess", Session: "PT8H", AWSManaged: []string{"arn:aws:iam::aws:policy/AdministratorAccess"},
			Boundary: &Boundary{CustomerManaged: &PolicyReference{Name: "AlfieBoundary", Path: "/alfie/"}}, Accounts: []string{"development"}},
		"AlfieDeployment": {Name: "AlfieDeployment", Session: "PT8H", AWSManaged: []string{"arn:aws:iam::aws:policy/PowerUserAccess"},
			Customer: []PolicyReference{{Name: "AlfieDeployExtras", Path: "/alfie/"}}, Accounts: []string{"qa"}},
		"AlfieReadOnly": {Name: "AlfieReadOnly", Session: "PT8H", AWSManaged: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, Accounts: []string{"production"}},
		// The destructive role: a permission set of its own, one hour.
		"AlfieDatabaseShutdown": {Name: "AlfieDatabaseShutdown", Session: "PT1H", Relay: "https://us-east-1.console.aws.amazon.com/rds/home",
			Destructive: true, Accounts: []string{"production"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("permission sets:\n got %+v\nwant %+v", got, want)
	}
	var keys []string
	for _, a := range ic.Assignments {
		keys = append(keys, a.Key())
	}
	wantKeys := []string{
		"alfie-developers/development/AlfieFullAccess",
		"alfie-developers/production/AlfieReadOnly",
		"alfie-developers/qa/AlfieDeployment",
		"alfie-operators/production/AlfieDatabaseShutdown",
	}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("assignments = %v, want %v", keys, wantKeys)
	}
	// Memberships only in the group the stack creates; alice is created,
	// so nothing is looked up.
	for _, g := range ic.Groups {
		var members []string
		for _, m := range g.Members {
			members = append(members, m.Name())
			if m.LookUp {
				t.Errorf("%s is looked up, but the stack creates it", m.Name())
			}
		}
		want := map[string][]string{"alfie-developers": nil, "alfie-operators": {"alice"}}[g.Name()]
		if !reflect.DeepEqual(members, want) {
			t.Errorf("memberships of %s = %v, want %v", g.Name(), members, want)
		}
	}
	ds := ic.PermissionSets[0]
	if ds.Role != "AlfieDatabaseShutdown" || ds.Tags[DestructiveTagKey] != "true" {
		t.Fatalf("first permission set = %s with tags %v", ds.Role, ds.Tags)
	}
	// The two inline policies become one document holding both.
	want2 := `{"Version":"2012-10-17","Statement":[
		{"Sid":"SeeDatabases","Effect":"Allow","Action":["rds:DescribeDBInstances","rds:DescribeDBClusters"],"Resource":"*"},
		{"Sid":"StopAndDeleteAlfieDatabases","Effect":"Allow","Action":["rds:StopDBInstance","rds:DeleteDBInstance","rds:StopDBCluster","rds:DeleteDBCluster"],
		 "Resource":["arn:aws:rds:*:123456789012:db:alfie-*","arn:aws:rds:*:123456789012:cluster:alfie-*"]}]}`
	if ok, err := awspolicy.PoliciesAreEquivalent(ds.InlinePolicy, want2); err != nil || !ok {
		t.Errorf("merged inline policy = %s (err %v)", ds.InlinePolicy, err)
	}
}

func TestSessionDurationsAreISO8601BothWays(t *testing.T) {
	t.Parallel()
	for seconds, iso := range map[int]string{3600: "PT1H", 5400: "PT1H30M", 28800: "PT8H", 43200: "PT12H", 3661: "PT1H1M1S", 0: "PT0S", 90: "PT1M30S"} {
		if got := SessionDurationISO(seconds); got != iso {
			t.Errorf("SessionDurationISO(%d) = %s, want %s", seconds, got, iso)
		}
		if got, ok := ParseSessionDuration(iso); !ok || got != seconds {
			t.Errorf("ParseSessionDuration(%s) = %d, %v; want %d", iso, got, ok, seconds)
		}
	}
	for _, bad := range []string{"", "PT", "1h", "P1D", "PT1.5H", "pt1h", "PT1H ", "-PT1H"} {
		if n, ok := ParseSessionDuration(bad); ok {
			t.Errorf("ParseSessionDuration(%q) = %d, want refused", bad, n)
		}
	}
}

func TestMergeInlinePolicies(t *testing.T) {
	t.Parallel()
	doc := func(sid, action string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"Allow","Action":"` + action + `","Resource":"*"}]}`
	}
	big := func(sid string) string {
		actions := make([]string, 400)
		for i := range actions {
			actions[i] = `"s3:GetObjectVersionTaggingNumber` + string(rune('A'+i%26)) + `"`
		}
		return `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"Allow","Action":[` + strings.Join(actions, ",") + `],"Resource":"*"}]}`
	}
	cases := map[string]struct {
		in      []InlinePolicy
		want    string
		problem string
	}{
		"none": {},
		"one keeps its statements": {
			in:   []InlinePolicy{{"a", doc("A", "s3:GetObject")}},
			want: doc("A", "s3:GetObject"),
		},
		"two in name order": {
			in:   []InlinePolicy{{"a", doc("A", "s3:GetObject")}, {"b", doc("B", "s3:PutObject")}},
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"B","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`,
		},
		"one Sid twice": {
			in:      []InlinePolicy{{"a", doc("Read", "s3:GetObject")}, {"b", doc("Read", "s3:PutObject")}},
			problem: `a and b both have a statement with Sid "Read"`,
		},
		"over the size": {
			in:      []InlinePolicy{{"a", big("A")}, {"b", big("B")}},
			problem: "over Identity Center's 10240 characters",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, problem := MergeInlinePolicies(tc.in)
			if tc.problem != "" {
				if got != "" || !strings.Contains(problem, tc.problem) {
					t.Errorf("= %q, problem %q; want the problem %q", got, problem, tc.problem)
				}
				return
			}
			if problem != "" {
				t.Fatalf("problem: %s", problem)
			}
			if tc.want == "" {
				if got != "" {
					t.Errorf("= %q, want no document", got)
				}
				return
			}
			if ok, err := awspolicy.PoliciesAreEquivalent(got, tc.want); err != nil || !ok {
				t.Errorf("= %s\nwant %s (err %v)", got, tc.want, err)
			}
		})
	}
}

// bigPolicy is an inline policy document of about 6,000 characters: two fit
// IAM's role quota apart but not Identity Center's one document together.
func bigPolicy(sid string) map[string]any {
	actions := make([]any, 220)
	for i := range actions {
		actions[i] = "ec2:DescribeSomethingLongEnough" + string(rune('A'+i%26))
	}
	return map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": "*"}}}
}

func TestIdentityCenterProblemsAreReportedTogetherWithTheirPaths(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		edit func(org map[string]any)
		want []string
	}{
		"access is required and checked": {
			edit: func(org map[string]any) { at(org, "identityCenter")["access"] = "identitycenter" },
			want: []string{`identityCenter.access: "identitycenter" is not one of iam, identityCenter, both (did you mean "identityCenter"?)`},
		},
		"unknown key": {
			edit: func(org map[string]any) { at(org, "identityCenter")["startURL"] = "x" },
			want: []string{`identityCenter.startURL: unknown key (did you mean "startUrl"?)`},
		},
		"unknown groups and users": {
			edit: func(org map[string]any) {
				at(org, "identityCenter", "groups", "alfie-developer")["create"] = true
				at(org, "identityCenter", "users", "alise")["create"] = false
			},
			want: []string{
				`identityCenter.groups.alfie-developer: unknown group "alfie-developer": declare it under groups, with its roles (did you mean "alfie-developers"?)`,
				`identityCenter.users.alise: unknown user "alise": declare it under users, with its groups (did you mean "alice"?)`,
			},
		},
		"a permission set name over 32 characters": {
			edit: func(org map[string]any) {
				roles := at(org, "roles")
				roles["AlfieDatabaseShutdownInProduction"] = roles["AlfieDatabaseShutdown"]
				delete(roles, "AlfieDatabaseShutdown")
				delete(at(org, "identityCenter", "permissionSets"), "AlfieDatabaseShutdown")
				at(org, "groups", "alfie-operators")["roles"] = []any{"AlfieDatabaseShutdownInProduction"}
			},
			want: []string{`roles.AlfieDatabaseShutdownInProduction: permission set name "AlfieDatabaseShutdownInProduction" is 33 characters long, Identity Center allows at most 32 (set identityCenter.permissionSets.AlfieDatabaseShutdownInProduction.name)`},
		},
		"overrides: name, session outside PT1H-PT12H, relay state": {
			edit: func(org map[string]any) {
				at(org, "identityCenter", "permissionSets", "AlfieReadOnly")["name"] = "Alfie Read Only"
				at(org, "identityCenter", "permissionSets", "AlfieReadOnly")["sessionDuration"] = "PT13H"
				at(org, "identityCenter", "permissionSets", "AlfieDeployment")["sessionDuration"] = "PT30M"
				at(org, "identityCenter", "permissionSets", "AlfieFullAccess")["sessionDuration"] = "8h"
				at(org, "identityCenter", "permissionSets", "AlfieDatabaseShutdown")["relayState"] = "http://console.aws.amazon.com/"
			},
			want: []string{
				`identityCenter.permissionSets.AlfieReadOnly.name: permission set name "Alfie Read Only" may only hold letters`,
				`identityCenter.permissionSets.AlfieReadOnly.sessionDuration: PT13H is outside PT1H-PT12H`,
				`identityCenter.permissionSets.AlfieDeployment.sessionDuration: PT30M is outside PT1H-PT12H`,
				`identityCenter.permissionSets.AlfieFullAccess.sessionDuration: "8h" is not an ISO-8601 duration`,
				`identityCenter.permissionSets.AlfieDatabaseShutdown.relayState: must be an https:// console URL`,
			},
		},
		"overrides of roles without a permission set": {
			edit: func(org map[string]any) {
				at(org, "identityCenter", "permissionSets", "AlfieReadOnli")["name"] = "X"
				at(org, "roles", "Unassigned")["accounts"] = []any{"qa"}
				at(org, "identityCenter", "permissionSets", "Unassigned")["name"] = "Y"
			},
			want: []string{
				`identityCenter.permissionSets.AlfieReadOnli: unknown role "AlfieReadOnli" (did you mean "AlfieReadOnly"?)`,
				`identityCenter.permissionSets.Unassigned: role Unassigned is assigned to no Identity Center group`,
			},
		},
		"two inline policies that cannot merge within the size limit": {
			edit: func(org map[string]any) {
				at(org, "roles", "AlfieDatabaseShutdown")["inlinePolicies"] = map[string]any{"one": bigPolicy("One"), "two": bigPolicy("Two")}
			},
			want: []string{`roles.AlfieDatabaseShutdown.inlinePolicies: merged into the one inline policy a permission set holds, the 2 policies are`, "over Identity Center's 10240 characters"},
		},
		"two inline policies sharing a Sid": {
			edit: func(org map[string]any) {
				at(org, "roles", "AlfieDatabaseShutdown")["inlinePolicies"] = map[string]any{"one": bigPolicy("Same"), "two": map[string]any{
					"Version": "2012-10-17", "Statement": []any{map[string]any{"Sid": "Same", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}},
				}}
			},
			want: []string{`roles.AlfieDatabaseShutdown.inlinePolicies: a permission set holds one inline policy, so these are merged into one document, where statement IDs must be unique: one and two both have a statement with Sid "Same"`},
		},
		"settings missing when groups need them": {
			edit: func(org map[string]any) {
				ic := at(org, "identityCenter")
				delete(ic, "startUrl")
				delete(ic, "region")
				delete(ic, "ssoSession")
			},
			want: []string{"identityCenter.startUrl: is required", "identityCenter.region: is required", "identityCenter.ssoSession: is required"},
		},
		"settings of the wrong shape": {
			edit: func(org map[string]any) {
				ic := at(org, "identityCenter")
				ic["startUrl"] = "http://d-1234567890.awsapps.com/start"
				ic["region"] = "Virginia"
				ic["ssoSession"] = "my session"
				ic["instanceArn"] = "arn:aws:sso:::instance/ssoins-123"
			},
			want: []string{
				`identityCenter.startUrl: "http://d-1234567890.awsapps.com/start" must start with https://`,
				`identityCenter.region: "Virginia" is not an AWS region name`,
				`identityCenter.ssoSession: "my session" is not a usable sso-session name`,
				`identityCenter.instanceArn: "arn:aws:sso:::instance/ssoins-123" is not an Identity Center instance ARN`,
				`identityCenter.identityStoreId: is required with instanceArn`,
			},
		},
		"a start URL that is not an access portal": {
			edit: func(org map[string]any) { at(org, "identityCenter")["startUrl"] = "https://example.com/start" },
			want: []string{`identityCenter.startUrl: "https://example.com/start" is not an access portal URL`},
		},
		"a start URL with a space": {
			edit: func(org map[string]any) {
				at(org, "identityCenter")["startUrl"] = "https://d-1234567890.awsapps.com/st art"
			},
			want: []string{`identityCenter.startUrl: "https://d-1234567890.awsapps.com/st art" has a path with characters`},
		},
		"a group that grants roles but is not in Identity Center": {
			edit: func(org map[string]any) { delete(at(org, "identityCenter", "groups"), "alfie-developers") },
			want: []string{"identityCenter.groups.alfie-developers: is required: group alfie-developers grants roles and people come only through Identity Center"},
		},
		"one Identity Center group for two groups": {
			edit: func(org map[string]any) {
				at(org, "identityCenter", "groups", "alfie-operators")["displayName"] = "alfie developers"
			},
			want: []string{`identityCenter.groups.alfie-operators.displayName: "alfie developers" is also the display name of identityCenter.groups.alfie-developers`},
		},
		"users the stack creates need the identity store's fields": {
			edit: func(org map[string]any) {
				alice := at(org, "identityCenter", "users", "alice")
				delete(alice, "givenName")
				alice["email"] = "alice"
				alice["userName"] = "Administrator"
				at(org, "identityCenter", "users", "bob")["displayName"] = "Bob"
			},
			want: []string{
				"identityCenter.users.alice.givenName: is required to create an Identity Center user",
				`identityCenter.users.alice.email: "alice" is not an email address`,
				`identityCenter.users.alice.userName: "Administrator" is reserved by Identity Center`,
				"identityCenter.users.bob.displayName: only applies to users the stack creates",
			},
		},
		"a member of a created group without an Identity Center user": {
			edit: func(org map[string]any) { delete(at(org, "identityCenter", "users"), "alice") },
			want: []string{"identityCenter.users.alice: is required: alice is a member of group alfie-operators, which the stack creates in Identity Center"},
		},
		"IAM-only keys when people come only through Identity Center": {
			edit: func(org map[string]any) {
				org["mfaMaxAgeSeconds"] = 600
				at(org, "roles", "AlfieReadOnly")["requireMfa"] = true
				at(org, "roles", "AlfieReadOnly")["path"] = "/alfie/"
				at(org, "groups", "alfie-developers")["mfaSelfService"] = true
				at(org, "users", "bob")["create"] = true
				at(org, "profiles")["sourceProfile"] = "me"
				org["security"] = map[string]any{"trust": "members"}
			},
			want: []string{
				"security.trust: applies to IAM users, groups and roles",
				"mfaMaxAgeSeconds: cannot be enforced per permission set: Identity Center asks for MFA at sign-in",
				"roles.AlfieReadOnly.requireMfa: cannot be enforced per permission set",
				"roles.AlfieReadOnly.path: applies to IAM users, groups and roles",
				"groups.alfie-developers.mfaSelfService: applies to IAM users, groups and roles",
				"users.bob.create: applies to IAM users, groups and roles",
				"profiles.sourceProfile: applies to IAM users, groups and roles",
			},
		},
		"an unknown placeholder": {
			edit: func(org map[string]any) { at(org, "identityCenter")["profileNameTemplate"] = "{application}-{unknown}" },
			want: []string{"identityCenter.profileNameTemplate: unknown placeholder {unknown}"},
		},
		"sso profile names that collide": {
			edit: func(org map[string]any) { at(org, "identityCenter")["profileNameTemplate"] = "{application}-{account}" },
			want: []string{`identityCenter.profileNameTemplate: permission sets in production/AlfieDatabaseShutdown and production/AlfieReadOnly would share the sso profile name "alfie-production"`},
		},
		"one customer managed reference from two accounts": {
			edit: func(org map[string]any) {
				at(org, "roles", "AlfieDeployment")["managedPolicyArns"] = []any{
					"arn:aws:iam::234567890123:policy/alfie/AlfieDeployExtras", "arn:aws:iam::345678901234:policy/alfie/AlfieDeployExtras",
				}
			},
			want: []string{"roles.AlfieDeployment.managedPolicyArns: arn:aws:iam::234567890123:policy/alfie/AlfieDeployExtras and arn:aws:iam::345678901234:policy/alfie/AlfieDeployExtras are one customer managed policy reference (/alfie/AlfieDeployExtras)"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			org := ssoOrganization(t)
			tc.edit(org)
			_, err := loadValue(t, org)
			var cfgErr *ConfigError
			if !errors.As(err, &cfgErr) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not say %q:\n%v", want, err)
				}
			}
		})
	}
}

func TestEveryIdentityCenterProblemComesInOneError(t *testing.T) {
	t.Parallel()
	org := ssoOrganization(t)
	at(org, "identityCenter")["region"] = "nowhere"
	at(org, "identityCenter", "permissionSets", "AlfieReadOnly")["sessionDuration"] = "PT20H"
	at(org, "identityCenter", "groups", "nobody")["create"] = true
	org["accounts"].(map[string]any)["qa"].(map[string]any)["id"] = "1234"
	_, err := loadValue(t, org)
	var cfgErr *ConfigError
	if !errors.As(err, &cfgErr) || len(cfgErr.Problems) != 4 {
		t.Fatalf("want one error with 4 problems, got %v", err)
	}
}

func TestBothModeKeepsTheIAMProfileNamesAndSuffixesTheSSOOnes(t *testing.T) {
	t.Parallel()
	org := ssoOrganization(t)
	at(org, "identityCenter")["access"] = "both"
	l := mustLoadValue(t, org)
	if !l.IAMAccess() || !l.IdentityCenterAccess() {
		t.Fatal("both mode must give both kinds of access")
	}
	got := map[string]string{}
	for _, pl := range l.IdentityCenter.Placements {
		got[pl.Key()] = pl.Role.ProfileName + " " + pl.ProfileName
	}
	want := map[string]string{
		"development/AlfieFullAccess":      "alfie-development alfie-development-sso",
		"qa/AlfieDeployment":               "alfie-qa alfie-qa-sso",
		"production/AlfieReadOnly":         "alfie-production alfie-production-sso",
		"production/AlfieDatabaseShutdown": "alfie-production-db-shutdown alfie-production-db-shutdown-sso",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("IAM and sso profile names = %v, want %v", got, want)
	}
	// The template of "identityCenter" mode would collide with the IAM
	// profiles in "both" mode: refused.
	at(org, "identityCenter")["profileNameTemplate"] = "{profile}"
	_, err := loadValue(t, org)
	if err == nil || !strings.Contains(err.Error(), `gives development/AlfieFullAccess the sso profile name "alfie-development", which is already the IAM profile of role development/AlfieFullAccess`) {
		t.Errorf("err = %v", err)
	}
}

func TestIdentityCenterKeyAbsentMeansIAMAsBefore(t *testing.T) {
	t.Parallel()
	l := mustLoad(t, minimal)
	if l.IdentityCenter != nil || !l.IAMAccess() || l.IdentityCenterAccess() {
		t.Errorf("without identityCenter: IdentityCenter %v, IAM %v, Identity Center %v", l.IdentityCenter, l.IAMAccess(), l.IdentityCenterAccess())
	}
}
