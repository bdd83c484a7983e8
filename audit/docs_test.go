package audit

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/micahhausler/aws-iam-policy/policy"

	"iam-layout/internal/fakeaws"
)

var update = flag.Bool("update", false, "rewrite the example report in docs/audit.md")

var docPath = filepath.Join("..", "docs", "audit.md")

// between is the text between the line holding begin and the line holding
// end.
func between(t *testing.T, doc, begin, end string) string {
	t.Helper()
	i := strings.Index(doc, begin)
	if i < 0 {
		t.Fatalf("docs/audit.md has no %q", begin)
	}
	i += strings.IndexByte(doc[i:], '\n') + 1
	j := strings.Index(doc[i:], end)
	if j < 0 {
		t.Fatalf("docs/audit.md has no %q after %q", end, begin)
	}
	return doc[i : i+j]
}

// TestPermissionsDocumentsListExactlyTheCallsTheAuditMakes: the policies
// docs/audit.md gives to copy parse as IAM policies and allow exactly the
// API calls a whole audit makes, in the management account and in a child
// account.
func TestPermissionsDocumentsListExactlyTheCallsTheAuditMakes(t *testing.T) {
	t.Parallel()
	doc := string(mustRead(t, docPath))
	f := newFixture(t, false, fakeaws.ManagementAccessKey)
	f.plantOutsiderAdministrator()
	if _, err := f.run(); err != nil {
		t.Fatal(err)
	}
	made := map[string]map[string]bool{"management": {}, "child": {}}
	for _, c := range f.s.Calls() {
		kind := "child"
		if c.Account == managementID {
			kind = "management"
		}
		made[kind][c.Action] = true
	}
	for _, kind := range []string{"management", "child"} {
		block := between(t, doc, "<!-- BEGIN permissions "+kind+" -->", "<!-- END permissions "+kind+" -->")
		block = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(block), "```json"), "```")
		var p policy.Policy
		dec := json.NewDecoder(strings.NewReader(block))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("%s permissions: %v", kind, err)
		}
		if p.Version != policy.VersionLatest {
			t.Errorf("%s permissions: Version %q", kind, p.Version)
		}
		var allowed []string
		for _, s := range p.Statements.Values() {
			if s.Effect != policy.EffectAllow || s.NotAction != nil || s.Condition != nil {
				t.Errorf("%s permissions: statement %s is not a plain Allow", kind, s.Sid)
			}
			allowed = append(allowed, s.Action.Values()...)
			for _, a := range s.Action.Values() {
				if a == "sts:AssumeRole" && !slices.Equal(s.Resource.Values(), []string{"arn:aws:iam::*:role/OrganizationAccountAccessRole"}) {
					t.Errorf("sts:AssumeRole on %v, want the access roles only", s.Resource.Values())
				}
			}
		}
		sort.Strings(allowed)
		var calls []string
		for a := range made[kind] {
			calls = append(calls, a)
		}
		sort.Strings(calls)
		if !reflect.DeepEqual(allowed, calls) {
			t.Errorf("%s permissions allow %v; the audit calls %v there", kind, allowed, calls)
		}
	}
}

// jsonFields lists a type's JSON fields as "path: type", in order.
func jsonFields(prefix string, typ reflect.Type) [][2]string {
	var out [][2]string
	for i := 0; i < typ.NumField(); i++ {
		field := typ.Field(i)
		name := strings.Split(field.Tag.Get("json"), ",")[0]
		if field.Anonymous && name == "" {
			out = append(out, jsonFields(prefix, field.Type)...)
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		out = append(out, describe(path, field.Type)...)
	}
	return out
}

func describe(path string, typ reflect.Type) [][2]string {
	switch typ.Kind() {
	case reflect.String:
		return [][2]string{{path, "string"}}
	case reflect.Bool:
		return [][2]string{{path, "boolean"}}
	case reflect.Int:
		return [][2]string{{path, "integer"}}
	case reflect.Struct:
		return append([][2]string{{path, "object"}}, jsonFields(path, typ)...)
	case reflect.Pointer:
		inner := describe(path, typ.Elem())
		inner[0][1] += " or null"
		return inner
	case reflect.Slice:
		inner := describe(path+"[]", typ.Elem())
		out := [][2]string{{path, "array of " + inner[0][1]}}
		if typ.Elem().Kind() == reflect.Struct {
			out = append(out, inner[1:]...)
		}
		return out
	}
	panic("undocumentable type " + typ.String())
}

// TestJSONFieldsAreDocumented: the table of docs/audit.md names every field
// of the JSON report with its type, in order, and nothing else.
func TestJSONFieldsAreDocumented(t *testing.T) {
	t.Parallel()
	table := between(t, string(mustRead(t, docPath)), "<!-- BEGIN json fields -->", "<!-- END json fields -->")
	var documented [][2]string
	row := regexp.MustCompile("^\\| `([^`]+)` \\| ([^|]+) \\|")
	for _, line := range strings.Split(table, "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			documented = append(documented, [2]string{m[1], strings.TrimSpace(m[2])})
		}
	}
	want := jsonFields("", reflect.TypeOf(Report{}))
	if !reflect.DeepEqual(documented, want) {
		for i := 0; i < max(len(documented), len(want)); i++ {
			var d, w [2]string
			if i < len(documented) {
				d = documented[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if d != w {
				t.Errorf("row %d: documented %v, the type has %v", i+1, d, w)
				break
			}
		}
	}
}

// TestJSONReportIsCompleteAndNeverNull: a report with every kind of finding
// encodes with every documented field, lists as [] rather than null, and
// decodes back strictly into the same report.
func TestJSONReportIsCompleteAndNeverNull(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false, fakeaws.ManagementAccessKey)
	f.plantOutsiderAdministrator()
	f.s.RemoveRole(qa, "AlfieDeployment")
	r, err := f.run()
	if err != nil {
		t.Fatal(err)
	}
	text, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ReplaceAll(bytes.ReplaceAll(text, []byte(`"workload":null`), nil), []byte(`"thirdParty":null`), nil), []byte("null")) {
		t.Errorf("a list or object is null:\n%s", text)
	}
	var back Report
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, r) {
		t.Error("the report does not survive a JSON round trip")
	}
	var generic map[string]any
	if err := json.Unmarshal(text, &generic); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"formatVersion", "equal", "differences", "placements", "undeclaredRoles", "groups", "notes"} {
		if _, ok := generic[key]; !ok {
			t.Errorf("no %s in the JSON report", key)
		}
	}
	if generic["formatVersion"] != float64(FormatVersion) {
		t.Errorf("formatVersion = %v", generic["formatVersion"])
	}
}

// TestExampleInDocsIsUpToDate: the example in docs/audit.md is the report
// of the dev stack with one outsider administrator planted, as this code
// renders it today (-update rewrites it).
func TestExampleInDocsIsUpToDate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false, fakeaws.ManagementAccessKey)
	f.plantOutsiderAdministrator()
	r, err := f.run()
	if err != nil {
		t.Fatal(err)
	}
	current := string(mustRead(t, docPath))
	example := "```markdown\n" + r.Markdown() + "```\n"
	if between(t, current, "<!-- BEGIN example -->", "<!-- END example -->") == example {
		return
	}
	if !*update {
		t.Fatal("docs/audit.md's example is out of date: run `go test ./audit -run TestExampleInDocsIsUpToDate -update` and commit the result")
	}
	begin := strings.Index(current, "<!-- BEGIN example -->")
	begin += strings.IndexByte(current[begin:], '\n') + 1
	end := begin + strings.Index(current[begin:], "<!-- END example -->")
	if err := os.WriteFile(docPath, []byte(current[:begin]+example+current[end:]), 0o644); err != nil {
		t.Fatal(err)
	}
}
