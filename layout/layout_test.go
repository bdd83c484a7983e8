package layout

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const minimal = `{
  "masterAccountId": "012345678901",
  "accounts": {
    "dev":  {"id": "345678901234"},
    "prod": {"id": "123456789012", "region": "eu-west-1", "accessRoleName": "AdminAccess"}
  },
  "roles": {
    "ReadOnly": {"accounts": ["prod", "dev"]},
    "Breakglass": {"accounts": ["prod"], "destructive": true}
  },
  "groups": {
    "readers": {"roles": ["ReadOnly"]},
    "oncall": {"roles": ["prod/Breakglass", "dev/ReadOnly"]}
  },
  "users": {"ann": {"groups": ["readers", "oncall"], "mfaDevice": "ann-phone"}}
}`

func mustLoad(t *testing.T, text string) *Layout {
	t.Helper()
	l, err := Load([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLoadAppliesDefaultsAndComputesARNs(t *testing.T) {
	t.Parallel()
	l := mustLoad(t, minimal)
	if l.Partition != "aws" || l.MFAMaxAgeSeconds != DefaultMFAMaxAgeSeconds {
		t.Errorf("partition %q, mfa age %d", l.Partition, l.MFAMaxAgeSeconds)
	}
	if got := l.Account("dev").AccessRoleARN; got != "arn:aws:iam::345678901234:role/OrganizationAccountAccessRole" {
		t.Errorf("dev access role = %s", got)
	}
	if got := l.Account("prod").AccessRoleARN; got != "arn:aws:iam::123456789012:role/AdminAccess" {
		t.Errorf("prod access role = %s (the per-account override)", got)
	}
	var keys []string
	for _, r := range l.Roles {
		keys = append(keys, r.Key())
	}
	if want := []string{"dev/ReadOnly", "prod/Breakglass", "prod/ReadOnly"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("role placements = %v, want %v", keys, want)
	}
	bg := l.Role("prod/Breakglass")
	if !bg.RequireMFA || !bg.Destructive || bg.MaxSessionDuration != DefaultDestructiveMaxSessionDuration || bg.Tags[DestructiveTagKey] != "true" {
		t.Errorf("breakglass = %+v", bg)
	}
	if ro := l.Role("dev/ReadOnly"); ro.RequireMFA || ro.MaxSessionDuration != DefaultMaxSessionDuration || ro.ARN != "arn:aws:iam::345678901234:role/ReadOnly" {
		t.Errorf("dev/ReadOnly = %+v", ro)
	}
	if u := l.Users[0]; u.MFASerial != "arn:aws:iam::012345678901:mfa/ann-phone" || u.ARN != "arn:aws:iam::012345678901:user/ann" {
		t.Errorf("user = %+v", u)
	}
}

func TestGroupRoleReferences(t *testing.T) {
	t.Parallel()
	l := mustLoad(t, minimal)
	grants := map[string][]string{}
	for _, g := range l.Groups {
		for _, r := range g.Roles {
			grants[g.Name] = append(grants[g.Name], r.Key())
		}
	}
	want := map[string][]string{
		// A bare role name means the role in every account that holds it.
		"readers": {"dev/ReadOnly", "prod/ReadOnly"},
		"oncall":  {"dev/ReadOnly", "prod/Breakglass"},
	}
	if !reflect.DeepEqual(grants, want) {
		t.Errorf("grants = %v, want %v", grants, want)
	}
	if got := len(l.Role("dev/ReadOnly").Groups); got != 2 {
		t.Errorf("dev/ReadOnly is granted to %d groups, want 2", got)
	}
}

func TestLoadReportsProblems(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		text string
		want []string
	}{
		"duplicate key": {
			text: `{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111"},"a":{"id":"222222222222"}}}`,
			want: []string{"accounts.a: is given more than once"},
		},
		"not an object": {text: `[]`, want: []string{"organization: must be a mapping of keys, got a list"}},
		"wrong types": {
			text: `{"masterAccountId":"012345678901","partition":7,"accounts":{"a":{"id":"111111111111","region":["x"]}},"roles":{"R":{"accounts":"a","destructive":"maybe"}}}`,
			want: []string{
				"partition: must be a string, got a number",
				"accounts.a.region: must be a string, got a list",
				"roles.R.accounts: must be a list of strings, got a string",
				`roles.R.destructive: must be true or false, got "maybe"`,
			},
		},
		"master missing": {text: `{"accounts":{"a":{"id":"111111111111"}}}`, want: []string{"masterAccountId: is required"}},
		"child is the master": {
			text: `{"masterAccountId":"111111111111","accounts":{"a":{"id":"111111111111"}}}`,
			want: []string{"accounts.a.id: 111111111111 is the management account"},
		},
		"bad account name and region": {
			text: `{"masterAccountId":"012345678901","accounts":{"Prod_1":{"id":"111111111111","region":"Europe"}}}`,
			want: []string{`accounts.Prod_1: account name "Prod_1" must be lower-case`, `accounts.Prod_1.region: "Europe" is not an AWS region`},
		},
		"case-insensitive role collision": {
			text: `{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111"}},"roles":{"ReadOnly":{"accounts":["a"]},"readonly":{"accounts":["a"]}}}`,
			want: []string{`role names are case-insensitive in IAM: "ReadOnly" and "readonly" collide in account "a"`},
		},
		"destructive without MFA": {
			text: `{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111"}},"roles":{"R":{"accounts":["a"],"destructive":true,"requireMfa":false}}}`,
			want: []string{"roles.R.requireMfa: cannot be false on a destructive role"},
		},
		"listed twice": {
			text: `{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111"}},"roles":{"R":{"accounts":["a","a"]}}}`,
			want: []string{`roles.R.accounts[1]: "a" is listed more than once`},
		},
		"user path without create": {
			text: `{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111"}},"roles":{"R":{"accounts":["a"]}},"groups":{"g":{"roles":["R"]}},"users":{"u":{"groups":["g"],"path":"/x/"}}}`,
			want: []string{"users.u.path: only applies to users the stack creates"},
		},
		"reserved tag": {
			text: `{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111"}},"roles":{"R":{"accounts":["a"],"tags":{"aws:owner":"x"}}}}`,
			want: []string{"roles.R.tags.\"aws:owner\": tag keys starting with aws: are reserved"},
		},
		"mfa age out of range": {
			text: `{"masterAccountId":"012345678901","mfaMaxAgeSeconds":5,"accounts":{"a":{"id":"111111111111"}}}`,
			want: []string{"mfaMaxAgeSeconds: 5 is outside 60-129600 seconds"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Load([]byte(tc.text))
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

func TestInlinePolicyMayBeAJSONStringAndIsCanonicalised(t *testing.T) {
	t.Parallel()
	asObject := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}]}`
	asString := `"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\"], \"Resource\": \"*\"}]\n}"`
	a, errA := IdentityPolicy([]byte(asObject))
	b, errB := IdentityPolicy([]byte(asString))
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if a != b || strings.ContainsAny(a, " \n") {
		t.Errorf("canonical forms differ or hold whitespace:\n%s\n%s", a, b)
	}
	if _, err := IdentityPolicy([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`)); err == nil || !strings.Contains(err.Error(), "an identity policy has no Principal") {
		t.Errorf("err = %v", err)
	}
}
