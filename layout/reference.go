package layout

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ReferenceMarkdown returns the reference table of every key of
// `iam-layout:organization`, generated from the definition tree: the table of
// docs/configuration.md (`iam-layout schema --format markdown`).
func ReferenceMarkdown() string {
	var b strings.Builder
	b.WriteString("| key | type | default | meaning |\n")
	b.WriteString("|---|---|---|---|\n")
	walkKeys("", organizationKeys, func(path string, k, parent *Key) {
		if k.Kind == KindMap {
			// The entry's row stands for the map: accounts.<name>.
			return
		}
		meaning := k.Description
		if parent != nil && parent.Kind == KindMap {
			meaning = joinSentences(parent.Description, k.Description)
		} else {
			parent = nil
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", path, k.Kind.kindName(), defaultCell(k), cell(joinSentences(meaning, constraints(k, parent))))
	})
	return b.String()
}

func defaultCell(k *Key) string {
	switch {
	case k.Required:
		return "required"
	case k.DefaultText != "":
		return k.DefaultText
	case k.Default != nil:
		if s, ok := k.Default.(string); ok {
			return "`" + s + "`"
		}
		v, _ := json.Marshal(k.Default)
		return "`" + string(v) + "`"
	case k.Kind == KindObject || k.Kind == KindMap:
		return ""
	}
	return "none"
}

// constraints spells out the bounds and values the schema enforces, so the
// descriptions need not repeat them. m is the map whose entry k is, if any.
func constraints(k *Key, m *Key) string {
	var parts []string
	if m != nil && m.NameMaxLength > 0 {
		parts = append(parts, fmt.Sprintf("names of at most %d characters", m.NameMaxLength))
	}
	if len(k.Enum) > 0 {
		parts = append(parts, "one of "+codeList(k.Enum))
	}
	if k.Max != 0 {
		parts = append(parts, fmt.Sprintf("%d to %d", k.Min, k.Max))
	}
	each := ""
	if k.Kind == KindStrings || k.Kind == KindAccountIDs {
		each = "each "
	}
	switch {
	case k.MinLength > 0 && k.MaxLength > 0:
		parts = append(parts, fmt.Sprintf("%s%d to %d characters", each, k.MinLength, k.MaxLength))
	case k.MaxLength > 0:
		parts = append(parts, fmt.Sprintf("%sat most %d characters", each, k.MaxLength))
	}
	switch {
	case k.MinItems > 0 && k.MaxItems > 0:
		parts = append(parts, fmt.Sprintf("%d to %d items", k.MinItems, k.MaxItems))
	case k.MinItems > 0:
		parts = append(parts, fmt.Sprintf("at least %d item", k.MinItems))
	}
	if k.MaxEntries > 0 {
		parts = append(parts, fmt.Sprintf("at most %d entries", k.MaxEntries))
	}
	out := ""
	if len(parts) > 0 {
		out = strings.ToUpper(parts[0][:1]) + parts[0][1:]
		if len(parts) > 1 {
			out += "; " + strings.Join(parts[1:], "; ")
		}
		out += "."
	}
	if k.See != "" {
		out = joinSentences(out, "See "+k.See+".")
	}
	return out
}

func codeList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	return strings.Join(quoted, ", ")
}

func joinSentences(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// cell keeps a table cell on one row.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
