package layout

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// withSecurity adds a security object to an organization's JSON text.
func withSecurity(org, security string) string {
	return strings.Replace(org, `"masterAccountId"`, `"security": `+security+`, "masterAccountId"`, 1)
}

func TestTrustDefaultsToTheWholeAccountSoExistingStacksDoNotChange(t *testing.T) {
	t.Parallel()
	l := mustLoad(t, minimal)
	if l.Security.Trust != TrustAccount || l.ClosedTrust() {
		t.Errorf("trust = %q, want %q by default", l.Security.Trust, TrustAccount)
	}
	for _, r := range l.Roles {
		if r.TrustedUsers != nil {
			t.Errorf("%s names users in account mode: %v", r.Key(), r.TrustedUsers)
		}
	}
}

func TestClosedTrustNamesTheMembersOfEveryGroupGrantedTheDefinition(t *testing.T) {
	t.Parallel()
	org := `{
  "masterAccountId": "012345678901",
  "security": {"trust": "members"},
  "accounts": {"dev": {"id": "345678901234"}, "prod": {"id": "123456789012"}},
  "roles": {
    "ReadOnly": {"accounts": ["dev", "prod"]},
    "Breakglass": {"accounts": ["prod"], "destructive": true}
  },
  "groups": {
    "readers": {"roles": ["dev/ReadOnly"]},
    "oncall": {"roles": ["prod/Breakglass", "prod/ReadOnly"]}
  },
  "users": {
    "zoe": {"groups": ["readers"]},
    "ann": {"groups": ["oncall"], "create": true, "path": "/staff/"}
  }
}`
	l := mustLoad(t, org)
	names := func(r *Role) []string {
		var out []string
		for _, u := range r.TrustedUsers {
			out = append(out, u.ARN)
		}
		return out
	}
	both := []string{"arn:aws:iam::012345678901:user/staff/ann", "arn:aws:iam::012345678901:user/zoe"}
	for key, want := range map[string][]string{
		// One trust per definition: both placements name both groups'
		// members, though each group is granted one placement.
		"dev/ReadOnly":    both,
		"prod/ReadOnly":   both,
		"prod/Breakglass": {"arn:aws:iam::012345678901:user/staff/ann"},
	} {
		if got := names(l.Role(key)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s trusts %v, want %v", key, got, want)
		}
	}
}

func TestClosedTrustRefusesWhatItCannotNameAllAtOnce(t *testing.T) {
	t.Parallel()
	org := `{
  "masterAccountId": "012345678901",
  "security": {"trust": "members"},
  "accounts": {"prod": {"id": "123456789012"}},
  "roles": {
    "Orphan": {"accounts": ["prod"]},
    "Shared": {"accounts": ["prod"]},
    "Vendor": {"accounts": ["prod"], "externalId": "vendor-1", "trustedAccounts": ["999999999999"]}
  },
  "groups": {
    "empty": {"roles": ["Shared"]},
    "platform": {"roles": ["Shared"], "managedBy": "organization/iam-layout/root"}
  },
  "users": {}
}`
	_, err := Load([]byte(org))
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ConfigError", err)
	}
	got := map[string]string{}
	for _, p := range ce.Problems {
		got[p.Path] = p.Message
	}
	for path, want := range map[string]string{
		"roles.Orphan":              "under security.trust: members its trust would name nobody",
		"roles.Shared":              "no user of this file is in a group granted it",
		"groups.platform.managedBy": "this group's members are declared in stack organization/iam-layout/root",
	} {
		if !strings.Contains(got[path], want) {
			t.Errorf("%s: %q, want it to say %q (all problems: %v)", path, got[path], want, ce.Problems)
		}
	}
	if msg, ok := got["roles.Vendor"]; ok {
		t.Errorf("Vendor is trusted by a third party and needs no member, but: %s", msg)
	}
}

func TestTrustModeIsOneOfTheKnownOnes(t *testing.T) {
	t.Parallel()
	_, err := Load([]byte(withSecurity(minimal, `{"trust": "people"}`)))
	if err == nil || !strings.Contains(err.Error(), `security.trust: "people" is not one of account, members`) {
		t.Errorf("err = %v", err)
	}
}

func TestClosedTrustTestersNeedMembers(t *testing.T) {
	t.Parallel()
	org := `{
  "masterAccountId": "012345678901",
  "security": {"trust": "members"},
  "accounts": {"qa": {"id": "234567890123"}},
  "groups": {"testers": {"roles": []}},
  "users": {},
  "workloads": {
    "Deployer": {
      "ci": "github", "repository": "acme/app", "accounts": ["qa"], "branches": ["main"],
      "groups": ["testers"],
      "role": {"managedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}
    }
  }
}`
	_, err := Load([]byte(org))
	if err == nil || !strings.Contains(err.Error(), "workloads.Deployer.groups: under security.trust: members the testers' trust statement names their groups' members, and no user of this file is in testers") {
		t.Errorf("err = %v", err)
	}
}
