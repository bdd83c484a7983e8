package tests

import (
	"testing"

	"iam-layout/layout"
	"iam-layout/policies"
)

// TestResourceCountFollowsTheLayoutWithNothingRedundant checks the count of
// every resource type against what the layout asks for: one provider and one
// component per account holding roles; per role the role, one attachment per
// managed policy and one inline policy per document; per group the group, a
// component, and one policy plus one attachment per assume-role document;
// per person one membership, and the user only when the stack owns it.
func TestResourceCountFollowsTheLayoutWithNothingRedundant(t *testing.T) {
	t.Parallel()
	spec := withPerUserOutputs(benchOrganization(60), false)
	l, err := layout.Resolve(spec)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := policies.Build(l)
	if err != nil {
		t.Fatal(err)
	}
	// One StackReference: the program reads its own previous outputs.
	want := map[string]int{typePeople: 1, typeStackReference: 1}
	for _, a := range l.Accounts {
		want[typeProvider]++
		want[typeAccount]++
		for _, r := range a.Roles {
			want[typeRole]++
			want[typeRoleAttachment] += len(r.ManagedPolicyARNs)
			want[typeRolePolicy] += len(r.InlinePolicies)
		}
	}
	for _, g := range l.Groups {
		want[typeGroup]++
		want[typeGroupComponent]++
		want[typePolicy] += len(docs.Groups[g.Name])
		want[typeGroupAttachment] += len(docs.Groups[g.Name]) + len(g.ManagedPolicyARNs)
	}
	for _, u := range l.Users {
		want[typeUserMembership]++
		if u.Create {
			want[typeUser]++
		}
	}
	res := mustRun(t, withOrganization(specJSON(spec)))
	got := map[string]int{}
	documents := map[string]string{}
	for _, r := range res.Resources {
		got[r.Type]++
		if r.Type == typePolicy {
			if other, dup := documents[r.str("policy")]; dup {
				t.Errorf("policies %s and %s hold the same document", other, r.Name)
			}
			documents[r.str("policy")] = r.Name
		}
	}
	for typ, n := range want {
		if got[typ] != n {
			t.Errorf("%s: %d registered, want %d", typ, got[typ], n)
		}
	}
	for typ := range got {
		if _, ok := want[typ]; !ok {
			t.Errorf("%s registered, but the layout asks for none", typ)
		}
	}
}
