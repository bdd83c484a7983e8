package policies

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"iam-layout/layout"
	"iam-layout/synthetic"
)

func buildSpec(t *testing.T, spec *layout.Spec) (*layout.Layout, *Documents) {
	t.Helper()
	l, err := layout.Resolve(spec)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := Build(l)
	if err != nil {
		t.Fatal(err)
	}
	return l, docs
}

// resources returns the role ARNs a group's policies grant, by policy name.
func resources(t *testing.T, pols []GroupPolicy) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, p := range pols {
		var doc struct {
			Statement []struct{ Resource []string }
		}
		if err := json.Unmarshal([]byte(p.Document), &doc); err != nil {
			t.Fatal(err)
		}
		for _, st := range doc.Statement {
			out[p.Name] = append(out[p.Name], st.Resource...)
		}
	}
	return out
}

func TestLargeGroupsAreSplitUnderTheQuota(t *testing.T) {
	t.Parallel()
	_, docs := buildSpec(t, synthetic.Organization(synthetic.Options{Accounts: 1000, Groups: 20, Users: 10}))
	auditors := docs.Groups[synthetic.Auditors]
	if len(auditors) < 8 || len(auditors) > 10 {
		t.Fatalf("auditors read 1000 accounts in %d policies, want 8-10", len(auditors))
	}
	granted := map[string]int{}
	for _, arns := range resources(t, auditors) {
		for _, arn := range arns {
			granted[arn]++
		}
	}
	for _, p := range auditors {
		if size := layout.PolicySize(p.Document); size > layout.DefaultManagedPolicySize {
			t.Errorf("%s is %d characters, over %d", p.Name, size, layout.DefaultManagedPolicySize)
		}
	}
	if len(granted) != 1000 {
		t.Errorf("auditors are granted %d roles, want the 1000 ReadOnly roles", len(granted))
	}
	for arn, n := range granted {
		if n != 1 || !strings.HasSuffix(arn, ":role/ReadOnly") {
			t.Errorf("%s granted %d times", arn, n)
		}
	}
	if auditors[0].Name != "auditors-assume-roles" {
		t.Errorf("first policy is %s: the first keeps the unsuffixed name", auditors[0].Name)
	}
}

func TestAddingARoleChangesOnlyThePolicyItLandsIn(t *testing.T) {
	t.Parallel()
	// 600 accounts: the auditors' grants need several policies, with room.
	before := synthetic.Organization(synthetic.Options{Accounts: 600, Groups: 20, Users: 1})
	after := synthetic.Organization(synthetic.Options{Accounts: 601, Groups: 20, Users: 1})
	_, a := buildSpec(t, before)
	_, b := buildSpec(t, after)
	docsA, docsB := byName(a.Groups[synthetic.Auditors]), byName(b.Groups[synthetic.Auditors])
	if len(docsA) != len(docsB) {
		t.Fatalf("the inputs were chosen so the new role does not grow the split, but it grew from %d to %d policies", len(docsA), len(docsB))
	}
	changed := 0
	for name, doc := range docsA {
		if docsB[name] != doc {
			changed++
		}
	}
	if changed != 1 {
		t.Errorf("adding one role changed %d of %d policies, want 1", changed, len(docsA))
	}
}

func TestGrowingTheSplitOnlyMovesRolesIntoNewPolicies(t *testing.T) {
	t.Parallel()
	var prev map[string]string // role ARN -> policy name
	grew := 0
	// Up to 700 accounts the split has headroom; nearer the ceiling the
	// tight packing takes over (see splitGrants).
	for n := 100; n <= 700; n += 50 {
		_, docs := buildSpec(t, synthetic.Organization(synthetic.Options{Accounts: n, Groups: 20, Users: 1}))
		cur := map[string]string{}
		for name, arns := range resources(t, docs.Groups[synthetic.Auditors]) {
			for _, arn := range arns {
				cur[arn] = name
			}
		}
		if prev != nil {
			oldPolicies := map[string]bool{}
			for _, name := range prev {
				oldPolicies[name] = true
			}
			if len(setOf(cur)) > len(oldPolicies) {
				grew++
			}
			for arn, was := range prev {
				if now := cur[arn]; now != was && oldPolicies[now] {
					t.Errorf("at %d accounts %s moved from %s to the existing %s", n, arn, was, now)
				}
			}
		}
		prev = cur
	}
	if grew < 3 {
		t.Errorf("the split grew only %d times between 100 and 1000 accounts: the test did not exercise growth", grew)
	}
}

func TestAGroupBeyondTenPoliciesIsAConfigError(t *testing.T) {
	t.Parallel()
	l, err := layout.Resolve(synthetic.Organization(synthetic.Options{Accounts: 1500, Groups: 20, Users: 1}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(l)
	want := "groups.auditors.roles: grants 1500 roles, more than 10 managed policies of 6144 characters can hold"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v\nwant it to say %q", err, want)
	}
}

func TestDeclaredGroupPoliciesLeaveFewerSlotsForGrants(t *testing.T) {
	t.Parallel()
	spec := synthetic.Organization(synthetic.Options{Accounts: 400, Groups: 20, Users: 1})
	g := spec.Groups[synthetic.Auditors]
	for i := 0; i < 8; i++ {
		g.ManagedPolicyARNs = append(g.ManagedPolicyARNs, fmt.Sprintf("arn:aws:iam::aws:policy/P%d", i))
	}
	spec.Groups[synthetic.Auditors] = g
	l, err := layout.Resolve(spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(l); err == nil || !strings.Contains(err.Error(), "more than 2 managed policies") {
		t.Fatalf("err = %v, want the grants limited to the 2 free slots", err)
	}
}

func TestQuotasAreConfigurable(t *testing.T) {
	t.Parallel()
	spec := synthetic.Organization(synthetic.Options{Accounts: 40, Groups: 20, Users: 1})
	spec.Quotas.ManagedPolicySize = 1024
	_, docs := buildSpec(t, spec)
	if n := len(docs.Groups[synthetic.Auditors]); n < 2 {
		t.Errorf("with a 1024-character quota 40 grants fit in %d policy, want a split", n)
	}
	for _, p := range docs.Groups[synthetic.Auditors] {
		if layout.PolicySize(p.Document) > 1024 {
			t.Errorf("%s is over the configured quota", p.Name)
		}
	}
	// A trust policy with many third parties needs a raised trust quota.
	spec = synthetic.Organization(synthetic.Options{Accounts: 2, Groups: 20, Users: 1})
	var parties []string
	for i := 0; i < 60; i++ {
		parties = append(parties, fmt.Sprintf("9%011d", i))
	}
	spec.Roles["Vendor"] = layout.RoleSpec{Accounts: []string{synthetic.AccountName(0)}, ExternalID: "vendor-1", TrustedAccounts: parties}
	l, err := layout.Resolve(spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(l); err == nil || !strings.Contains(err.Error(), "over the quota of 2048 (quotas.trustPolicySize)") {
		t.Fatalf("err = %v", err)
	}
	spec.Quotas.TrustPolicySize = 4096
	buildSpec(t, spec)
}

func byName(pols []GroupPolicy) map[string]string {
	out := map[string]string{}
	for _, p := range pols {
		out[p.Name] = p.Document
	}
	return out
}

func setOf(m map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, v := range m {
		out[v] = true
	}
	return out
}
