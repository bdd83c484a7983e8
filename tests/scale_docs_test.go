package tests

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"iam-layout/layout"
	"iam-layout/policies"
	"iam-layout/stacksets"
)

// rollOut is the first roll-out of the regular organization of n accounts
// (3 role definitions in every account) in stackSets delivery, from the
// plan the program makes: StackSets a definition and in all, instances,
// and the most operations one StackSet runs one after another.
type rollOut struct{ accounts, perDefinition, stackSets, instances, most int }

// row is the roll-out's row of docs/scale.md's table.
func (r rollOut) row() string {
	return fmt.Sprintf("| %s | %d | %d | %s | %d (%d) | %s |",
		thousands(r.accounts), r.perDefinition, r.stackSets, thousands(r.instances), r.most, r.accounts/r.perDefinition, thousands(r.accounts))
}

func planRollOut(t *testing.T, n int) rollOut {
	t.Helper()
	l, err := layout.Resolve(withStackSets(benchOrganization(n)))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := policies.Build(l)
	if err != nil {
		t.Fatal(err)
	}
	sets, err := stacksets.Build(l, docs.Trust)
	if err != nil {
		t.Fatal(err)
	}
	perDefinition, all, instances, most := 0, 0, 0, 0
	for _, ss := range sets {
		perDefinition = max(perDefinition, len(ss.Shards))
		all += len(ss.Shards)
		instances += len(ss.Instances)
		queue := map[string]int{}
		for _, in := range ss.Instances {
			queue[in.StackSet]++
			most = max(most, queue[in.StackSet])
		}
	}
	return rollOut{n, perDefinition, all, instances, most}
}

// thousands writes n with a thousands separator, as the docs do.
func thousands(n int) string {
	if n < 1000 {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%d,%03d", n/1000, n%1000)
}

// TestTheDocsStateTheRollOutCostTheCodeComputes holds docs/scale.md's table
// of operations, and the README's summary of it, to the arrangement the
// program makes; and the roll-out is no longer said to take hours.
func TestTheDocsStateTheRollOutCostTheCodeComputes(t *testing.T) {
	t.Parallel()
	scale, err := os.ReadFile("../docs/scale.md")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{20, 100, 1000} {
		if row := planRollOut(t, n).row(); !strings.Contains(string(scale), row) {
			t.Errorf("docs/scale.md lacks the row the code computes for %d accounts:\n%s", n, row)
		}
	}
	for _, want := range []string{
		fmt.Sprintf("at most %d", stacksets.MaxQueuedOperations),
		fmt.Sprintf("%d on average", stacksets.TargetInstancesPerStackSet),
	} {
		if !strings.Contains(string(scale), want) {
			t.Errorf("docs/scale.md lacks %q", want)
		}
	}
	r := planRollOut(t, 1000)
	for _, want := range []string{fmt.Sprintf("%d StackSets", r.stackSets), fmt.Sprintf("%d operations one after another", r.most)} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md does not state the 1,000-account roll-out the code computes: it lacks %q", want)
		}
	}
	for name, text := range map[string][]byte{"docs/scale.md": scale, "README.md": readme} {
		if strings.Contains(strings.ToLower(string(text)), "hours") {
			t.Errorf("%s still speaks of hours", name)
		}
	}
}
