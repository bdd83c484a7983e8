package policycheck

import (
	"encoding/json"
	"errors"
	"math/rand"
	"strings"
	"testing"

	"iam-layout/layout"
	"iam-layout/policies"
	"iam-layout/stacksets"
	"iam-layout/synthetic"
)

// planStackSets resolves a spec switched to stackSets delivery and plans
// its StackSets.
func planStackSets(t *testing.T, spec *layout.Spec) (*layout.Layout, *policies.Documents, []stacksets.StackSet) {
	t.Helper()
	spec.Delivery = layout.DeliverySpec{Mode: layout.DeliveryStackSets}
	l, docs := build(t, spec)
	sets, err := stacksets.Build(l, docs.Trust)
	if err != nil {
		t.Fatal(err)
	}
	return l, docs, sets
}

func TestStackSetPlansOfRandomLayoutsPassEveryRule(t *testing.T) {
	t.Parallel()
	for seed := int64(0); seed < 200; seed++ {
		l, docs, sets := planStackSets(t, synthetic.Random(rand.New(rand.NewSource(seed))))
		if err := CheckStackSets(l, docs, sets); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

// editTemplate rewrites the role of a template through a JSON round trip,
// as a bug in the template code would.
func editTemplate(t *testing.T, ss *stacksets.StackSet, edit func(props map[string]any)) {
	t.Helper()
	var tmpl map[string]any
	if err := json.Unmarshal([]byte(ss.Template), &tmpl); err != nil {
		t.Fatal(err)
	}
	edit(tmpl["Resources"].(map[string]any)[stacksets.RoleLogicalID].(map[string]any)["Properties"].(map[string]any))
	out, err := json.Marshal(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	ss.Template = string(out)
}

func statements(props map[string]any) []any {
	return props["AssumeRolePolicyDocument"].(map[string]any)["Statement"].([]any)
}

// TestCheckStackSetsCatchesEveryMutation breaks one thing at a time in the
// plan of an organization with MFA, third-party and plain roles: each must
// be caught, naming the StackSet or the administration role.
func TestCheckStackSetsCatchesEveryMutation(t *testing.T) {
	t.Parallel()
	find := func(sets []stacksets.StackSet, role string) *stacksets.StackSet {
		for i := range sets {
			if sets[i].RoleName == role {
				return &sets[i]
			}
		}
		t.Fatalf("no StackSet for %s", role)
		return nil
	}
	cases := map[string]struct {
		mutate func(l *layout.Layout, docs *policies.Documents, sets []stacksets.StackSet)
		want   string
	}{
		"MFA condition dropped from the trust": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			editTemplate(t, find(sets, "Breakglass"), func(p map[string]any) {
				delete(statements(p)[0].(map[string]any), "Condition")
			})
		}, "grants an MFA role without Bool aws:MultiFactorAuthPresent"},
		"a wildcard principal": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			editTemplate(t, find(sets, "ReadOnly"), func(p map[string]any) {
				statements(p)[0].(map[string]any)["Principal"] = map[string]any{"AWS": "*"}
			})
		}, `trusts the principal "*"`},
		"the external ID dropped": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			editTemplate(t, find(sets, "Vendor"), func(p map[string]any) {
				for _, st := range statements(p) {
					delete(st.(map[string]any), "Condition")
				}
			})
		}, `must require sts:ExternalId "vendor-id-1"`},
		"another role name": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			editTemplate(t, find(sets, "ReadOnly"), func(p map[string]any) { p["RoleName"] = "ReadWrite" })
		}, "role name is ReadWrite, declared ReadOnly"},
		"a longer session": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			editTemplate(t, find(sets, "Breakglass"), func(p map[string]any) { p["MaxSessionDuration"] = 43200 })
		}, "role max session is 43200, declared 3600"},
		"an extra managed policy": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			editTemplate(t, find(sets, "ReadOnly"), func(p map[string]any) {
				p["ManagedPolicyArns"] = []any{"arn:aws:iam::aws:policy/AdministratorAccess"}
			})
		}, "role managed policy list is [arn:aws:iam::aws:policy/AdministratorAccess], declared []"},
		"the destructive tag dropped": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			editTemplate(t, find(sets, "Breakglass"), func(p map[string]any) { delete(p, "Tags") })
		}, "role tags are map[], declared map[iam-layout:destructive:true]"},
		"an inline policy dropped": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			editTemplate(t, find(sets, "Breakglass"), func(p map[string]any) { delete(p, "Policies") })
		}, "inline policy rds is (none)"},
		"a second resource": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			ss := find(sets, "ReadOnly")
			ss.Template = strings.Replace(ss.Template, `"Resources":{`, `"Resources":{"Extra":{"Type":"AWS::SNS::Topic","Properties":{}},`, 1)
		}, "template holds 2 resources"},
		"an instance in an account the role is not placed in": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			ss := find(sets, "ReadOnly")
			ss.Instances = append(ss.Instances, stacksets.Instance{Key: "dev/ReadOnly", Account: l.Account("dev")})
		}, "has an instance in account dev, where role ReadOnly is not placed"},
		"a placement without an instance": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			ss := find(sets, "ReadOnly")
			ss.Instances = nil
		}, "has 0 instances in account prod, want 1"},
		"an administration role any StackSet may use": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			d.StackSetAdministration.Trust = strings.Replace(d.StackSetAdministration.Trust, "stackset/iam-layout-*", "stackset/*", 1)
		}, "must require aws:SourceArn"},
		"an administration role that may do more": {func(l *layout.Layout, d *policies.Documents, sets []stacksets.StackSet) {
			d.StackSetAdministration.Policy = strings.Replace(d.StackSetAdministration.Policy, `"sts:AssumeRole"`, `"sts:*"`, 1)
		}, `allows [sts:*], want only sts:AssumeRole`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec := mfaSpec()
			spec.Accounts["dev"] = layout.AccountSpec{ID: synthetic.AccountID(2)}
			spec.Roles["Breakglass"] = layout.RoleSpec{Accounts: []string{"prod"}, Destructive: true,
				InlinePolicies: map[string]json.RawMessage{"rds": json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds:StopDBInstance","Resource":"*"}]}`)}}
			l, docs, sets := planStackSets(t, spec)
			if err := CheckStackSets(l, docs, sets); err != nil {
				t.Fatalf("the unbroken plan fails: %v", err)
			}
			tc.mutate(l, docs, sets)
			err := CheckStackSets(l, docs, sets)
			var checkErr *Error
			if !errors.As(err, &checkErr) {
				t.Fatalf("not caught: err = %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error lacks %q:\n%v", tc.want, err)
			}
		})
	}
}
