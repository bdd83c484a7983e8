package profiles

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"iam-layout/contract"
)

// update rewrites the golden files: go test ./profiles -run Golden -update
var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current rendering")

// goldenFiles are the dev stack's renderings by file name, named after the
// stack outputs they are. Goldens are for reading diffs in review; what each
// one means is checked by the SDK, CLI, console and matrix tests.
func goldenFiles(t *testing.T) map[string]string {
	t.Helper()
	r := Render(devLayout(t), devStackRegion(t))
	toJSON := func(v any) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	files := map[string]string{
		contract.AWSConfigKey:               r.AWSConfig,
		contract.AWSConfigureCommandsKey:    r.ConfigureCommands,
		contract.SwitchRoleURLsKey:          toJSON(r.SwitchRoleURLs),
		contract.ExtendSwitchRolesConfigKey: r.ExtendSwitchRolesConfig,
		contract.ConsoleExclusionsKey:       toJSON(r.ConsoleExclusions),
		contract.AccessMatrixKey:            r.AccessMatrix,
		contract.AccessMatrixMermaidKey:     r.AccessMatrixMermaid,
	}
	for user, text := range r.AWSConfigByUser {
		files[contract.AWSConfigByUserKey+"."+user] = text
	}
	for user, text := range r.ConfigureCommandsByUser {
		files[contract.AWSConfigureCommandsByUserKey+"."+user] = text
	}
	return files
}

func TestDevStackRenderingMatchesTheGoldenFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "dev")
	files := goldenFiles(t)
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, got := range files {
		path := filepath.Join(dir, name+".golden")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (run go test ./profiles -run Golden -update)", err)
			continue
		}
		if got != string(want) {
			t.Errorf("%s differs from %s: review the change, then run go test ./profiles -run Golden -update\n--- got\n%s", name, path, got)
		}
	}
	// No stale golden file is left behind after an output is renamed.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := files[strings.TrimSuffix(e.Name(), ".golden")]; !ok {
			t.Errorf("stale golden file %s", e.Name())
		}
	}
}
