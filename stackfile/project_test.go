package stackfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestProjectIsTheNameInPulumiYAML(t *testing.T) {
	t.Parallel()
	name, err := Project("..")
	if err != nil {
		t.Fatal(err)
	}
	if name != "iam-layout" {
		t.Errorf("project = %q, want iam-layout", name)
	}
}

func TestProjectFailsWithoutAName(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"missing file": "",
		"no name":      "runtime: go\n",
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if content != "" {
				if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if got, err := Project(dir); err == nil {
				t.Errorf("Project = %q, want an error", got)
			}
		})
	}
}
