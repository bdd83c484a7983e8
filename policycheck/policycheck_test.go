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

func build(t *testing.T, spec *layout.Spec) (*layout.Layout, *policies.Documents) {
	t.Helper()
	l, err := layout.Resolve(spec)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := policies.Build(l)
	if err != nil {
		t.Fatal(err)
	}
	return l, docs
}

func TestRandomLayoutsPassEveryRule(t *testing.T) {
	t.Parallel()
	n := 500
	if testing.Short() {
		n = 50
	}
	for seed := int64(0); seed < int64(n); seed++ {
		l, docs := build(t, synthetic.Random(rand.New(rand.NewSource(seed))))
		if _, err := Check(l, docs); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

func TestLargeOrganizationPassesEveryRule(t *testing.T) {
	t.Parallel()
	l, docs := build(t, synthetic.Organization(synthetic.Options{Accounts: 1000, Groups: 20, Users: 500}))
	res, err := Check(l, docs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Unreachable) != 0 {
		t.Errorf("unreachable roles in the regular organization: %v", res.Unreachable[:min(5, len(res.Unreachable))])
	}
}

// mfaSpec is an organization with one MFA role, one plain role, a third
// party and the session-name option: every rule has something to bite on.
func mfaSpec() *layout.Spec {
	return &layout.Spec{
		MasterAccountID: synthetic.Master,
		Accounts:        map[string]layout.AccountSpec{"prod": {ID: synthetic.AccountID(1)}},
		Roles: map[string]layout.RoleSpec{
			"Breakglass": {Accounts: []string{"prod"}, Destructive: true},
			"ReadOnly":   {Accounts: []string{"prod"}},
			"Vendor":     {Accounts: []string{"prod"}, ExternalID: "vendor-id-1", TrustedAccounts: []string{"999999999999"}},
			"Orphan":     {Accounts: []string{"prod"}},
		},
		Groups:   map[string]layout.GroupSpec{"oncall": {Roles: []string{"Breakglass", "ReadOnly", "Vendor"}}},
		Security: layout.SecuritySpec{RequireSessionNameMatchesUser: true},
	}
}

func TestCheckReportsUnreachableRoles(t *testing.T) {
	t.Parallel()
	l, docs := build(t, mfaSpec())
	res, err := Check(l, docs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Unreachable) != 1 || res.Unreachable[0] != "prod/Orphan" {
		t.Errorf("unreachable = %v, want [prod/Orphan]", res.Unreachable)
	}
}

func TestCheckCatchesEveryKindOfWideningMutation(t *testing.T) {
	t.Parallel()
	const master = `arn:aws:iam::012345678901:root`
	cases := map[string]struct {
		mutate func(d *policies.Documents)
		rule   string
	}{
		"wildcard principal": {
			mutate: func(d *policies.Documents) { replaceTrust(d, "prod/ReadOnly", `"`+master+`"`, `"*"`) },
			rule:   `trusts the principal "*"`,
		},
		"principal of an undeclared account": {
			mutate: func(d *policies.Documents) { replaceTrust(d, "prod/ReadOnly", "012345678901", "111122223333") },
			rule:   `trusts "arn:aws:iam::111122223333:root", wider than the management account`,
		},
		"MFA role without the MFA age": {
			mutate: func(d *policies.Documents) {
				replaceTrust(d, "prod/Breakglass", `,"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}`, "")
			},
			rule: "grants an MFA role without NumericLessThan aws:MultiFactorAuthAge 3600",
		},
		"MFA via BoolIfExists in an Allow": {
			mutate: func(d *policies.Documents) { replaceTrust(d, "prod/Breakglass", `"Bool":`, `"BoolIfExists":`) },
			rule:   "uses BoolIfExists on aws:MultiFactorAuthPresent in an Allow",
		},
		"third party without its external ID": {
			mutate: func(d *policies.Documents) { replaceTrust(d, "prod/Vendor", `"vendor-id-1"`, `"other"`) },
			rule:   `must require sts:ExternalId "vendor-id-1"`,
		},
		"trust allows another sts action": {
			mutate: func(d *policies.Documents) {
				replaceTrust(d, "prod/ReadOnly", `"Action":"sts:AssumeRole"`, `"Action":["sts:AssumeRole","sts:*"]`)
			},
			rule: `allows "sts:*", not one of the organization's assume actions`,
		},
		"group grant on Resource *": {
			mutate: func(d *policies.Documents) {
				replaceGroup(d, `"Resource":["arn:aws:iam::100000000001:role/ReadOnly","arn:aws:iam::100000000001:role/Vendor"]`, `"Resource":"*"`)
			},
			rule: `allows an sts action on Resource "*"`,
		},
		"group grant missing a declared role": {
			mutate: func(d *policies.Documents) {
				replaceGroup(d, `"arn:aws:iam::100000000001:role/ReadOnly",`, ``)
			},
			rule: "do not grant declared roles arn:aws:iam::100000000001:role/ReadOnly",
		},
		"group grant of an undeclared role": {
			mutate: func(d *policies.Documents) {
				replaceGroup(d, `"arn:aws:iam::100000000001:role/ReadOnly"`, `"arn:aws:iam::100000000001:role/ReadOnly","arn:aws:iam::100000000001:role/Orphan"`)
			},
			rule: `grants "arn:aws:iam::100000000001:role/Orphan", which the group was not declared to assume`,
		},
		"group grant of an MFA role without MFA": {
			mutate: func(d *policies.Documents) {
				replaceGroup(d, `"Bool":{"aws:MultiFactorAuthPresent":"true"},`, ``)
			},
			rule: `grants an MFA role without Bool aws:MultiFactorAuthPresent "true"`,
		},
		"group grant without the session-name pin": {
			mutate: func(d *policies.Documents) { replaceGroup(d, `${aws:username}`, `anyone`) },
			rule:   "must require sts:RoleSessionName = ${aws:username}",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l, docs := build(t, mfaSpec())
			tc.mutate(docs)
			_, err := Check(l, docs)
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("the mutation was not caught: err = %v", err)
			}
			if !strings.Contains(err.Error(), tc.rule) {
				t.Errorf("error does not name the rule %q:\n%v", tc.rule, err)
			}
		})
	}
}

func replaceTrust(d *policies.Documents, key, old, new string) {
	if !strings.Contains(d.Trust[key], old) {
		panic("mutation does not apply to " + d.Trust[key])
	}
	d.Trust[key] = strings.Replace(d.Trust[key], old, new, 1)
}

func replaceGroup(d *policies.Documents, old, new string) {
	p := &d.Groups["oncall"][0]
	if !strings.Contains(p.Document, old) {
		panic("mutation does not apply to " + p.Document)
	}
	p.Document = strings.Replace(p.Document, old, new, 1)
}
