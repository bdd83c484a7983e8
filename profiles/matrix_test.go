package profiles

import (
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"iam-layout/layout"
)

// access is one row of the matrix, in plain values.
type access struct {
	AccountID, Profile, MFA string
	Groups, Users           []string
}

// expectedAccess derives who may assume what from the users' side: user ->
// groups -> granted roles, independently of Grant.
func expectedAccess(l *layout.Layout) map[string]access {
	out := map[string]access{}
	for _, r := range l.Roles {
		mfa := MFANo
		if r.Destructive {
			mfa = MFADestructive
		} else if r.RequireMFA {
			mfa = MFAYes
		}
		out[r.Key()] = access{AccountID: r.Account.ID, Profile: r.ProfileName, MFA: mfa}
	}
	for _, g := range l.Groups {
		for _, r := range g.Roles {
			a := out[r.Key()]
			a.Groups = append(a.Groups, g.Name)
			out[r.Key()] = a
		}
	}
	for _, u := range l.Users {
		for r := range userRoles(l, u) {
			a := out[r.Key()]
			a.Users = append(a.Users, u.Name)
			out[r.Key()] = a
		}
	}
	for k, a := range out {
		sort.Strings(a.Groups)
		sort.Strings(a.Users)
		out[k] = a
	}
	return out
}

// parseMarkdown reads the table back into rows by role key.
// tableOf is the matrix's Markdown without the trust note above its
// tables, failing when the note is not the one for the layout's mode.
func tableOf(t *testing.T, m Matrix) string {
	t.Helper()
	md := m.Markdown()
	note := m.TrustNote()
	if note == "" || !strings.HasPrefix(md, note) {
		t.Fatalf("the matrix does not start with its trust note %q:\n%s", note, md)
	}
	return strings.TrimPrefix(md, note)
}

func parseMarkdown(t *testing.T, text string) map[string]access {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	cells := func(line string) []string {
		parts := strings.Split(strings.Trim(line, "|"), "|")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return parts
	}
	if got := cells(lines[0]); !reflect.DeepEqual(got, MatrixColumns) {
		t.Fatalf("header = %v, want %v", got, MatrixColumns)
	}
	names := func(cell string) []string {
		if cell == Nobody {
			return nil
		}
		return strings.Split(cell, ", ")
	}
	out := map[string]access{}
	for _, line := range lines[2:] {
		c := cells(line)
		if len(c) != len(MatrixColumns) {
			t.Fatalf("row %q has %d cells", line, len(c))
		}
		key := c[0] + "/" + c[2]
		if _, dup := out[key]; dup {
			t.Errorf("role %s has two rows", key)
		}
		out[key] = access{AccountID: c[1], Profile: c[3], MFA: c[4], Groups: names(c[5]), Users: names(c[6])}
	}
	return out
}

func TestAccessMatrixTableSaysWhoMayAssumeWhichRoleAndWithWhatMFA(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			got := parseMarkdown(t, tableOf(t, AccessMatrix(f.layout)))
			if want := expectedAccess(f.layout); !reflect.DeepEqual(got, want) {
				t.Errorf("matrix:\n got %v\nwant %v", got, want)
			}
		})
	}
	// What the seeds promise, literally.
	got := parseMarkdown(t, tableOf(t, AccessMatrix(devLayout(t))))["production/AlfieDatabaseShutdown"]
	want := access{AccountID: "123456789012", Profile: "alfie-production-db-shutdown", MFA: MFADestructive, Groups: []string{"alfie-operators"}, Users: []string{"alice"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AlfieDatabaseShutdown row = %+v, want %+v", got, want)
	}
}

var (
	mermaidSubgraph = regexp.MustCompile(`^subgraph (\w+)\["(.*)"\]$`)
	mermaidNode     = regexp.MustCompile(`^(\w+)(?:\(\("(.*)"\)\)|\["(.*)"\])$`)
	mermaidEdge     = regexp.MustCompile(`^(\w+) (?:-- "(.*)" )?--> (\w+)$`)
)

// parseMermaid reads the flowchart back: "user -> group" edges and
// "group -label-> account/role" edges, by name.
func parseMermaid(t *testing.T, text string) (members, grants map[string]bool) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if lines[0] != "flowchart LR" {
		t.Fatalf("first line %q", lines[0])
	}
	label, account := map[string]string{}, map[string]string{}
	subgraph := ""
	members, grants = map[string]bool{}, map[string]bool{}
	var edges [][]string
	for _, line := range lines[1:] {
		line = strings.TrimSpace(line)
		if m := mermaidSubgraph.FindStringSubmatch(line); m != nil {
			subgraph = strings.Fields(m[2])[0]
			continue
		}
		if line == "end" {
			subgraph = ""
			continue
		}
		if m := mermaidNode.FindStringSubmatch(line); m != nil {
			label[m[1]] = m[2] + m[3]
			account[m[1]] = subgraph
			continue
		}
		m := mermaidEdge.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("unreadable line %q", line)
		}
		edges = append(edges, m[1:])
	}
	for _, e := range edges {
		from, edgeLabel, to := e[0], e[1], e[2]
		switch {
		case edgeLabel == "":
			members[label[from]+" -> "+strings.TrimPrefix(label[to], "group ")] = true
		default:
			roleName := strings.SplitN(strings.TrimPrefix(label[to], "role "), "<br/>", 2)[0]
			grants[strings.TrimPrefix(label[from], "group ")+" -"+edgeLabel+"-> "+account[to]+"/"+roleName] = true
		}
	}
	return members, grants
}

func TestAccessMatrixDiagramDrawsEveryMembershipAndGrant(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			members, grants := parseMermaid(t, AccessMatrix(f.layout).Mermaid())
			wantMembers, wantGrants := map[string]bool{}, map[string]bool{}
			for _, u := range f.layout.Users {
				for _, g := range u.Groups {
					wantMembers[u.Name+" -> "+g.Name] = true
				}
			}
			for _, g := range f.layout.Groups {
				for _, r := range g.Roles {
					label := EdgeAssume
					if r.RequireMFA {
						label = EdgeAssumeWithMFA
					}
					wantGrants[g.Name+" -"+label+"-> "+r.Key()] = true
				}
			}
			if !reflect.DeepEqual(members, wantMembers) {
				t.Errorf("memberships:\n got %v\nwant %v", members, wantMembers)
			}
			if !reflect.DeepEqual(grants, wantGrants) {
				t.Errorf("grants:\n got %v\nwant %v", grants, wantGrants)
			}
		})
	}
}
