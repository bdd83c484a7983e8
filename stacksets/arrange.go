package stacksets

import (
	"crypto/sha256"
	"encoding/binary"
	"sort"

	"iam-layout/layout"
)

// How a family's instances are spread over StackSets. A family is what one
// template delivers: a role definition, or an issuer's OIDC providers.
//
// CloudFormation runs a StackSet's operations one after another (managed
// execution queues the rest), and every stack instance is one operation:
// a family of a thousand instances in one StackSet is a thousand operations
// in a row on its first roll-out. Spread over several StackSets of the same
// template, the operations of different StackSets run side by side.
const (
	// MaxQueuedOperations bounds the instance operations a deployment gives
	// one StackSet: the length of its queue on a first roll-out.
	MaxQueuedOperations = 50
	// TargetInstancesPerStackSet is the average a family's StackSet count
	// aims at. It stays well below MaxQueuedOperations because a hash does
	// not deal accounts out evenly: at an average of 32, the fullest of 32
	// StackSets holds about 45.
	TargetInstancesPerStackSet = 32
)

// Arrangement says which StackSet holds each stack instance: by instance
// key ("account/Role", "account/oidc/host", "Role/ou-..."), the StackSet's
// name. The program exports the arrangement of every deployment and hands
// it to the next one, so that an instance never moves: moving one would
// delete the role in its account and create it again.
type Arrangement map[string]string

// Arrange puts every instance of the plan in a StackSet of its family and
// fills in each family's Shards. An instance live lists stays where it is.
// The others are dealt out by a hash of their account ID over the
// smallest power of two of StackSets that holds the family's account
// instances at TargetInstancesPerStackSet on average, doubled while one of
// them would be given more than MaxQueuedOperations of this deployment's
// new instances. A family's first StackSet always exists; it holds its OU
// instances and, for a stack deployed before families were spread, every
// instance it had then.
//
// The placement of a new instance depends on its account ID and the
// family's size, never on where the others went: planning the same
// configuration twice gives the same arrangement, with or without live.
func Arrange(sets []StackSet, providers []ProviderStackSet, live Arrangement) {
	for i := range sets {
		sets[i].Shards = arrange(sets[i].Name, sets[i].Instances, live)
	}
	for i := range providers {
		providers[i].Shards = arrange(providers[i].Name, providers[i].Instances, live)
	}
}

// Record is the arrangement of an arranged plan, to export.
func Record(sets []StackSet, providers []ProviderStackSet) Arrangement {
	out := Arrangement{}
	add := func(instances []Instance) {
		for _, in := range instances {
			out[in.Key] = in.StackSet
		}
	}
	for _, ss := range sets {
		add(ss.Instances)
	}
	for _, ps := range providers {
		add(ps.Instances)
	}
	return out
}

// arrange spreads one family's instances (named base) and returns the
// names of the StackSets they use, the first StackSet first.
func arrange(base string, instances []Instance, live Arrangement) []string {
	used := map[int]bool{1: true}
	var fresh []*Instance
	accounts := 0
	for i := range instances {
		in := &instances[i]
		if in.Account != nil {
			accounts++
		}
		if n := layout.ShardNumber(base, live[in.Key]); n > 0 {
			in.StackSet, used[n] = live[in.Key], true
			continue
		}
		if in.Account == nil {
			// An OU instance: auto-deployment covers the OU's accounts
			// from the family's first StackSet.
			in.StackSet = base
			continue
		}
		fresh = append(fresh, in)
	}
	shards := shardCount(accounts, fresh)
	for _, in := range fresh {
		n := shardOf(in.Account.ID, shards)
		in.StackSet, used[n] = layout.ShardName(base, n), true
	}
	numbers := make([]int, 0, len(used))
	for n := range used {
		numbers = append(numbers, n)
	}
	sort.Ints(numbers)
	names := make([]string, len(numbers))
	for i, n := range numbers {
		names[i] = layout.ShardName(base, n)
	}
	return names
}

// shardCount is how many StackSets the new instances of a family of
// accounts account instances are dealt out over: the smallest power of two
// that gives TargetInstancesPerStackSet or fewer on average, doubled while
// a StackSet would be given more than MaxQueuedOperations of them, at most
// layout.MaxShards. A power of two changes only when the family doubles,
// so a family that gains or loses a few accounts keeps its count.
func shardCount(accounts int, fresh []*Instance) int {
	shards := 1
	for shards*TargetInstancesPerStackSet < accounts && shards < layout.MaxShards {
		shards *= 2
	}
	for shards < layout.MaxShards && fullest(fresh, shards) > MaxQueuedOperations {
		shards *= 2
	}
	return shards
}

// fullest is the most new instances one of shards StackSets is given.
func fullest(fresh []*Instance, shards int) int {
	count := make([]int, shards+1)
	most := 0
	for _, in := range fresh {
		n := shardOf(in.Account.ID, shards)
		count[n]++
		most = max(most, count[n])
	}
	return most
}

// shardOf is the StackSet number (from 1) an account's new instances go
// to among shards: a hash of the account ID, which never changes, so every
// family puts an account in the same-numbered StackSet at the same size.
// SHA-256 rather than a position or the ID's digits: organizations' IDs
// are not uniform, and generated ones are consecutive.
func shardOf(accountID string, shards int) int {
	sum := sha256.Sum256([]byte(accountID))
	return int(binary.BigEndian.Uint64(sum[:8])%uint64(shards)) + 1
}
