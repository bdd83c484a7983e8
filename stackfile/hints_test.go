package stackfile

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestATabInTheIndentationIsNamedWithItsLineAndColumn(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		text string
		want string // "" for no hint
	}{
		"a tab indents a key": {
			"config:\n  aws:region: us-east-1\n  p:org:\n\tid: x\n",
			"(line 4, column 1 is a tab: YAML indents with spaces, never tabs)",
		},
		"a tab after spaces": {
			"config:\n  p:org:\n    a: 1\n    \tb: 2\n",
			"(line 4, column 5 is a tab: YAML indents with spaces, never tabs)",
		},
		"no tab, another mistake": {
			"config:\n  p:org: [a, b\n",
			"",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.text))
			if err == nil {
				t.Fatal("parsed")
			}
			if tc.want == "" {
				if strings.Contains(err.Error(), "tab") {
					t.Errorf("err = %v, names a tab", err)
				}
				return
			}
			if !strings.HasSuffix(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to end %q", err, tc.want)
			}
		})
	}
	// A tab inside a value is no mistake.
	if cfg, err := Parse([]byte("config:\n  p:k: \"a\\tb\tc\"\n")); err != nil || cfg["p:k"] != "a\tb\tc" {
		t.Errorf("a tab in a quoted value: %q, %v", cfg["p:k"], err)
	}
}

func TestRequireNamesTheKeysThatLookMeantForIt(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		cfg   map[string]string
		empty bool
		near  []string
	}{
		"nothing at all":            {map[string]string{}, true, nil},
		"misspelt in the namespace": {map[string]string{"aws:region": "us-east-1", "p:organisation": "{}"}, false, []string{"p:organisation"}},
		"another namespace":         {map[string]string{"acme:organization": "{}", "aws:region": "x"}, false, []string{"acme:organization"}},
		"no namespace":              {map[string]string{"organization": "{}"}, false, []string{"organization"}},
		"case":                      {map[string]string{"P:Organization": "{}"}, false, []string{"P:Organization"}},
		"only unrelated keys":       {map[string]string{"aws:region": "x"}, false, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Require(tc.cfg, "s", "p:organization")
			var missing *MissingKeyError
			if !errors.As(err, &missing) {
				t.Fatalf("err = %v, want a *MissingKeyError", err)
			}
			if missing.Empty != tc.empty || !reflect.DeepEqual(missing.Near, tc.near) {
				t.Errorf("empty %v, near %v; want %v, %v", missing.Empty, missing.Near, tc.empty, tc.near)
			}
		})
	}
	if v, err := Require(map[string]string{"p:organization": "{}"}, "s", "p:organization"); v != "{}" || err != nil {
		t.Errorf("present: %q, %v", v, err)
	}
}

func TestReadListsTheStacksThereAndProjectPointsToDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.dev.yaml", "README.md"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("config: {}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	empty := t.TempDir()
	for name, tc := range map[string]struct {
		err  error
		want string
	}{
		"stacks there": {func() error { _, err := Read(dir, "qa"); return err }(), "no stack file Pulumi.qa.yaml in " + dir + " (stacks there: dev, prod)"},
		"none there":   {func() error { _, err := Read(empty, "qa"); return err }(), "no stack file Pulumi.qa.yaml in " + empty + " (no Pulumi.<stack>.yaml there at all)"},
		"no project":   {func() error { _, err := Project(empty); return err }(), "no Pulumi.yaml in " + empty + ", so it is not the project directory: run the command there, or name that directory with --dir"},
	} {
		if tc.err == nil || tc.err.Error() != tc.want {
			t.Errorf("%s: err = %v, want %s", name, tc.err, tc.want)
		}
	}
}
