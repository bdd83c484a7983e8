package tests

import (
	"fmt"
	"strings"
	"testing"

	"iam-layout/layout"
)

// mutate returns the dev organization changed by fn.
func mutate(t *testing.T, fn func(org map[string]any)) map[string]string {
	t.Helper()
	org := devOrganization(t)
	fn(org)
	return withOrganization(org)
}

func obj(v any, keys ...string) map[string]any {
	m := v.(map[string]any)
	for _, k := range keys {
		m = m[k].(map[string]any)
	}
	return m
}

func TestBadConfigIsRejectedWithItsPathAndRegistersNothing(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		change func(org map[string]any)
		want   []string
	}{
		"malformed account ID": {
			change: func(o map[string]any) { obj(o, "accounts", "qa")["id"] = "23456789012" },
			want:   []string{`accounts.qa.id: must be exactly 12 digits, got "23456789012"`},
		},
		"account ID given as a YAML number": {
			change: func(o map[string]any) { obj(o, "accounts", "qa")["id"] = 34567890123 },
			want:   []string{"accounts.qa.id: must be a quoted string of 12 digits, got the number 34567890123"},
		},
		"duplicate account IDs": {
			change: func(o map[string]any) { obj(o, "accounts", "qa")["id"] = "345678901234" },
			want:   []string{`accounts.qa.id: 345678901234 is already the ID of account "development"`},
		},
		"master ID as a number": {
			change: func(o map[string]any) { o["masterAccountId"] = 12345678901 },
			want:   []string{"masterAccountId: must be a quoted string of 12 digits"},
		},
		"unknown account in a role": {
			change: func(o map[string]any) { obj(o, "roles", "AlfieDeployment")["accounts"] = []any{"qa", "staging"} },
			want:   []string{`roles.AlfieDeployment.accounts: unknown account "staging"`},
		},
		"unknown role in a group": {
			change: func(o map[string]any) {
				obj(o, "groups", "alfie-developers")["roles"] = []any{"AlfieFullAccess", "AlfieReadOnlyy"}
			},
			want: []string{`groups.alfie-developers.roles[1]: unknown role "AlfieReadOnlyy" (did you mean "AlfieReadOnly"?)`},
		},
		"role not placed in the referenced account": {
			change: func(o map[string]any) {
				obj(o, "groups", "alfie-operators")["roles"] = []any{"qa/AlfieDatabaseShutdown"}
			},
			want: []string{`groups.alfie-operators.roles[0]: role "AlfieDatabaseShutdown" is not placed in account "qa"`},
		},
		"unknown group for a user": {
			change: func(o map[string]any) { obj(o, "users", "bob")["groups"] = []any{"alfie-devs"} },
			want:   []string{`users.bob.groups[0]: unknown group "alfie-devs"`},
		},
		"invalid role name": {
			change: func(o map[string]any) {
				roles := obj(o, "roles")
				roles["Alfie Read*Only"] = map[string]any{"accounts": []any{"production"}}
			},
			want: []string{`roles."Alfie Read*Only": role name "Alfie Read*Only" may only hold letters, digits and + = , . @ _ -`},
		},
		"role name too long": {
			change: func(o map[string]any) {
				obj(o, "roles")[strings.Repeat("R", 65)] = map[string]any{"accounts": []any{"production"}}
			},
			want: []string{"is 65 characters long, IAM allows at most 64"},
		},
		"invalid path": {
			change: func(o map[string]any) { obj(o, "roles", "AlfieReadOnly")["path"] = "alfie" },
			want:   []string{`roles.AlfieReadOnly.path: "alfie" must start and end with /`},
		},
		"max session too short": {
			change: func(o map[string]any) { obj(o, "roles", "AlfieReadOnly")["maxSessionDuration"] = 900 },
			want:   []string{"roles.AlfieReadOnly.maxSessionDuration: 900 is outside 3600-43200 seconds"},
		},
		"max session too long": {
			change: func(o map[string]any) { o["maxSessionDuration"] = 86400 },
			want:   []string{"maxSessionDuration: 86400 is outside 3600-43200 seconds"},
		},
		"group with nothing to assume": {
			change: func(o map[string]any) { obj(o, "groups", "alfie-operators")["roles"] = []any{} },
			want:   []string{"groups.alfie-operators.roles: the group has nothing to assume"},
		},
		"user in more than ten groups": {
			change: func(o map[string]any) {
				var names []any
				for i := 0; i < 11; i++ {
					name := "team-" + string(rune('a'+i))
					obj(o, "groups")[name] = map[string]any{"roles": []any{"AlfieReadOnly"}}
					names = append(names, name)
				}
				obj(o, "users", "bob")["groups"] = names
			},
			want: []string{"users.bob.groups: has 11 groups, IAM allows a user in at most 10"},
		},
		"more than ten managed policies on a role": {
			change: func(o map[string]any) {
				obj(o, "roles", "AlfieReadOnly")["managedPolicyArns"] = policyARNs(11)
			},
			want: []string{"roles.AlfieReadOnly.managedPolicyArns: has 11 policies, IAM attaches at most 10 to a role"},
		},
		"more than ten managed policies on a group": {
			change: func(o map[string]any) {
				obj(o, "groups", "alfie-developers")["managedPolicyArns"] = policyARNs(10)
			},
			want: []string{"groups.alfie-developers.managedPolicyArns: has 10 policies, but IAM attaches at most 10 to a group and 1 must go to the assume-role grants"},
		},
		"malformed policy ARN": {
			change: func(o map[string]any) {
				obj(o, "roles", "AlfieReadOnly")["managedPolicyArns"] = []any{"arn:aws:iam::aws:ReadOnlyAccess"}
			},
			want: []string{`roles.AlfieReadOnly.managedPolicyArns[0]: "arn:aws:iam::aws:ReadOnlyAccess" is not a managed policy ARN`},
		},
		"policy ARN of another partition": {
			change: func(o map[string]any) {
				obj(o, "roles", "AlfieReadOnly")["managedPolicyArns"] = []any{"arn:aws-cn:iam::aws:policy/ReadOnlyAccess"}
			},
			want: []string{`is in partition "aws-cn" but the organization is in "aws"`},
		},
		"malformed policy document": {
			change: func(o map[string]any) {
				obj(o, "roles", "AlfieDatabaseShutdown", "inlinePolicies")["rds-shutdown"] = map[string]any{
					"Version":   "2012-10-17",
					"Statement": []any{map[string]any{"Effect": "Permit", "Action": "rds:StopDBInstance"}},
				}
			},
			want: []string{
				`roles.AlfieDatabaseShutdown.inlinePolicies.rds-shutdown: policy document is malformed: Statement[0]: Effect must be Allow or Deny, got "Permit"; Statement[0]: needs exactly one of Resource and NotResource`,
			},
		},
		"policy document without a version": {
			change: func(o map[string]any) {
				obj(o, "roles", "AlfieDatabaseShutdown", "inlinePolicies")["rds-shutdown"] = `{"Statement":[]}`
			},
			want: []string{`Version must be "2012-10-17", got ""; Statement must hold at least one statement`},
		},
		"closed trust over the trust policy quota": {
			change: func(o map[string]any) {
				withTrust(layout.TrustMembers, layout.DeliveryProviders)(o)
				users := obj(o, "users")
				for i := 0; i < 60; i++ {
					users[fmt.Sprintf("engineer-%02d", i)] = map[string]any{"groups": []any{"alfie-developers"}}
				}
			},
			want: []string{"roles.AlfieReadOnly: the trust policy is", "over the quota of 2048 (quotas.trustPolicySize): under security.trust: members it names the 63 users of the groups granted AlfieReadOnly (alfie-developers), about", "ask AWS to raise the role trust policy length quota (4,096 at most) and set quotas.trustPolicySize", "or keep security.trust: account"},
		},
		"closed trust naming nobody": {
			change: func(o map[string]any) {
				withTrust(layout.TrustMembers, layout.DeliveryProviders)(o)
				obj(o, "users", "alice")["groups"] = []any{"alfie-developers"}
			},
			want: []string{"roles.AlfieDatabaseShutdown: under security.trust: members its trust would name nobody"},
		},
		"unknown key": {
			change: func(o map[string]any) { obj(o, "roles", "AlfieReadOnly")["destructve"] = true },
			want:   []string{`roles.AlfieReadOnly.destructve: unknown key (did you mean "destructive"?)`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := run(t, mutate(t, tc.change))
			if res.Err == nil {
				t.Fatal("the program accepted the bad config")
			}
			for _, want := range tc.want {
				if !strings.Contains(res.Err.Error(), want) {
					t.Errorf("error does not say %q:\n%v", want, res.Err)
				}
			}
			if len(res.Resources) != 0 {
				t.Errorf("%d resources were registered for an invalid config, want none (first: %s %s)", len(res.Resources), res.Resources[0].Type, res.Resources[0].Name)
			}
		})
	}
}

func policyARNs(n int) []any {
	var out []any
	for i := 0; i < n; i++ {
		out = append(out, "arn:aws:iam::aws:policy/Policy"+string(rune('A'+i)))
	}
	return out
}

func TestEveryProblemIsReportedInOneError(t *testing.T) {
	t.Parallel()
	res := run(t, mutate(t, func(o map[string]any) {
		obj(o, "accounts", "qa")["id"] = 234567890123
		obj(o, "roles", "AlfieReadOnly")["maxSessionDuration"] = 100
		obj(o, "groups", "alfie-operators")["roles"] = []any{}
		obj(o, "users", "bob")["groups"] = []any{"nobody"}
		o["mfaMaxAgeSeconds"] = "soon"
	}))
	if res.Err == nil {
		t.Fatal("accepted")
	}
	for _, path := range []string{
		"accounts.qa.id:", "roles.AlfieReadOnly.maxSessionDuration:", "groups.alfie-operators.roles:",
		"users.bob.groups[0]:", "mfaMaxAgeSeconds:",
	} {
		if !strings.Contains(res.Err.Error(), "\n  - "+path) {
			t.Errorf("error does not list %s:\n%v", path, res.Err)
		}
	}
	if !strings.Contains(res.Err.Error(), "(5 problems)") {
		t.Errorf("error should count 5 problems:\n%v", res.Err)
	}
	if len(res.Resources) != 0 {
		t.Errorf("%d resources registered, want none", len(res.Resources))
	}
}

func TestMissingOrganizationIsAConfigError(t *testing.T) {
	t.Parallel()
	res := run(t, map[string]string{"aws:region": "us-east-1"})
	if res.Err == nil || !strings.Contains(res.Err.Error(), "iam-layout:organization: is required") {
		t.Fatalf("err = %v", res.Err)
	}
	if len(res.Resources) != 0 {
		t.Errorf("%d resources registered, want none", len(res.Resources))
	}
}

func TestBadStackAWSSettingsAreReportedWithTheOrganizationsProblems(t *testing.T) {
	t.Parallel()
	cfg := mutate(t, func(o map[string]any) { obj(o, "accounts", "qa")["id"] = "1" })
	cfg["aws:skipCredentialsValidation"] = "yes please"
	cfg["aws:endpoints"] = `[{"iamm":"http://localhost:4566"}]`
	res := run(t, cfg)
	for _, want := range []string{"aws:skipCredentialsValidation: must be true or false", "aws:endpoints:", "accounts.qa.id:"} {
		if res.Err == nil || !strings.Contains(res.Err.Error(), want) {
			t.Errorf("error does not say %q: %v", want, res.Err)
		}
	}
	if len(res.Resources) != 0 {
		t.Errorf("%d resources registered, want none", len(res.Resources))
	}
}
