package tests

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Without the opt-in nothing but the non-exclusive per-user memberships
// touch a group's members: an exclusive GroupMembership would evict people
// added outside the stack.
func TestWithoutTheOptInNoGroupMembershipIsRegistered(t *testing.T) {
	t.Parallel()
	res := mustRun(t, devConfig(t))
	if got := res.ofType(typeGroupMembership); len(got) != 0 {
		t.Errorf("registered %d GroupMemberships: %v", len(got), got)
	}
}

// With the opt-in, the group gets one membership that the engine deletes
// before the group (it depends on it) and whose delete removes every member
// in its state; its user list is frozen so that it never evicts anyone
// while the group lives.
func TestRemoveMembersOnDeleteRegistersAFrozenMembershipOfTheGroup(t *testing.T) {
	t.Parallel()
	res := mustRun(t, mutate(t, func(o map[string]any) {
		obj(o, "groups", "alfie-developers")["removeMembersOnDelete"] = true
	}))
	got := res.ofType(typeGroupMembership)
	if len(got) != 1 {
		t.Fatalf("registered %d GroupMemberships, want 1 (alfie-developers only)", len(got))
	}
	m := got[0]
	if m.Name != "alfie-developers/members" || m.str("name") != "alfie-developers/members" {
		t.Errorf("membership named %q (label %q)", m.Name, m.str("name"))
	}
	// docs/guardrails.md tells how to forget it by this URN.
	if want := "urn:pulumi:dev::iam-layout::iam-layout:organization:People$aws:iam/groupMembership:GroupMembership::alfie-developers/members"; m.URN != want {
		t.Errorf("URN %s, want %s", m.URN, want)
	}
	if m.str("group") != "alfie-developers" || m.AccountID != seedMaster || m.ProviderID != "" {
		t.Errorf("membership of group %q in account %s (provider %q), want alfie-developers in the management account", m.str("group"), m.AccountID, m.ProviderID)
	}
	var users []string
	for _, u := range m.Inputs["users"].ArrayValue() {
		users = append(users, u.StringValue())
	}
	slices.Sort(users)
	if want := []string{"alice", "bob", "carol"}; !reflect.DeepEqual(users, want) {
		t.Errorf("users = %v, want the declared members %v", users, want)
	}
	if !reflect.DeepEqual(m.IgnoreChanges, []string{"users"}) {
		t.Errorf("ignoreChanges = %v, want [users]: otherwise it would evict members added elsewhere", m.IgnoreChanges)
	}
	if m.Protect || m.RetainOnDelete {
		t.Errorf("protect %v, retainOnDelete %v: its delete is the point", m.Protect, m.RetainOnDelete)
	}
	// Deleted before the group, and created after the users the stack
	// creates (alice, bob), whom it adds.
	group, _ := res.named(typeGroup, "alfie-developers")
	if !slices.Contains(m.InputDeps["group"], group.URN) {
		t.Errorf("group input depends on %v, not on the group %s", m.InputDeps["group"], group.URN)
	}
	for _, name := range []string{"alice", "bob"} {
		user, _ := res.named(typeUser, name)
		if !slices.Contains(m.InputDeps["users"], user.URN) {
			t.Errorf("users input does not wait for the created user %s", name)
		}
	}
	if people := res.ofType(typePeople); len(people) != 1 || m.Parent != people[0].URN {
		t.Errorf("parent %s, want the people component", m.Parent)
	}
}

func TestRemoveMembersOnDeleteFollowsARenamedGroup(t *testing.T) {
	t.Parallel()
	res := mustRun(t, mutate(t, func(o map[string]any) {
		groups := obj(o, "groups")
		g := obj(groups, "alfie-operators")
		g["removeMembersOnDelete"] = true
		g["aliases"] = []any{"alfie-oncall"}
	}))
	got := res.ofType(typeGroupMembership)
	if len(got) != 1 || !reflect.DeepEqual(got[0].AliasNames, []string{"alfie-oncall/members"}) {
		t.Errorf("memberships %v, want one answering to alfie-oncall/members", got)
	}
}

func TestRemoveMembersOnDeleteIsRefusedWhereItCannotWork(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		change func(o map[string]any)
		want   string
	}{
		"a group without a declared member": {
			change: func(o map[string]any) {
				obj(o, "groups")["auditors"] = map[string]any{"roles": []any{"AlfieReadOnly"}, "removeMembersOnDelete": true}
			},
			want: "groups.auditors.removeMembersOnDelete: the group has no member under users",
		},
		"a group owned by another stack": {
			change: func(o map[string]any) {
				obj(o, "groups")["platform"] = map[string]any{
					"roles": []any{"AlfieReadOnly"}, "managedBy": "organization/iam-layout/root", "removeMembersOnDelete": true,
				}
			},
			want: "groups.platform.removeMembersOnDelete: belongs to the stack that owns the group",
		},
		"not a boolean": {
			change: func(o map[string]any) { obj(o, "groups", "alfie-operators")["removeMembersOnDelete"] = "yes" },
			want:   "groups.alfie-operators.removeMembersOnDelete:",
		},
		"a typo": {
			change: func(o map[string]any) { obj(o, "groups", "alfie-operators")["removeMemberOnDelete"] = true },
			want:   `(did you mean "removeMembersOnDelete"?)`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := run(t, mutate(t, tc.change))
			if res.Err == nil || !strings.Contains(res.Err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant it to say %q", res.Err, tc.want)
			}
			if len(res.Resources) != 0 {
				t.Errorf("%d resources registered, want none", len(res.Resources))
			}
		})
	}
}
