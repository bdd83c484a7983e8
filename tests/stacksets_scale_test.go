package tests

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"iam-layout/layout"
	"iam-layout/stacksets"
	"iam-layout/synthetic"
)

// thousand is the regular organization of n accounts (3 role definitions in
// every account) in stackSets delivery.
func thousand(n int) map[string]string {
	return withOrganization(specJSON(withPerUserOutputs(withStackSets(synthetic.Organization(synthetic.Options{Accounts: n, Groups: 20, Users: 50, Seed: 3})), false)))
}

// queue is the longest run of instance operations one StackSet of a run
// gets, and that StackSet.
func queue(res *result) (string, int) {
	name, most := "", 0
	for _, s := range slices.Sorted(maps.Keys(res.InstanceOps)) {
		if n := res.InstanceOps[s]; n > most {
			name, most = s, n
		}
	}
	return name, most
}

// TestAThousandAccountsRollOutInParallelAcrossStackSets is the issue's
// bound: the first `pulumi up` of a 1,000-account organization with three
// role definitions in every account gives no StackSet more than 50 instance
// operations to run one after another; every placement is still one
// instance named after its account, protected and retained as the account
// says, timed for its own StackSet's queue.
func TestAThousandAccountsRollOutInParallelAcrossStackSets(t *testing.T) {
	t.Parallel()
	res := deploy(t, thousand(1000), nil).res
	if name, most := queue(res); most > stacksets.MaxQueuedOperations {
		t.Errorf("StackSet %s runs %d instance operations one after another, more than %d", name, most, stacksets.MaxQueuedOperations)
	}
	total := 0
	for _, n := range res.InstanceOps {
		total += n
	}
	instances := res.ofType(typeStackSetInst)
	if total != 3000 || len(instances) != 3000 {
		t.Errorf("%d instance operations, %d instances: want one per placement (3,000)", total, len(instances))
	}
	if got := len(res.ofType(typeStackSet)); got != 3*32 {
		t.Errorf("%d StackSets, want 32 for each of the 3 definitions", got)
	}
	for _, in := range instances {
		account, role, _ := strings.Cut(in.Name, "/")
		if !strings.HasPrefix(account, "acct-") || !slices.Contains([]string{synthetic.ReadOnly, synthetic.Deployment, synthetic.DatabaseShutdown}, role) {
			t.Fatalf("instance %q is not named after its account and role", in.Name)
		}
		want := max(30*time.Minute, time.Duration(res.InstanceOps[in.str("stackSetName")])*3*time.Minute).String()
		if in.CreateTimeout != want || in.DeleteTimeout != want {
			t.Fatalf("%s in %s (%d instances): timeouts %s/%s, want %s", in.Name, in.str("stackSetName"), res.InstanceOps[in.str("stackSetName")], in.CreateTimeout, in.DeleteTimeout, want)
		}
	}
	// The arrangement is exported for the next deployment: every instance.
	arranged := res.Exports["stackSets"].(map[string]any)
	if got := arranged["instances"].(map[string]any); len(got) != 3000 || arranged["permissionModel"] != layout.PermissionSelfManaged {
		t.Errorf("stackSets output: %d instances, model %v", len(got), arranged["permissionModel"])
	}
}

// pairing is two deployments' resources matched by URN.
type pairing struct {
	// both holds, for each resource of both, its earlier and later record.
	both           [][2]recorded
	added, dropped []string
}

// pairUp matches the resources of two deployments by URN.
func pairUp(before, after *deployment) pairing {
	return pairResults(before.res, after.res)
}

// pairResults matches the resources of two runs by URN.
func pairResults(before, after *result) pairing {
	var p pairing
	old := map[string]recorded{}
	for _, r := range before.Resources {
		old[r.URN] = r
	}
	for _, r := range after.Resources {
		prev, ok := old[r.URN]
		delete(old, r.URN)
		if !ok {
			p.added = append(p.added, r.Type+" "+r.Name)
			continue
		}
		p.both = append(p.both, [2]recorded{prev, r})
	}
	for _, r := range old {
		p.dropped = append(p.dropped, r.Type+" "+r.Name)
	}
	slices.Sort(p.added)
	slices.Sort(p.dropped)
	return p
}

// changes compares two deployments: resources added and dropped, and those
// whose inputs changed.
func changes(t *testing.T, before, after *deployment) (added, dropped, changed []string) {
	t.Helper()
	p := pairUp(before, after)
	for _, b := range p.both {
		if b[1].Type != typeStackReference && canonical(t, b[0].Inputs) != canonical(t, b[1].Inputs) {
			changed = append(changed, b[1].Type+" "+b[1].Name)
		}
	}
	slices.Sort(changed)
	return p.added, p.dropped, changed
}

// onlyGrants keeps what is not a group's assume-role policy: the one thing
// that must change when a placement comes or goes is the grant naming it.
func onlyGrants(list []string) []string {
	var out []string
	for _, s := range list {
		if !strings.HasPrefix(s, typePolicy+" ") && !strings.HasPrefix(s, typeGroupAttachment+" ") {
			out = append(out, s)
		}
	}
	return out
}

// TestAddingOrRemovingAnAccountAtAThousandTouchesOnlyItsPlacements: one
// account more is one new instance per role, in the StackSet its account
// ID hashes to; one account less drops its instances; no other StackSet or
// instance changes, and the previews show nothing else of StackSets.
func TestAddingOrRemovingAnAccountAtAThousandTouchesOnlyItsPlacements(t *testing.T) {
	t.Parallel()
	first := deploy(t, thousand(1000), nil)
	cases := map[string]struct {
		accounts       int
		added, dropped []string
	}{
		"an account added": {1001, []string{
			typeStackSetInst + " acct-1000/" + synthetic.DatabaseShutdown,
			typeStackSetInst + " acct-1000/" + synthetic.Deployment,
			typeStackSetInst + " acct-1000/" + synthetic.ReadOnly,
		}, nil},
		"an account removed": {999, nil, []string{
			typeStackSetInst + " acct-0999/" + synthetic.DatabaseShutdown,
			typeStackSetInst + " acct-0999/" + synthetic.Deployment,
			typeStackSetInst + " acct-0999/" + synthetic.ReadOnly,
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			next := deploy(t, thousand(tc.accounts), first)
			added, dropped, changed := changes(t, first, next)
			if got := onlyGrants(added); !slices.Equal(got, tc.added) {
				t.Errorf("added %v, want %v", got, tc.added)
			}
			if got := onlyGrants(dropped); !slices.Equal(got, tc.dropped) {
				t.Errorf("dropped %v, want %v", got, tc.dropped)
			}
			if got := onlyGrants(changed); len(got) != 0 {
				t.Errorf("changed %v: only the grants naming the account's roles may change", got)
			}
			if ops := total(next.res.InstanceOps) - total(first.res.InstanceOps); ops != len(tc.added)-len(tc.dropped) {
				t.Errorf("%d instance operations more than the first deployment's", ops)
			}
			for _, a := range tc.added {
				in, _ := next.res.named(typeStackSetInst, strings.TrimPrefix(a, typeStackSetInst+" "))
				if n := layout.ShardNumber(layout.StackSetName(strings.SplitN(in.Name, "/", 2)[1], ""), in.str("stackSetName")); n < 1 {
					t.Errorf("%s went to %s, none of its definition's StackSets", in.Name, in.str("stackSetName"))
				}
			}
		})
	}
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestGrowingFromTwentyToAThousandAccountsMovesNoInstance: a stack that
// started with one StackSet per definition keeps its instances there as
// the organization grows in one step to a thousand accounts; the new ones
// spread out, at most 50 to a StackSet.
func TestGrowingFromTwentyToAThousandAccountsMovesNoInstance(t *testing.T) {
	t.Parallel()
	small := deploy(t, thousand(20), nil)
	if got := len(small.res.ofType(typeStackSet)); got != 3 {
		t.Fatalf("20 accounts: %d StackSets, want one per definition", got)
	}
	large := deploy(t, thousand(1000), small)
	_, dropped, changed := changes(t, small, large)
	if len(onlyGrants(dropped)) > 0 || len(onlyGrants(changed)) > 0 {
		t.Errorf("growing dropped %v and changed %v", onlyGrants(dropped), onlyGrants(changed))
	}
	// This deployment's queue on each StackSet: the instances it adds.
	queued := map[string]int{}
	for _, in := range large.res.ofType(typeStackSetInst) {
		if _, ok := small.res.byURN(in.URN); !ok {
			queued[in.str("stackSetName")]++
		}
	}
	for s, n := range queued {
		if n > stacksets.MaxQueuedOperations {
			t.Errorf("growing queues %d operations on %s", n, s)
		}
	}
}

// TestAStackDeployedBeforeSpreadingMovesNoInstance is moving a live
// stackSets stack to the new arrangement: its outputs have no stackSets
// arrangement, and every instance it has stays in its definition's one
// StackSet; only new accounts go elsewhere.
func TestAStackDeployedBeforeSpreadingMovesNoInstance(t *testing.T) {
	t.Parallel()
	// The deployment before: one StackSet per definition held them all.
	before := deploy(t, thousand(1000), nil)
	legacy := map[string]any{}
	for k, v := range before.outputs {
		if k != "stackSets" {
			legacy[k] = v
		}
	}
	next := deploy(t, thousand(1001), &deployment{res: before.res, outputs: legacy})
	for _, in := range next.res.ofType(typeStackSetInst) {
		base := layout.StackSetName(strings.SplitN(in.Name, "/", 2)[1], "")
		if !strings.HasPrefix(in.Name, "acct-1000/") && in.str("stackSetName") != base {
			t.Fatalf("%s moved from %s, its definition's one StackSet, to %s", in.Name, base, in.str("stackSetName"))
		}
	}
	for _, role := range []string{synthetic.ReadOnly, synthetic.Deployment, synthetic.DatabaseShutdown} {
		if n := next.res.InstanceOps[layout.StackSetName(role, "")]; n < 1000 {
			t.Errorf("%s's first StackSet holds %d instances, want the 1,000 it had", role, n)
		}
	}
	arranged := next.outputs["stackSets"].(map[string]any)["instances"].(map[string]any)
	if len(arranged) != 3003 {
		t.Errorf("the next deployment exports %d instances' StackSets, want 3,003", len(arranged))
	}
}

// TestChangingARoleAtAThousandUpdatesEachOfItsStackSetsOnly: a changed
// role definition is one template, sent to each of its 32 StackSets (one
// update operation each, side by side); no instance changes, and no other
// definition's StackSet.
func TestChangingARoleAtAThousandUpdatesEachOfItsStackSetsOnly(t *testing.T) {
	t.Parallel()
	first := deploy(t, thousand(1000), nil)
	spec := withPerUserOutputs(withStackSets(synthetic.Organization(synthetic.Options{Accounts: 1000, Groups: 20, Users: 50, Seed: 3})), false)
	r := spec.Roles[synthetic.Deployment]
	r.ManagedPolicyARNs = append(r.ManagedPolicyARNs, "arn:aws:iam::aws:policy/AWSCodeDeployFullAccess")
	spec.Roles[synthetic.Deployment] = r
	next := deploy(t, withOrganization(specJSON(spec)), first)
	added, dropped, changed := changes(t, first, next)
	if len(added) > 0 || len(dropped) > 0 {
		t.Errorf("added %v, dropped %v", added, dropped)
	}
	if len(changed) != 32 {
		t.Errorf("%d resources changed, want the 32 StackSets of %s: %v", len(changed), synthetic.Deployment, changed)
	}
	for _, c := range changed {
		name := strings.TrimPrefix(c, typeStackSet+" ")
		if name == c || (name != synthetic.Deployment && layout.ShardNumber(synthetic.Deployment, name) < 2) {
			t.Errorf("changed %s", c)
		}
	}
	diffs, _, _ := rePreview(t, first, next, true)
	for key, d := range diffs {
		if !slices.Equal(d, []string{"templateBody"}) {
			t.Errorf("%s: the preview shows %v, want the template only", key, d)
		}
	}
}
