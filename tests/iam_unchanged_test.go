package tests

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// updateSnapshot rewrites testdata/dev-stack.json: go test ./tests -run DevStackSnapshot -update-snapshot
var updateSnapshot = flag.Bool("update-snapshot", false, "rewrite testdata/dev-stack.json from the current program")

// snapshotResource is what the engine would see of one registration.
type snapshotResource struct {
	URN            string   `json:"urn"`
	Provider       string   `json:"provider,omitempty"`
	Protect        bool     `json:"protect,omitempty"`
	RetainOnDelete bool     `json:"retainOnDelete,omitempty"`
	Aliases        []string `json:"aliases,omitempty"`
	Inputs         any      `json:"inputs"`
}

// snapshot is a run's every registration, by URN order, and every output.
type snapshot struct {
	Resources []snapshotResource `json:"resources"`
	Outputs   map[string]any     `json:"outputs"`
}

func takeSnapshot(t *testing.T, res *result) snapshot {
	t.Helper()
	s := snapshot{Outputs: res.Exports}
	for _, rec := range res.Resources {
		s.Resources = append(s.Resources, snapshotResource{
			URN: rec.URN, Provider: rec.ProviderID, Protect: rec.Protect, RetainOnDelete: rec.RetainOnDelete,
			Aliases: rec.AliasNames, Inputs: rec.Inputs.Mappable(),
		})
	}
	sort.Slice(s.Resources, func(i, j int) bool { return s.Resources[i].URN < s.Resources[j].URN })
	return s
}

func snapshotJSON(t *testing.T, s snapshot) string {
	t.Helper()
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data) + "\n"
}

// The snapshot was taken from the program before Identity Center existed
// (commit 288da99): with Identity Center off, or declared with access iam,
// the dev stack registers the very same resources with the very same inputs
// and exports the very same outputs, byte for byte.
func TestDevStackSnapshotIsUnchangedWithIdentityCenterOff(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "dev-stack.json")
	got := snapshotJSON(t, takeSnapshot(t, mustRun(t, devConfig(t))))
	if *updateSnapshot {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the dev stack's resources or outputs changed (%s):\n%s", path, got)
	}
}
