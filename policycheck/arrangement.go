package policycheck

import (
	"maps"
	"slices"

	"iam-layout/layout"
	"iam-layout/stacksets"
)

// CheckArrangement holds an arranged stackSets plan to what spreading
// families over StackSets promises, read independently of
// stacksets.Arrange: every instance is in a StackSet of its own family,
// which lists exactly the StackSets its instances use, its first one
// first; no instance the live arrangement holds in a StackSet of its
// family has moved (a move deletes the role and creates it again); and no
// StackSet is given more than stacksets.MaxQueuedOperations new instances,
// unless its family is too large to spread further (layout.MaxShards).
func CheckArrangement(sets []stacksets.StackSet, providers []stacksets.ProviderStackSet, live stacksets.Arrangement) error {
	c := &checker{}
	for _, ss := range sets {
		c.arrangement(ss.Name, ss.Shards, ss.Instances, live)
	}
	for _, ps := range providers {
		c.arrangement(ps.Name, ps.Shards, ps.Instances, live)
	}
	if len(c.violations) > 0 {
		return &Error{Violations: c.violations}
	}
	return nil
}

func (c *checker) arrangement(base string, shards []string, instances []stacksets.Instance, live stacksets.Arrangement) {
	name := "StackSets of " + base
	if len(shards) == 0 || shards[0] != base {
		c.fail(name, "", "are %v, which do not start with %s", shards, base)
	}
	listed := map[string]bool{}
	for _, s := range shards {
		if layout.ShardNumber(base, s) == 0 {
			c.fail(name, "", "include %s, which is none of the family's", s)
		}
		listed[s] = true
	}
	used := map[string]bool{base: true}
	queued := map[string]int{}
	for _, in := range instances {
		used[in.StackSet] = true
		if !listed[in.StackSet] {
			c.fail(name, "", "put instance %s in %q, which they do not list", in.Key, in.StackSet)
		}
		was, ok := live[in.Key]
		switch {
		case ok && layout.ShardNumber(base, was) > 0 && was != in.StackSet:
			c.fail(name, "", "move live instance %s from %s to %s, which would delete its role and create it again", in.Key, was, in.StackSet)
		case !ok || layout.ShardNumber(base, was) == 0:
			queued[in.StackSet]++
		}
	}
	for s := range listed {
		if !used[s] {
			c.fail(name, "", "list %s, which holds no instance", s)
		}
	}
	// Past MaxShards StackSets of TargetInstancesPerStackSet accounts a
	// family cannot spread further.
	capped := len(instances) > layout.MaxShards*stacksets.TargetInstancesPerStackSet
	for _, s := range slices.Sorted(maps.Keys(queued)) {
		if queued[s] > stacksets.MaxQueuedOperations && !capped {
			c.fail(name, "", "give %s %d new instances, more than the %d one StackSet may run one after another", s, queued[s], stacksets.MaxQueuedOperations)
		}
	}
}
