package layout

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"iam-layout/stackfile"
)

var update = flag.Bool("update", false, "rewrite the generated reference and schemas under docs/ and schema/")

// projectDir is the repository root, holding Pulumi.yaml and the stack files.
const projectDir = ".."

// configKey is the organization's key in the shipped stack files.
const configKey = "iam-layout:organization"

// wrongValue returns, for a kind, a JSON value of another kind and the words
// the decoder uses to name what it got.
func wrongValue(k Kind) (value any, got string) {
	switch k {
	case KindStrings, KindAccountIDs:
		return map[string]any{"a": 1}, "got an object"
	case KindDocument:
		return 5, "got a number"
	}
	return []any{1}, "got a list"
}

// setAt puts value at a reference path (accounts.<name>.id), naming every
// map entry "x".
func setAt(root map[string]any, path string, value any) {
	segments := strings.Split(path, ".")
	m := root
	for _, s := range segments[:len(segments)-1] {
		if strings.HasPrefix(s, "<") {
			s = "x"
		}
		next, ok := m[s].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[s] = next
		}
		m = next
	}
	last := segments[len(segments)-1]
	if strings.HasPrefix(last, "<") {
		last = "x"
	}
	m[last] = value
}

func concretePath(path string) string {
	segments := strings.Split(path, ".")
	for i, s := range segments {
		if strings.HasPrefix(s, "<") {
			segments[i] = "x"
		}
	}
	return strings.Join(segments, ".")
}

// TestEveryDefinedKeyIsRead proves the definition tree holds nothing the
// decoder ignores: a value of the wrong kind at any defined key is reported
// at exactly that key, as a value of that kind. (The other direction, that
// the decoder reads nothing undefined, holds by construction: the decoder's
// known keys come from the tree.)
func TestEveryDefinedKeyIsRead(t *testing.T) {
	t.Parallel()
	walkKeys("", organizationKeys, func(path string, k, _ *Key) {
		value, got := wrongValue(k.Kind)
		org := map[string]any{}
		setAt(org, path, value)
		data, err := json.Marshal(org)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Load(data)
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s: %s accepted: %v", path, data, err)
			return
		}
		want := concretePath(path)
		for _, p := range ce.Problems {
			if p.Path == want && strings.Contains(p.Message, got) {
				return
			}
		}
		t.Errorf("%s is defined as %s but a value that %s was not reported there:\n%v", path, k.Kind.kindName(), got, err)
	})
}

// TestDefinitionTreeIsDocumented keeps every key's reference row and hover
// text meaningful, and defaults consistent with the kinds.
func TestDefinitionTreeIsDocumented(t *testing.T) {
	t.Parallel()
	walkKeys("", organizationKeys, func(path string, k, parent *Key) {
		documented := k.Description != "" || (parent.Kind == KindMap && parent.Description != "")
		if !documented {
			t.Errorf("%s has no description", path)
		}
		if k.Required && (k.Default != nil || k.DefaultText != "") {
			t.Errorf("%s is required and has a default", path)
		}
		if len(k.Enum) > 0 && k.Default != nil && !slices.Contains(k.Enum, k.Default.(string)) {
			t.Errorf("%s: default %v is not in its enum", path, k.Default)
		}
		if k.Max != 0 && k.Default != nil {
			if d := k.Default.(int); d < k.Min || d > k.Max {
				t.Errorf("%s: default %d is outside %d-%d", path, d, k.Min, k.Max)
			}
		}
	})
}

// keyPaths lists every path of the tree.
func keyPaths() []string {
	var out []string
	walkKeys("", organizationKeys, func(path string, _, _ *Key) { out = append(out, path) })
	return out
}

// coveredPaths lists the tree paths a configuration value sets.
func coveredPaths(v any, path string, k *Key, out map[string]bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		return
	}
	switch k.Kind {
	case KindObject:
		for _, c := range k.Keys {
			if cv, ok := obj[c.Name]; ok {
				p := joinPathPlain(path, c.Name)
				out[p] = true
				coveredPaths(cv, p, c, out)
			}
		}
	case KindMap:
		for _, ev := range obj {
			p := joinPathPlain(path, k.Entry.Name)
			out[p] = true
			coveredPaths(ev, p, k.Entry, out)
		}
	}
}

// sampleStacks are stack files that must load and validate: the shipped
// ones and the samples under testdata/stacks, which together set every key.
func sampleStacks(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(projectDir, "Pulumi.*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	samples, err := filepath.Glob(filepath.Join("testdata", "stacks", "Pulumi.*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, samples...)
	if len(files) < 3 {
		t.Fatalf("stack files: %v", files)
	}
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = data
	}
	return out
}

// TestStackFilesLoadValidateAndSetEveryKey runs every shipped and sample
// stack file through the loader and both schemas, and checks that together
// they set every defined key: each key's kind in the schema accepts a value
// the loader accepts.
func TestStackFilesLoadValidateAndSetEveryKey(t *testing.T) {
	t.Parallel()
	org, stack := compileSchemas(t)
	covered := map[string]bool{}
	for name, data := range sampleStacks(t) {
		cfg, err := stackfile.Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := Load([]byte(cfg[configKey])); err != nil {
			t.Errorf("%s does not load: %v", name, err)
		}
		value := unmarshalInstance(t, cfg[configKey])
		if err := org.Validate(value); err != nil {
			t.Errorf("%s: the organization does not validate against the schema: %v", name, err)
		}
		if err := stack.Validate(yamlInstance(t, data)); err != nil {
			t.Errorf("%s does not validate against the stack file schema: %v", name, err)
		}
		coveredPaths(value, "", organizationKeys, covered)
	}
	for _, p := range keyPaths() {
		if !covered[p] {
			t.Errorf("no sample stack sets %s: add it to layout/testdata/stacks", p)
		}
	}
}

// TestSchemasRefuseKnownBadInputs shows that the schemas catch, in an
// editor, what the loader refuses.
func TestSchemasRefuseKnownBadInputs(t *testing.T) {
	t.Parallel()
	org, stack := compileSchemas(t)
	const good = `config:
  aws:region: us-east-1
  iam-layout:organization:
    masterAccountId: "012345678901"
    accounts:
      development: {id: "345678901234"}
    roles:
      ReadOnly: {accounts: [development]}
    groups:
      readers: {roles: [ReadOnly]}
`
	if err := stack.Validate(yamlInstance(t, []byte(good))); err != nil {
		t.Fatalf("the good stack file does not validate: %v", err)
	}
	cases := map[string]struct{ old, new string }{
		"unknown key":                     {"roles: [ReadOnly]}", "roles: [ReadOnly], mfaSelfServce: true}"},
		"unquoted account ID":             {`{id: "345678901234"}`, `{id: 345678901234}`},
		"account ID of 11 digits":         {`"012345678901"`, `"12345678901"`},
		"unknown partition":               {"    accounts:", "    partition: aws-eu\n    accounts:"},
		"session out of range":            {"{accounts: [development]}", "{accounts: [development], maxSessionDuration: 900}"},
		"account name with capitals":      {"development: {id", "Development: {id"},
		"role placed nowhere":             {"{accounts: [development]}", "{accounts: []}"},
		"organization given as text":      {"  iam-layout:organization:\n", "  iam-layout:organization: some text\n  other:\n"},
		"misspelt organization key":       {"iam-layout:organization:", "iam-layout:organisation:"},
		"boolean given as yes":            {"{accounts: [development]}", "{accounts: [development], destructive: yes}"},
		"policy document without Version": {"{accounts: [development]}", "{accounts: [development], inlinePolicies: {p: {Statement: []}}}"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(good, tc.old) {
				t.Fatalf("%q is not in the good stack file", tc.old)
			}
			bad := strings.Replace(good, tc.old, tc.new, 1)
			if err := stack.Validate(yamlInstance(t, []byte(bad))); err == nil {
				t.Errorf("the stack file schema accepts:\n%s", bad)
			}
			cfg, err := stackfile.Parse([]byte(bad))
			if err != nil {
				t.Fatal(err)
			}
			raw, ok := cfg[configKey]
			if !ok {
				return
			}
			if _, err := Load([]byte(raw)); err == nil {
				t.Errorf("the loader accepts what the schema refuses:\n%s", bad)
			}
			if json.Valid([]byte(raw)) {
				if err := org.Validate(unmarshalInstance(t, raw)); err == nil {
					t.Errorf("the organization schema accepts %s", raw)
				}
			}
		})
	}
}

// TestGeneratedFilesAreUpToDate keeps the checked-in reference table and
// schemas equal to the generators' output. `go test ./layout -run
// TestGeneratedFilesAreUpToDate -update` rewrites them.
func TestGeneratedFilesAreUpToDate(t *testing.T) {
	orgSchema, err := OrganizationSchema()
	if err != nil {
		t.Fatal(err)
	}
	project, err := stackfile.Project(projectDir)
	if err != nil {
		t.Fatal(err)
	}
	stackSchema, err := StackFileSchema(project + ":organization")
	if err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, filepath.Join(projectDir, "schema", "organization.schema.json"), func([]byte) []byte { return orgSchema })
	checkGenerated(t, filepath.Join(projectDir, "schema", "stack.schema.json"), func([]byte) []byte { return stackSchema })
	checkGenerated(t, filepath.Join(projectDir, "docs", "configuration.md"), func(doc []byte) []byte {
		return replaceBetween(t, doc, "<!-- BEGIN reference", "<!-- END reference -->", ReferenceMarkdown())
	})
}

// checkGenerated compares a file with what gen makes of it, or rewrites it
// under -update.
func checkGenerated(t *testing.T, path string, gen func(current []byte) []byte) {
	t.Helper()
	current, err := os.ReadFile(path)
	if err != nil && !(*update && errors.Is(err, os.ErrNotExist)) {
		t.Fatal(err)
	}
	want := gen(current)
	if bytes.Equal(current, want) {
		return
	}
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date: run `go test ./layout -run TestGeneratedFilesAreUpToDate -update` and commit the result", path)
}

// replaceBetween replaces the text after the line starting with begin and
// before end.
func replaceBetween(t *testing.T, doc []byte, begin, end, text string) []byte {
	t.Helper()
	i := bytes.Index(doc, []byte(begin))
	if i < 0 {
		t.Fatalf("no %q marker", begin)
	}
	i += bytes.IndexByte(doc[i:], '\n') + 1
	j := bytes.Index(doc[i:], []byte(end))
	if j < 0 {
		t.Fatalf("no %q marker after %q", end, begin)
	}
	out := append([]byte(nil), doc[:i]...)
	out = append(out, text...)
	return append(out, doc[i+j:]...)
}

// compileSchemas compiles both generated schemas with a JSON Schema library,
// which also checks them against the draft-07 meta-schema.
func compileSchemas(t *testing.T) (org, stack *jsonschema.Schema) {
	t.Helper()
	orgSchema, err := OrganizationSchema()
	if err != nil {
		t.Fatal(err)
	}
	stackSchema, err := StackFileSchema(configKey)
	if err != nil {
		t.Fatal(err)
	}
	compile := func(name string, data []byte) *jsonschema.Schema {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		url := "file:///schema/" + name
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(url)
		if err != nil {
			t.Fatalf("compiling %s: %v", name, err)
		}
		return s
	}
	return compile("organization.schema.json", orgSchema), compile("stack.schema.json", stackSchema)
}

func unmarshalInstance(t *testing.T, text string) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		t.Fatalf("%v: %s", err, text)
	}
	return v
}

// yamlInstance reads a whole stack file as an editor's YAML language server
// sees it: YAML's own types, as JSON.
func yamlInstance(t *testing.T, data []byte) any {
	t.Helper()
	v, err := stackfile.Document(data)
	if err != nil {
		t.Fatal(err)
	}
	return unmarshalInstance(t, string(v))
}
