package layout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// decoder walks the JSON form of the stack configuration (Pulumi hands
// structured config to programs as JSON) and records a Problem for each value
// of the wrong type, each unknown key and each duplicate key, instead of
// stopping at the first as encoding/json would.
type decoder struct {
	problems *Problems
}

type jsonKind int

const (
	kindNull jsonKind = iota
	kindObject
	kindArray
	kindString
	kindNumber
	kindBool
	kindInvalid
)

func (k jsonKind) String() string {
	return [...]string{"null", "an object", "a list", "a string", "a number", "a boolean", "invalid JSON"}[k]
}

func kindOf(raw json.RawMessage) jsonKind {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		return kindNull
	}
	switch c := b[0]; {
	case c == '{':
		return kindObject
	case c == '[':
		return kindArray
	case c == '"':
		return kindString
	case c == 't' || c == 'f':
		return kindBool
	case c == 'n':
		return kindNull
	case c == '-' || (c >= '0' && c <= '9'):
		return kindNumber
	}
	return kindInvalid
}

// present reports whether a field was given a non-null value.
func present(raw json.RawMessage) bool { return kindOf(raw) != kindNull }

// entry is one key of a JSON object, kept in document order.
type entry struct {
	key string
	raw json.RawMessage
}

// entries returns an object's keys in document order, reporting duplicates
// (which encoding/json would silently collapse to the last one).
func (d *decoder) entries(path string, raw json.RawMessage) ([]entry, bool) {
	if k := kindOf(raw); k != kindObject {
		d.problems.Addf(path, "must be an object, got %s", k)
		return nil, false
	}
	es, err := splitObject(raw)
	if err != nil {
		d.problems.Addf(path, "is not valid JSON: %v", err)
		return nil, false
	}
	out := es[:0]
	seen := make(map[string]bool, len(es))
	for _, e := range es {
		if seen[e.key] {
			d.problems.Addf(joinPath(path, e.key), "is given more than once")
			continue
		}
		seen[e.key] = true
		out = append(out, e)
	}
	return out, true
}

// fields reads an object whose keys are defined by def (schema.go),
// reporting unknown keys (they are usually typos, and a silently ignored typo
// in an IAM layout can mean a missing MFA condition). Taking the known keys
// from the definition tree means a key cannot be parsed without being
// defined, documented and in the JSON Schema.
func (d *decoder) fields(path string, raw json.RawMessage, def *Key) map[string]json.RawMessage {
	known := def.names
	if !present(raw) {
		return map[string]json.RawMessage{}
	}
	es, ok := d.entries(path, raw)
	if !ok {
		return map[string]json.RawMessage{}
	}
	out := make(map[string]json.RawMessage, len(es))
	for _, e := range es {
		if !contains(known, e.key) {
			d.problems.Addf(joinPath(path, e.key), "unknown key%s", suggest(e.key, known))
			continue
		}
		out[e.key] = e.raw
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// suggest names the known key closest to a misspelt one, when one is close.
func suggest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(key), strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	if len(known) == 0 {
		return " (none are declared)"
	}
	sorted := append([]string(nil), known...)
	sort.Strings(sorted)
	const shown = 8
	more := ""
	if len(sorted) > shown {
		more = fmt.Sprintf(" and %d more", len(sorted)-shown)
		sorted = sorted[:shown]
	}
	return fmt.Sprintf(" (declared: %s%s)", strings.Join(sorted, ", "), more)
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func (d *decoder) str(path string, raw json.RawMessage) string {
	if !present(raw) {
		return ""
	}
	if kindOf(raw) != kindString {
		d.problems.Addf(path, "must be a string, got %s", kindOf(raw))
		return ""
	}
	s, err := unquote(bytes.TrimSpace(raw))
	if err != nil {
		d.problems.Addf(path, "must be a string, got %s", kindOf(raw))
		return ""
	}
	return s
}

// accountID reads a 12-digit account ID. YAML turns an unquoted 012345678901
// into a number and drops the leading zero, so numbers are refused outright
// rather than padded back (the padding would hide a real typo), with the
// quoted form to write instead.
func (d *decoder) accountID(path string, raw json.RawMessage) string {
	if !present(raw) || d.numberAccountID(path, raw) {
		return ""
	}
	id := d.str(path, raw)
	if id != "" && !isAccountID(id) {
		d.problems.Addf(path, "must be exactly 12 digits, got %q", clip(id))
	}
	return id
}

// accountIDs reads a list of account IDs. The 12-digit check is left to
// validation, which knows what the IDs are for.
func (d *decoder) accountIDs(path string, raw json.RawMessage) []string {
	return d.list(path, raw, func(p string, item json.RawMessage) string {
		if d.numberAccountID(p, item) {
			return ""
		}
		return d.str(p, item)
	})
}

// numberAccountID reports an account ID that arrived as a number, and says
// so.
func (d *decoder) numberAccountID(path string, raw json.RawMessage) bool {
	if kindOf(raw) != kindNumber {
		return false
	}
	num := string(bytes.TrimSpace(raw))
	d.problems.Addf(path, "must be a quoted string of 12 digits, got the number %s %s", clip(num), numberIDHint(num))
	return true
}

// numberIDHint says how to write an account ID that YAML read as a number.
// YAML (and so the Pulumi engine) reads unquoted digits as a number, which
// drops leading zeros, and reads a 0 followed only by digits 0-7 as octal:
// 012345678901 arrives as 12345678901, 000000001234 as 668. The hint undoes
// whichever readings could have produced the number, and offers both when
// both could: nothing tells them apart.
func numberIDHint(num string) string {
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return "(unquoted, YAML reads an ID as a number): write the 12-digit ID in quotes"
	}
	decimal := strconv.FormatInt(n, 10)
	// Only an ID of 12 digits without a leading zero, or one holding an 8
	// or a 9, is read as a decimal number; 11 octal digits after the 0
	// are below 8^11.
	fromDecimal := len(decimal) == 12 || (len(decimal) < 12 && strings.ContainsAny(decimal, "89"))
	fromOctal := n < 1<<33
	padded, octal := fmt.Sprintf("%012d", n), fmt.Sprintf("%012o", n)
	switch {
	case fromDecimal && fromOctal:
		return fmt.Sprintf("(unquoted, YAML reads an ID as a number, dropping its leading zeros, and reads a 0 followed only by digits 0-7 as octal): write %q or %q in quotes, whichever you meant", octal, padded)
	case fromOctal:
		return fmt.Sprintf("(unquoted, YAML reads a 0 followed only by digits 0-7 as an octal number): write %q in quotes", octal)
	case fromDecimal && len(decimal) < 12:
		return fmt.Sprintf("(unquoted, YAML reads an ID as a number and drops its leading zeros): write %q in quotes", padded)
	case fromDecimal:
		return fmt.Sprintf("(unquoted, YAML reads an ID as a number): write %q in quotes", padded)
	}
	return "(unquoted, YAML reads an ID as a number): write the 12-digit ID in quotes"
}

// integer accepts a JSON number or a string of digits: `pulumi config set`
// stores scalars as strings.
func (d *decoder) integer(path string, raw json.RawMessage) (int, bool) {
	if !present(raw) {
		return 0, false
	}
	text := string(bytes.TrimSpace(raw))
	if kindOf(raw) == kindString {
		_ = json.Unmarshal(raw, &text)
	} else if kindOf(raw) != kindNumber {
		d.problems.Addf(path, "must be a whole number, got %s", kindOf(raw))
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil {
		d.problems.Addf(path, "must be a whole number, got %q", clip(text))
		return 0, false
	}
	return n, true
}

// boolean accepts true/false or the strings "true"/"false".
func (d *decoder) boolean(path string, raw json.RawMessage) (bool, bool) {
	if !present(raw) {
		return false, false
	}
	var text string
	switch kindOf(raw) {
	case kindBool:
		text = string(bytes.TrimSpace(raw))
	case kindString:
		_ = json.Unmarshal(raw, &text)
	default:
		d.problems.Addf(path, "must be true or false, got %s", kindOf(raw))
		return false, false
	}
	b, err := strconv.ParseBool(text)
	if err != nil {
		d.problems.Addf(path, "must be true or false, got %q", clip(text))
		return false, false
	}
	return b, true
}

// strings reads a list of strings, reporting each element of the wrong type
// and each exact duplicate.
func (d *decoder) strings(path string, raw json.RawMessage) []string {
	return d.list(path, raw, d.str)
}

// list reads a list of strings, each element read by elem (which reports
// its own problems and returns "" for an unusable element), reporting empty
// strings and exact duplicates.
func (d *decoder) list(path string, raw json.RawMessage, elem func(path string, raw json.RawMessage) string) []string {
	if !present(raw) {
		return nil
	}
	var plain []string
	if kindOf(raw) == kindArray && json.Unmarshal(raw, &plain) == nil && !hasDuplicateOrEmpty(plain) {
		// The common case: a clean list of strings, read in one call.
		return plain
	}
	var items []json.RawMessage
	if kindOf(raw) != kindArray || json.Unmarshal(raw, &items) != nil {
		d.problems.Addf(path, "must be a list of strings, got %s", kindOf(raw))
		return nil
	}
	out := make([]string, 0, len(items))
	seen := map[string]bool{}
	for i, item := range items {
		s := elem(indexPath(path, i), item)
		if s == "" {
			if kindOf(item) == kindString {
				d.problems.Addf(indexPath(path, i), "must not be empty")
			}
			continue
		}
		if seen[s] {
			d.problems.Addf(indexPath(path, i), "%q is listed more than once", clip(s))
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// stringMap reads an object of string values, such as tags.
func (d *decoder) stringMap(path string, raw json.RawMessage) map[string]string {
	if !present(raw) {
		return nil
	}
	es, ok := d.entries(path, raw)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(es))
	for _, e := range es {
		p := joinPath(path, e.key)
		switch kindOf(e.raw) {
		case kindString:
			out[e.key] = d.str(p, e.raw)
		case kindNumber, kindBool:
			// Tag values like `cost-centre: 42` are meant as text.
			out[e.key] = string(bytes.TrimSpace(e.raw))
		default:
			d.problems.Addf(p, "must be a string, got %s", kindOf(e.raw))
		}
	}
	return out
}

// clip shortens a hostile or mistaken value before it is echoed in an error.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + fmt.Sprintf("... (%d bytes)", len(s))
}

func hasDuplicateOrEmpty(items []string) bool {
	if len(items) < 16 {
		for i, a := range items {
			if a == "" {
				return true
			}
			for _, b := range items[:i] {
				if a == b {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]bool, len(items))
	for _, s := range items {
		if s == "" || seen[s] {
			return true
		}
		seen[s] = true
	}
	return false
}
