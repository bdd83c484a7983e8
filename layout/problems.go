package layout

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with an organization's configuration. Path names
// the field the way a person finds it in Pulumi.<stack>.yaml, e.g.
// "accounts.qa.id" or "groups.alfie-developers.roles[2]".
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string {
	if p.Path == "" {
		return "organization: " + p.Message
	}
	return p.Path + ": " + p.Message
}

// Problems collects every problem found in one pass, so that a person fixing
// a stack sees all of them at once instead of one per `pulumi up`.
type Problems []Problem

// Addf records a problem at path.
func (ps *Problems) Addf(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was found, otherwise a *ConfigError holding the
// problems sorted by path so the message is stable from run to run.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	sorted := append(Problems(nil), ps...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	return &ConfigError{Problems: sorted}
}

// ConfigError is returned for an organization configuration that cannot be
// laid out. It carries every problem found.
type ConfigError struct {
	Problems Problems
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	noun := "problems"
	if len(e.Problems) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "invalid organization configuration (%d %s):", len(e.Problems), noun)
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	return b.String()
}

// joinPath builds the path of a child field. Map keys that are not plain
// identifiers are quoted so that a key like "a.b" cannot be mistaken for
// nesting.
func joinPath(parent, key string) string {
	if !plainKey(key) {
		key = fmt.Sprintf("%q", key)
	}
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func indexPath(parent string, i int) string { return fmt.Sprintf("%s[%d]", parent, i) }

func plainKey(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}
