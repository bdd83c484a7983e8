package layout

import (
	"strings"
	"testing"
)

func TestKebab(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"AlfieFullAccess": "alfie-full-access",
		"ReadOnly":        "read-only",
		"IAMAdmin":        "iam-admin",
		"s3_reader.v2":    "s3-reader-v2",
		"DBAdmin2":        "db-admin2",
		"A":               "a",
	} {
		if got := Kebab(in); got != want {
			t.Errorf("Kebab(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProfileNamesFollowTheTemplateAndMustBeUnique(t *testing.T) {
	t.Parallel()
	base := `{"masterAccountId":"012345678901",
	  "accounts":{"development":{"id":"345678901234"},"production":{"id":"123456789012","environment":"prod"}},
	  "roles":{"AlfieReadOnly":{"application":"alfie","accounts":["development","production"]}%s}%s}`
	l := mustLoad(t, strings.Replace(strings.Replace(base, "%s", "", 1), "%s", "", 1))
	got := map[string]string{}
	for _, r := range l.Roles {
		got[r.Key()] = r.ProfileName
	}
	if got["development/AlfieReadOnly"] != "alfie-development" || got["production/AlfieReadOnly"] != "alfie-production" {
		t.Errorf("profile names = %v", got)
	}
	cases := map[string]struct{ extraRole, extraTop, want string }{
		"clash": {
			extraRole: `,"AlfieDeploy":{"application":"alfie","accounts":["production"]}`,
			want:      `profiles: roles production/AlfieDeploy and production/AlfieReadOnly would share the profile name "alfie-production"`,
		},
		"template without account": {
			extraTop: `,"profiles":{"nameTemplate":"{application}"}`,
			want:     `roles development/AlfieReadOnly and production/AlfieReadOnly would share the profile name "alfie"`,
		},
		"unknown placeholder": {
			extraTop: `,"profiles":{"nameTemplate":"{app}-{account}"}`,
			want:     "profiles.nameTemplate: unknown placeholder {app}",
		},
		"both credential kinds": {
			extraTop: `,"profiles":{"sourceProfile":"me","credentialSource":"Environment"}`,
			want:     "profiles.credentialSource: set either sourceProfile or credentialSource, not both",
		},
		"bad credential source": {
			extraTop: `,"profiles":{"credentialSource":"Laptop"}`,
			want:     `profiles.credentialSource: "Laptop" is not one of Environment, Ec2InstanceMetadata, EcsContainer`,
		},
		"duration too short": {
			extraTop: `,"profiles":{"durationSeconds":300}`,
			want:     "profiles.durationSeconds: 300 is outside 900-43200 seconds",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			text := strings.Replace(strings.Replace(base, "%s", tc.extraRole, 1), "%s", tc.extraTop, 1)
			_, err := Load([]byte(text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to say %q", err, tc.want)
			}
		})
	}
}

func TestThirdPartyRolesNeedAnExternalID(t *testing.T) {
	t.Parallel()
	text := `{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111"}},
	  "roles":{"Vendor":{"accounts":["a"],"trustedAccounts":["999999999999","12"]},
	           "Short":{"accounts":["a"],"externalId":"x"}}}`
	_, err := Load([]byte(text))
	for _, want := range []string{
		"roles.Vendor.externalId: is required when trustedAccounts names a third party",
		`roles.Vendor.trustedAccounts[1]: must be exactly 12 digits, got "12"`,
		"roles.Short.externalId: must be 2-1224 characters",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
}
