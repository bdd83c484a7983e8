package policies

import (
	"fmt"
	"hash/fnv"

	"iam-layout/layout"
)

// splitGrants spreads a group's roles over as few managed policies as fit
// the quota, at most limit of them.
//
// Roles go to buckets by jump consistent hashing of their key (Lamping and
// Veach, 2014), so the split is a pure function of the role set: adding a
// role changes the one policy it lands in, and growing from n to n+1
// policies moves only about 1/(n+1) of the roles, all into the new policy.
// A greedy fill in sorted order would instead reshuffle every policy after
// the insertion point. Hashing leaves buckets uneven, so near the ceiling
// (above roughly 80% of limit x quota) it may not fit where a tight packing
// would: then, and only then, roles are packed greedily in key order, which
// is deterministic but gives up the stability.
func splitGrants(l *layout.Layout, roles []*layout.Role, quota, limit int) ([][]*layout.Role, []string, error) {
	whole, err := Marshal(GroupGrant(l, roles))
	if err != nil {
		return nil, nil, err
	}
	if layout.PolicySize(whole) <= quota {
		return [][]*layout.Role{roles}, []string{whole}, nil
	}
	keys := make([]uint64, len(roles))
	for i, r := range roles {
		h := fnv.New64a()
		h.Write([]byte(r.Key()))
		keys[i] = h.Sum64()
	}
	start := max(2, (layout.PolicySize(whole)+quota-1)/quota)
	for n := start; n <= limit; n++ {
		buckets := make([][]*layout.Role, n)
		for i, r := range roles {
			b := jumpHash(keys[i], n)
			buckets[b] = append(buckets[b], r)
		}
		docs := make([]string, n)
		fits := true
		for b, rs := range buckets {
			if len(rs) == 0 {
				continue
			}
			doc, err := Marshal(GroupGrant(l, rs))
			if err != nil {
				return nil, nil, err
			}
			if layout.PolicySize(doc) > quota {
				fits = false
				break
			}
			docs[b] = doc
		}
		if fits {
			return buckets, docs, nil
		}
	}
	if buckets, docs, ok := packGreedily(l, roles, quota, limit); ok {
		return buckets, docs, nil
	}
	return nil, nil, fmt.Errorf("grants %d roles, more than %d managed policies of %d characters can hold (%d characters in all)", len(roles), limit, quota, layout.PolicySize(whole))
}

// packGreedily fills policies in role order, each as full as the quota
// allows. A role adds exactly `,"<arn>"` to a statement that already lists
// one, so sizes are tracked without re-encoding; the first role of each
// statement is measured by encoding.
func packGreedily(l *layout.Layout, roles []*layout.Role, quota, limit int) ([][]*layout.Role, []string, bool) {
	var buckets [][]*layout.Role
	var cur []*layout.Role
	size, hasPlain, hasMFA := 0, false, false
	measure := func(rs []*layout.Role) int {
		doc, err := Marshal(GroupGrant(l, rs))
		if err != nil {
			return quota + 1
		}
		return layout.PolicySize(doc)
	}
	for _, r := range roles {
		next := size + len(r.ARN) + 3
		if (r.RequireMFA && !hasMFA) || (!r.RequireMFA && !hasPlain) {
			next = measure(append(cur, r))
		}
		if next > quota && len(cur) > 0 {
			buckets = append(buckets, cur)
			cur, hasPlain, hasMFA = nil, false, false
			next = measure([]*layout.Role{r})
		}
		cur = append(cur, r)
		size = next
		hasPlain, hasMFA = hasPlain || !r.RequireMFA, hasMFA || r.RequireMFA
	}
	buckets = append(buckets, cur)
	if len(buckets) > limit {
		return nil, nil, false
	}
	docs := make([]string, len(buckets))
	for i, rs := range buckets {
		doc, err := Marshal(GroupGrant(l, rs))
		if err != nil || layout.PolicySize(doc) > quota {
			return nil, nil, false
		}
		docs[i] = doc
	}
	return buckets, docs, true
}

// jumpHash maps key to a bucket in [0, n).
func jumpHash(key uint64, n int) int {
	var b, j int64 = -1, 0
	for j < int64(n) {
		b = j
		key = key*2862933555777941757 + 1
		j = int64(float64(b+1) * (float64(int64(1)<<31) / float64((key>>33)+1)))
	}
	return int(b)
}

// PolicyName is the name of a group's b-th assume-role policy. The first
// keeps the unnumbered name, so a group that grows past one policy keeps it.
// A stack suffix tells apart the policies several stacks attach to one group.
func PolicyName(group, stackSuffix string, b int) string {
	name := group + "-assume-roles"
	if stackSuffix != "" {
		name += "-" + stackSuffix
	}
	if b == 0 {
		return name
	}
	return fmt.Sprintf("%s-%d", name, b+1)
}
