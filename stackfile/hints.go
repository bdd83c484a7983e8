package stackfile

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// yamlLine finds the line a yaml.v3 error names ("yaml: line 10: ...").
var yamlLine = regexp.MustCompile(`line (\d+):`)

// tabHint says where a tab indents a line of a file YAML could not parse.
// yaml.v3 reports a tab in the indentation as "found character that cannot
// start any token" (or a tab that "violates indentation"), which does not
// say the character is a tab, invisible in most editors. The line the error
// names comes first; otherwise the first line indented with a tab.
func tabHint(data []byte, err error) string {
	lines := strings.Split(string(data), "\n")
	column := func(n int) int {
		if n < 1 || n > len(lines) {
			return 0
		}
		indent := lines[n-1][:len(lines[n-1])-len(strings.TrimLeft(lines[n-1], " \t"))]
		return strings.IndexByte(indent, '\t') + 1
	}
	n := 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ = strconv.Atoi(m[1])
	}
	if column(n) == 0 {
		n = 0
		for i := range lines {
			if column(i+1) > 0 {
				n = i + 1
				break
			}
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (line %d, column %d is a tab: YAML indents with spaces, never tabs)", n, column(n))
}

// MissingKeyError is a stack file without a key the program requires. Near
// are the keys it sets instead that look meant for it.
type MissingKeyError struct {
	Stack, Key string
	// Empty says the file sets no config at all (an empty file, or no
	// config: key).
	Empty bool
	Near  []string
}

func (e *MissingKeyError) Error() string {
	file := "Pulumi." + e.Stack + ".yaml"
	switch {
	case e.Empty:
		return fmt.Sprintf("stack %s has no %s: %s sets no config at all", e.Stack, e.Key, file)
	case len(e.Near) > 0:
		return fmt.Sprintf("stack %s has no %s: %s sets %s instead (did you mean %s?)", e.Stack, e.Key, file, strings.Join(e.Near, ", "), e.Key)
	}
	return fmt.Sprintf("stack %s has no %s", e.Stack, e.Key)
}

// Require returns the value of key ("namespace:name") in cfg, the config of
// stack, or a *MissingKeyError. The keys taken for a misspelling of key are
// the others of its namespace (the program reads one key of its own
// namespace, so any other is a typo, like iam-layout:organisation) and
// those of its name in another namespace or none (a project renamed in
// Pulumi.yaml but not in the stack file).
func Require(cfg map[string]string, stack, key string) (string, error) {
	if v, ok := cfg[key]; ok {
		return v, nil
	}
	namespace, name, _ := strings.Cut(key, ":")
	var near []string
	for k := range cfg {
		ns, n, found := strings.Cut(k, ":")
		if !found {
			ns, n = "", k
		}
		if strings.EqualFold(ns, namespace) || strings.EqualFold(n, name) {
			near = append(near, k)
		}
	}
	sort.Strings(near)
	return "", &MissingKeyError{Stack: stack, Key: key, Empty: len(cfg) == 0, Near: near}
}
