package layout

import (
	"bytes"
	"encoding/json"
	"strings"
)

// mappingShape is the smallest useful organization, shown when the value is
// not a mapping at all. It is valid: a test loads it.
const mappingShape = `
      iam-layout:organization:
        masterAccountId: "012345678901"
        accounts:
          development: {id: "345678901234"}
        roles:
          ReadOnly: {accounts: [development], managedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]}
        groups:
          readers: {roles: [ReadOnly]}
        users:
          alice: {groups: [readers]}`

// checkMapping reports a configuration value that is not a JSON object. The
// engine hands a YAML scalar (`iam-layout:organization: some text`) to the
// program as its bare text, which is not JSON; saying "is not valid JSON"
// there would send the person looking for a JSON typo they never wrote. So
// only text that starts like JSON and is broken is called invalid JSON; any
// other value is told it must be a mapping, with the shape to write.
func checkMapping(raw []byte, ps *Problems) bool {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		// parseSpec says the configuration is empty.
		return true
	}
	valid := json.Valid(b)
	var got string
	switch kind := kindOf(b); {
	case valid && (kind == kindObject || kind == kindNull):
		return true
	case !valid && (b[0] == '{' || b[0] == '['):
		var v any
		ps.Addf("", "is not valid JSON: %v", json.Unmarshal(b, &v))
		return false
	case !valid:
		got = "the text " + quoteClipped(string(b))
	case kind == kindString:
		var text string
		_ = json.Unmarshal(b, &text)
		got = "the text " + quoteClipped(text)
	case kind == kindNumber || kind == kindBool:
		got = kind.String() + " " + clip(string(b))
	default:
		got = kind.String()
	}
	ps.Addf("", "must be a mapping of keys, got %s; write it in Pulumi.<stack>.yaml like this (every key: docs/configuration.md):%s", got, mappingShape)
	return false
}

func quoteClipped(s string) string {
	return `"` + strings.ReplaceAll(clip(s), `"`, `\"`) + `"`
}

// addMissing reports a required value that is missing, unless a problem was
// already reported for the value given there: "is required" right after
// "must be a quoted string of 12 digits, got the number ..." would
// contradict it.
func addMissing(ps *Problems, path, format string, args ...any) {
	if hasProblemWithin(*ps, path) {
		return
	}
	ps.Addf(path, format, args...)
}

// hasProblemWithin reports a problem at path or at one of its elements or
// keys.
func hasProblemWithin(ps Problems, path string) bool {
	for _, p := range ps {
		if p.Path == path || (strings.HasPrefix(p.Path, path) && len(p.Path) > len(path) && (p.Path[len(path)] == '.' || p.Path[len(path)] == '[')) {
			return true
		}
	}
	return false
}

// checkDeclaresSomething reports a layout with nothing in it. Anything else
// may stand alone: the root stack of an organization split over several
// stacks holds only groups and people, no account (docs/scale.md, "Beyond
// one stack").
func checkDeclaresSomething(s *Spec, ps *Problems) {
	if len(s.Accounts)+len(s.Roles)+len(s.Groups)+len(s.Users) > 0 {
		return
	}
	for _, key := range []string{keyAccounts, keyRoles, keyGroups, keyUsers} {
		if hasProblemWithin(*ps, key) {
			// A value of the wrong type was reported already.
			return
		}
	}
	ps.Addf("", "declares nothing to lay out: add accounts and the roles placed in them, groups that may assume the roles and users in the groups (the root stack of a split organization holds only groups and users)")
}
