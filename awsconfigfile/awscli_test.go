package awsconfigfile

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"iam-layout/internal/awsclitest"
)

// The CLI reads what the writer leaves, for a person's LF and CRLF files:
// their own profiles and settings still there, the block's profiles added,
// and after an update the profile that left the layout gone.
func TestAWSCLIReadsTheWrittenFile(t *testing.T) {
	t.Parallel()
	awsclitest.Require(t)
	for name, eol := range map[string]string{"LF": "\n", "CRLF": "\r\n"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "config")
			if err := os.WriteFile(path, []byte(strings.ReplaceAll(personal, "\n", eol)), 0o600); err != nil {
				t.Fatal(err)
			}
			root := Block{ID: "iam-layout/root", Content: "[profile root-admin]\nrole_arn = arn:aws:iam::012345678901:role/Admin\nsource_profile = default\n"}
			for _, b := range []Block{{ID: id, Content: twoProfiles}, root} {
				c, err := Prepare(path, b)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.Apply(); err != nil {
					t.Fatal(err)
				}
			}
			want := map[string]string{
				"mine":             "arn:aws:iam::999999999999:role/Mine",
				"alfie-production": "arn:aws:iam::123456789012:role/AlfieReadOnly",
				"alfie-qa":         "arn:aws:iam::234567890123:role/AlfieDeployment",
				"root-admin":       "arn:aws:iam::012345678901:role/Admin",
			}
			checkCLI(t, path, want)

			c, err := Prepare(path, Block{ID: id, Content: changedProfiles})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Apply(); err != nil {
				t.Fatal(err)
			}
			delete(want, "alfie-qa")
			want["alfie-development"] = "arn:aws:iam::345678901234:role/AlfieFullAccess"
			checkCLI(t, path, want)
		})
	}
}

// checkCLI has the CLI list the file's profiles (default and want's) and
// read each role_arn, and the person's own default region.
func checkCLI(t *testing.T, path string, want map[string]string) {
	t.Helper()
	out, code := awsclitest.Configure(t, path, "list-profiles")
	if code != 0 {
		t.Fatalf("list-profiles exit %d: %s", code, out)
	}
	got := strings.Fields(out)
	slices.Sort(got)
	names := []string{"default"}
	for p := range want {
		names = append(names, p)
	}
	slices.Sort(names)
	if !slices.Equal(got, names) {
		t.Errorf("list-profiles = %v, want %v", got, names)
	}
	for p, arn := range want {
		if got, code := awsclitest.Configure(t, path, "get", "role_arn", "--profile", p); code != 0 || got != arn {
			t.Errorf("role_arn of %s = %q (exit %d), want %s", p, got, code, arn)
		}
	}
	if got, code := awsclitest.Configure(t, path, "get", "region", "--profile", "default"); code != 0 || got != "eu-west-1" {
		t.Errorf("the person's default region = %q (exit %d), want eu-west-1", got, code)
	}
}
