package policycheck

import (
	"errors"
	"math/rand"
	"strings"
	"testing"

	"iam-layout/layout"
	"iam-layout/policies"
	"iam-layout/synthetic"
)

func TestRandomClosedTrustLayoutsPassEveryRule(t *testing.T) {
	t.Parallel()
	for seed := int64(0); seed < 500; seed++ {
		l, docs := build(t, synthetic.RandomMembers(rand.New(rand.NewSource(seed))))
		if _, err := Check(l, docs); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for key, text := range docs.Trust {
			if strings.Contains(text, layout.RootARN("aws", synthetic.Master)) {
				t.Fatalf("seed %d: %s trusts the management account's root under closed trust: %s", seed, key, text)
			}
		}
	}
}

// membersSpec is a closed-trust organization with an MFA role, a plain role
// granted to two groups and a third party's role.
func membersSpec() *layout.Spec {
	return &layout.Spec{
		MasterAccountID: synthetic.Master,
		Accounts:        map[string]layout.AccountSpec{"prod": {ID: synthetic.AccountID(1)}},
		Roles: map[string]layout.RoleSpec{
			"Breakglass": {Accounts: []string{"prod"}, Destructive: true},
			"ReadOnly":   {Accounts: []string{"prod"}},
			"Vendor":     {Accounts: []string{"prod"}, ExternalID: "vendor-id-1", TrustedAccounts: []string{"999999999999"}},
		},
		Groups: map[string]layout.GroupSpec{
			"oncall":  {Roles: []string{"Breakglass", "ReadOnly", "Vendor"}},
			"readers": {Roles: []string{"ReadOnly"}},
		},
		Users: map[string]layout.UserSpec{
			"ann": {Groups: []string{"oncall"}, Create: true},
			"ben": {Groups: []string{"readers"}},
		},
		Security: layout.SecuritySpec{Trust: layout.TrustMembers},
	}
}

func TestCheckHoldsClosedTrustsToExactlyTheDeclaredMembers(t *testing.T) {
	t.Parallel()
	const (
		ann      = `"arn:aws:iam::012345678901:user/ann"`
		ben      = `"arn:aws:iam::012345678901:user/ben"`
		root     = `"arn:aws:iam::012345678901:root"`
		outsider = `"arn:aws:iam::012345678901:user/admin"`
	)
	for name, tc := range map[string]struct {
		role   string
		break_ func(doc string) string
		want   string
	}{
		"the management account's root instead of the members": {"ReadOnly",
			func(d string) string { return strings.Replace(d, `[`+ann+`,`+ben+`]`, root, 1) },
			"who is not a declared member"},
		"the root beside the members": {"ReadOnly",
			func(d string) string { return strings.Replace(d, ann+`,`, ann+`,`+root+`,`, 1) },
			`trusts "arn:aws:iam::012345678901:root", who is not a declared member`},
		"a wildcard principal": {"ReadOnly",
			func(d string) string { return strings.Replace(d, ann+`,`, ann+`,"*",`, 1) },
			`trusts the principal "*"`},
		"an undeclared user": {"ReadOnly",
			func(d string) string { return strings.Replace(d, ann+`,`, ann+`,`+outsider+`,`, 1) },
			`trusts "arn:aws:iam::012345678901:user/admin", who is not a declared member of a group granted ReadOnly`},
		"a declared member left out": {"ReadOnly",
			func(d string) string { return strings.Replace(d, `[`+ann+`,`+ben+`]`, `[`+ann+`]`, 1) },
			"does not trust declared members arn:aws:iam::012345678901:user/ben"},
		"a condition an outsider could satisfy": {"ReadOnly",
			func(d string) string {
				return strings.Replace(d, `"Effect"`, `"Condition":{"StringEquals":{"aws:PrincipalTag/team":"oncall"}},"Effect"`, 1)
			},
			"puts StringEquals aws:PrincipalTag/team on the declared members"},
		"a principal of another kind": {"ReadOnly",
			func(d string) string {
				return strings.Replace(d, `{"AWS":`, `{"Service":"ec2.amazonaws.com","AWS":`, 1)
			},
			"trusts a Service principal"},
		"the MFA condition dropped from a destructive role": {"Breakglass",
			func(d string) string {
				return strings.Replace(d, `"Bool":{"aws:MultiFactorAuthPresent":"true"},`, ``, 1)
			},
			"grants an MFA role without Bool aws:MultiFactorAuthPresent"},
		"the third party's ExternalId dropped": {"Vendor",
			func(d string) string {
				return strings.Replace(d, `"StringEquals":{"sts:ExternalId":"vendor-id-1"}`, `"StringLike":{"sts:ExternalId":"*"}`, 1)
			},
			`must require sts:ExternalId "vendor-id-1"`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l, docs := build(t, membersSpec())
			if _, err := Check(l, docs); err != nil {
				t.Fatalf("the unbroken documents fail: %v", err)
			}
			key := "prod/" + tc.role
			broken := tc.break_(docs.Trust[key])
			if broken == docs.Trust[key] {
				t.Fatalf("the mutation changed nothing in %s", docs.Trust[key])
			}
			docs.Trust[key] = broken
			_, err := Check(l, docs)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want violations", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("violations do not say %q:\n%v", tc.want, err)
			}
		})
	}
}

func TestClosedTrustNamesEveryMemberOfAnyGroupGrantedTheDefinition(t *testing.T) {
	t.Parallel()
	l, docs := build(t, membersSpec())
	for key, want := range map[string][]string{
		"prod/ReadOnly":   {"arn:aws:iam::012345678901:user/ann", "arn:aws:iam::012345678901:user/ben"},
		"prod/Breakglass": {"arn:aws:iam::012345678901:user/ann"},
		"prod/Vendor":     {"arn:aws:iam::012345678901:user/ann", "arn:aws:iam::999999999999:root"},
	} {
		text := docs.Trust[key]
		for _, arn := range want {
			if !strings.Contains(text, `"`+arn+`"`) {
				t.Errorf("%s does not name %s: %s", key, arn, text)
			}
		}
		if strings.Contains(text, policies.SidTrustManagementAccount) {
			t.Errorf("%s still trusts the management account: %s", key, text)
		}
	}
	if r := l.Role("prod/Vendor"); len(r.TrustedUsers) != 1 {
		t.Errorf("Vendor's trusted users = %v", r.TrustedUsers)
	}
}
