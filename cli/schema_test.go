package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"iam-layout/layout"
)

func TestSchemaPrintsTheGeneratedSchemasAndReference(t *testing.T) {
	t.Parallel()
	org, err := layout.OrganizationSchema()
	if err != nil {
		t.Fatal(err)
	}
	stack, err := layout.StackFileSchema("iam-layout:organization")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		args []string
		want string
	}{
		"default is the organization's schema": {[]string{"schema"}, string(org)},
		"organization":                         {[]string{"schema", "--format", "organization"}, string(org)},
		"whole stack file":                     {[]string{"schema", "--format", "stack", "--dir", projectDir}, string(stack)},
		"reference table":                      {[]string{"schema", "--format", "markdown"}, layout.ReferenceMarkdown()},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runCLI(tc.args...)
			if code != ExitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if stdout != tc.want {
				t.Errorf("stdout differs from the generator's output:\n%.500s", stdout)
			}
		})
	}
}

func TestStackSchemaUsesTheProjectsNamespace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: acme-iam\nruntime: go\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI("schema", "--format", "stack", "--dir", dir)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var schema struct {
		Properties struct {
			Config struct {
				Required []string `json:"required"`
			} `json:"config"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(stdout), &schema); err != nil {
		t.Fatal(err)
	}
	if got := schema.Properties.Config.Required; len(got) != 1 || got[0] != "acme-iam:organization" {
		t.Errorf("config requires %v, want acme-iam:organization", got)
	}
}

func TestSchemaRefusesBadArguments(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args []string
		code int
		want string
	}{
		"unknown format":        {[]string{"schema", "--format", "yaml"}, ExitUsage, `unknown format "yaml" (one of: organization, stack, markdown)`},
		"stray argument":        {[]string{"schema", "dev"}, ExitUsage, "nothing may follow the flags"},
		"stack without project": {[]string{"schema", "--format", "stack", "--dir", t.TempDir()}, ExitError, "no Pulumi.yaml in "},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runCLI(tc.args...)
			if code != tc.code || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d saying %q", code, stdout, stderr, tc.code, tc.want)
			}
		})
	}
}
