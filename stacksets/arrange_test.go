package stacksets

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"iam-layout/layout"
	"iam-layout/synthetic"
)

// organization is n accounts (synthetic names and IDs) with two roles in
// each, delivered by StackSets; one group assumes a role of the first.
func organization(n int) *layout.Spec {
	s := &layout.Spec{
		MasterAccountID: synthetic.Master,
		Delivery:        layout.DeliverySpec{Mode: layout.DeliveryStackSets},
		Accounts:        map[string]layout.AccountSpec{},
		Groups:          map[string]layout.GroupSpec{"ops": {Roles: []string{synthetic.AccountName(0) + "/" + synthetic.ReadOnly}}},
	}
	all := make([]string, n)
	for i := range all {
		all[i] = synthetic.AccountName(i)
		s.Accounts[all[i]] = layout.AccountSpec{ID: synthetic.AccountID(i)}
	}
	s.Roles = map[string]layout.RoleSpec{synthetic.ReadOnly: {Accounts: all}, synthetic.Deployment: {Accounts: all}}
	return s
}

// family plans the ReadOnly family of organization(n), arranged with live.
func family(t *testing.T, n int, live Arrangement) StackSet {
	t.Helper()
	_, sets := plan(t, organization(n))
	Arrange(sets, nil, live)
	for _, ss := range sets {
		if ss.RoleName == synthetic.ReadOnly {
			return ss
		}
	}
	t.Fatal("no ReadOnly StackSet")
	return StackSet{}
}

// queues counts the instances of each StackSet of a family.
func queues(ss StackSet) map[string]int {
	out := map[string]int{}
	for _, in := range ss.Instances {
		out[in.StackSet]++
	}
	return out
}

// newIn counts, by StackSet, the instances of ss that live does not hold:
// the operations a deployment gives each StackSet.
func newIn(ss StackSet, live Arrangement) map[string]int {
	out := map[string]int{}
	for _, in := range ss.Instances {
		if _, ok := live[in.Key]; !ok {
			out[in.StackSet]++
		}
	}
	return out
}

func most(m map[string]int) int {
	n := 0
	for _, v := range m {
		n = max(n, v)
	}
	return n
}

// assertWellFormed: every instance is in one of its family's StackSets, and
// the family lists exactly the StackSets its instances use, first one
// first, each named as layout.ShardName names them.
func assertWellFormed(t *testing.T, ss StackSet) {
	t.Helper()
	if len(ss.Shards) == 0 || ss.Shards[0] != ss.Name {
		t.Fatalf("%s: shards %v do not start with the family's first StackSet", ss.Name, ss.Shards)
	}
	used := map[string]bool{ss.Name: true}
	for _, in := range ss.Instances {
		if layout.ShardNumber(ss.Name, in.StackSet) == 0 {
			t.Fatalf("%s: instance %s in %q, none of the family's", ss.Name, in.Key, in.StackSet)
		}
		used[in.StackSet] = true
	}
	if !slices.Equal(slices.Sorted(maps.Keys(used)), slices.Sorted(slices.Values(ss.Shards))) {
		t.Errorf("%s: shards %v, instances use %v", ss.Name, ss.Shards, slices.Sorted(maps.Keys(used)))
	}
}

func TestAFirstRollOutQueuesAtMostFiftyOperationsOnAnyStackSet(t *testing.T) {
	t.Parallel()
	cases := map[int]struct{ shards int }{
		20:   {1},
		32:   {1},
		33:   {2},
		100:  {4},
		1000: {32},
		3000: {128},
	}
	for n, tc := range cases {
		t.Run(fmt.Sprintf("accounts=%d", n), func(t *testing.T) {
			t.Parallel()
			ss := family(t, n, nil)
			assertWellFormed(t, ss)
			q := queues(ss)
			if len(q) != tc.shards || len(ss.Shards) != tc.shards {
				t.Errorf("%d StackSets used, %d listed, want %d", len(q), len(ss.Shards), tc.shards)
			}
			if m := most(q); m > MaxQueuedOperations {
				t.Errorf("a StackSet queues %d operations, over %d", m, MaxQueuedOperations)
			}
			again := family(t, n, nil)
			if !maps.Equal(Record([]StackSet{ss}, nil), Record([]StackSet{again}, nil)) {
				t.Error("planning the same organization twice arranged it differently")
			}
		})
	}
}

// TestGrowingNeverMovesALiveInstance grows a family in steps, each
// deployment handing its arrangement to the next: no instance ever changes
// StackSet, and each step queues at most MaxQueuedOperations on any
// StackSet, however large the step.
func TestGrowingNeverMovesALiveInstance(t *testing.T) {
	t.Parallel()
	live := Arrangement{}
	for _, n := range []int{3, 20, 21, 33, 100, 1000, 1001, 2500} {
		ss := family(t, n, live)
		assertWellFormed(t, ss)
		for _, in := range ss.Instances {
			if was, ok := live[in.Key]; ok && was != in.StackSet {
				t.Fatalf("growing to %d accounts moved %s from %s to %s", n, in.Key, was, in.StackSet)
			}
		}
		if m := most(newIn(ss, live)); m > MaxQueuedOperations {
			t.Errorf("growing to %d accounts queues %d operations on one StackSet", n, m)
		}
		live = Record([]StackSet{ss}, nil)
	}
	// Shrinking and growing back moves nothing either.
	for _, n := range []int{40, 2500} {
		ss := family(t, n, live)
		for _, in := range ss.Instances {
			if was, ok := live[in.Key]; ok && was != in.StackSet {
				t.Fatalf("resizing to %d accounts moved %s from %s to %s", n, in.Key, was, in.StackSet)
			}
		}
		live = Record([]StackSet{ss}, nil)
	}
}

// TestAStackFromBeforeSpreadingKeepsItsInstancesInItsOneStackSet: a stack
// deployed with one StackSet per definition hands over every instance in
// the family's first StackSet; new accounts go to new StackSets.
func TestAStackFromBeforeSpreadingKeepsItsInstancesInItsOneStackSet(t *testing.T) {
	t.Parallel()
	old := family(t, 1000, nil)
	live := Arrangement{}
	for _, in := range old.Instances {
		live[in.Key] = old.Name
	}
	ss := family(t, 1010, live)
	assertWellFormed(t, ss)
	for _, in := range ss.Instances {
		_, kept := live[in.Key]
		if kept && in.StackSet != ss.Name {
			t.Errorf("live %s moved to %s", in.Key, in.StackSet)
		}
	}
	if got := newIn(ss, live); most(got) > 2 || len(got) == 0 {
		t.Errorf("ten new accounts queue %v", got)
	}
}

// TestANewInstanceGoesWhereItsAccountHashesWhateverElseChanges: without a
// live arrangement (a first deployment that failed half-way and runs
// again), an account's StackSet depends on its ID and the family's size
// class only: removing an account or adding one moves nobody else.
func TestANewInstanceGoesWhereItsAccountHashesWhateverElseChanges(t *testing.T) {
	t.Parallel()
	base := Record([]StackSet{family(t, 1000, nil)}, nil)
	for _, n := range []int{990, 1000, 1020} {
		got := Record([]StackSet{family(t, n, nil)}, nil)
		for key, name := range got {
			if was, ok := base[key]; ok && was != name {
				t.Errorf("at %d accounts %s is in %s, at 1000 in %s", n, key, name, was)
			}
		}
	}
	// An account is in the same-numbered StackSet of every family.
	_, sets := plan(t, organization(200))
	number := map[string]int{}
	for _, ss := range sets {
		for _, in := range ss.Instances {
			n := layout.ShardNumber(ss.Name, in.StackSet)
			if was, ok := number[in.Account.Name]; ok && was != n {
				t.Errorf("%s: StackSet %d for %s, %d for another role", in.Account.Name, n, ss.RoleName, was)
			}
			number[in.Account.Name] = n
		}
	}
}

func TestLiveNamesOfAnotherFamilyOrNoneAreNotKept(t *testing.T) {
	t.Parallel()
	fresh := family(t, 100, nil)
	key := fresh.Instances[0].Key
	for name, live := range map[string]string{
		"another family's":   "iam-layout-Deployment-s3",
		"no StackSet's name": "iam-layout-ReadOnly-s0",
		"beyond MaxShards":   "iam-layout-ReadOnly-s9999",
	} {
		ss := family(t, 100, Arrangement{key: live})
		if got := ss.Instances[0].StackSet; got != fresh.Instances[0].StackSet {
			t.Errorf("%s name %s: instance in %s, want where a first deployment puts it (%s)", name, live, got, fresh.Instances[0].StackSet)
		}
	}
}

func TestOUInstancesStayInTheFamilysFirstStackSet(t *testing.T) {
	t.Parallel()
	s := spec()
	s.Delivery.StackSets = layout.StackSetsSpec{PermissionModel: layout.PermissionServiceManaged, OrganizationalUnitIDs: []string{"r-ab12"}}
	r := s.Roles["ReadOnly"]
	r.OrganizationalUnits = []string{"ou-ab12-11111111"}
	s.Roles["ReadOnly"] = r
	_, sets := plan(t, s)
	Arrange(sets, nil, Arrangement{"ReadOnly/ou-ab12-11111111": "iam-layout-ReadOnly-s7"})
	if in := sets[1].Instances[0]; in.OrganizationalUnit == "" || in.StackSet != "iam-layout-ReadOnly-s7" {
		t.Errorf("a live OU instance moved: %+v", in)
	}
	Arrange(sets, nil, nil)
	if in := sets[1].Instances[0]; in.StackSet != "iam-layout-ReadOnly" || !slices.Equal(sets[1].Shards, []string{"iam-layout-ReadOnly"}) {
		t.Errorf("a new OU instance in %s, shards %v", in.StackSet, sets[1].Shards)
	}
}
