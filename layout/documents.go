package layout

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/micahhausler/aws-iam-policy/policy"
)

// maxInlineDocument is the aggregate inline policy size IAM allows per role;
// a single document beyond it can never be applied.
const maxInlineDocument = 10240

// resolveInlinePolicies validates each inline policy document of a role and
// returns them sorted by name, documents in canonical compact JSON.
func resolveInlinePolicies(ps *Problems, path string, docs map[string]json.RawMessage) []InlinePolicy {
	out := make([]InlinePolicy, 0, len(docs))
	for _, name := range slices.Sorted(maps.Keys(docs)) {
		p := joinPath(path, name)
		checkIAMName(ps, p, "policy name", name, 128)
		doc, err := IdentityPolicy(docs[name])
		if err != nil {
			ps.Addf(p, "%v", err)
			continue
		}
		out = append(out, InlinePolicy{Name: name, Document: doc})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// IdentityPolicy checks that raw is an identity-based policy document (given
// as an object, or as a JSON string holding one) and returns it as canonical
// compact JSON. It catches at plan time what IAM would only reject half-way
// through an update as MalformedPolicyDocument.
func IdentityPolicy(raw json.RawMessage) (string, error) {
	if len(raw) > maxInlineDocument*4 {
		return "", fmt.Errorf("policy document is %d bytes, far over IAM's %d-character limit", len(raw), maxInlineDocument)
	}
	if kindOf(raw) == kindString {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return "", fmt.Errorf("policy document is not a valid string: %v", err)
		}
		raw = json.RawMessage(text)
	}
	if kindOf(raw) != kindObject {
		return "", fmt.Errorf("policy document must be an object with Version and Statement, got %s", kindOf(raw))
	}
	var doc policy.Policy
	if err := json.Unmarshal(raw, &doc); err != nil {
		return "", fmt.Errorf("policy document is malformed: %v", err)
	}
	var problems []string
	if doc.Version != policy.VersionLatest {
		problems = append(problems, fmt.Sprintf("Version must be %q, got %q", policy.VersionLatest, clip(doc.Version)))
	}
	if doc.Statements == nil || len(doc.Statements.Values()) == 0 {
		problems = append(problems, "Statement must hold at least one statement")
	} else {
		for i, st := range doc.Statements.Values() {
			problems = append(problems, statementProblems(i, st)...)
		}
	}
	if len(problems) > 0 {
		return "", fmt.Errorf("policy document is malformed: %s", strings.Join(problems, "; "))
	}
	out, err := json.Marshal(&doc)
	if err != nil {
		return "", fmt.Errorf("policy document cannot be re-encoded: %v", err)
	}
	if len(out) > maxInlineDocument {
		return "", fmt.Errorf("policy document is %d characters, over IAM's %d per role", len(out), maxInlineDocument)
	}
	return string(out), nil
}

func statementProblems(i int, st policy.Statement) []string {
	var out []string
	at := func(format string, args ...any) {
		out = append(out, fmt.Sprintf("Statement[%d]: ", i)+fmt.Sprintf(format, args...))
	}
	if st.Effect != policy.EffectAllow && st.Effect != policy.EffectDeny {
		at("Effect must be Allow or Deny, got %q", clip(st.Effect))
	}
	if (st.Action == nil) == (st.NotAction == nil) {
		at("needs exactly one of Action and NotAction")
	}
	if (st.Resource == nil) == (st.NotResource == nil) {
		at("needs exactly one of Resource and NotResource")
	}
	if st.Principal != nil || st.NotPrincipal != nil {
		at("an identity policy has no Principal")
	}
	for _, list := range []*policy.StringOrSlice{st.Action, st.NotAction, st.Resource, st.NotResource} {
		if list != nil && len(list.Values()) == 0 {
			at("Action and Resource lists must not be empty")
			break
		}
	}
	return out
}
