package policycheck

import (
	"strings"
	"testing"

	"iam-layout/layout"
	"iam-layout/stacksets"
	"iam-layout/synthetic"
)

// TestCheckArrangementCatchesEveryBrokenPromise breaks one promise of the
// arrangement at a time in the plan of 200 accounts (8 StackSets a role
// definition): each is a violation, and the plan as made passes.
func TestCheckArrangementCatchesEveryBrokenPromise(t *testing.T) {
	t.Parallel()
	arranged := func(t *testing.T) []stacksets.StackSet {
		_, _, sets := planStackSets(t, synthetic.Organization(synthetic.Options{Accounts: 200, Groups: 20, Users: 5}))
		return sets
	}
	if err := CheckArrangement(arranged(t), nil, nil); err != nil {
		t.Fatalf("the plan as made: %v", err)
	}
	cases := map[string]struct {
		live   func(ss stacksets.StackSet) stacksets.Arrangement
		breaks func(ss *stacksets.StackSet)
		want   string
	}{
		"a live instance moved": {
			live: func(ss stacksets.StackSet) stacksets.Arrangement {
				return stacksets.Arrangement{ss.Instances[0].Key: layout.ShardName(ss.Name, 9)}
			},
			want: "move live instance acct-0000/DatabaseShutdown from iam-layout-DatabaseShutdown-s9 to",
		},
		"an instance in another family's StackSet": {
			breaks: func(ss *stacksets.StackSet) {
				ss.Instances[0].StackSet = "iam-layout-ReadOnly-s2"
				ss.Shards = append(ss.Shards, "iam-layout-ReadOnly-s2")
			},
			want: "include iam-layout-ReadOnly-s2, which is none of the family's",
		},
		"an instance in an unlisted StackSet": {
			breaks: func(ss *stacksets.StackSet) { ss.Shards = ss.Shards[:len(ss.Shards)-1] },
			want:   "which they do not list",
		},
		"a listed StackSet without instances": {
			breaks: func(ss *stacksets.StackSet) { ss.Shards = append(ss.Shards, layout.ShardName(ss.Name, 99)) },
			want:   "list iam-layout-DatabaseShutdown-s99, which holds no instance",
		},
		"the first StackSet missing": {
			breaks: func(ss *stacksets.StackSet) { ss.Shards = ss.Shards[1:] },
			want:   "which do not start with iam-layout-DatabaseShutdown",
		},
		"a StackSet given more than fifty new instances": {
			breaks: func(ss *stacksets.StackSet) {
				for i := range ss.Instances {
					ss.Instances[i].StackSet = ss.Name
				}
				ss.Shards = ss.Shards[:1]
			},
			want: "give iam-layout-DatabaseShutdown 200 new instances, more than the 50",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sets := arranged(t)
			ss := &sets[0]
			var live stacksets.Arrangement
			if tc.live != nil {
				live = tc.live(*ss)
			}
			if tc.breaks != nil {
				tc.breaks(ss)
			}
			err := CheckArrangement(sets, nil, live)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	// Fifty-one live instances in one StackSet are no queue: a stack
	// deployed before families were spread holds all of them in its first.
	sets := arranged(t)
	live := stacksets.Arrangement{}
	for _, in := range sets[0].Instances {
		live[in.Key] = sets[0].Name
	}
	stacksets.Arrange(sets, nil, live)
	if err := CheckArrangement(sets, nil, live); err != nil {
		t.Errorf("a stack from before spreading: %v", err)
	}
}
