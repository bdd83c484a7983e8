package audit

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	awspolicy "github.com/hashicorp/awspolicyequivalence"
	"github.com/micahhausler/aws-iam-policy/policy"
)

// grant is one effect of a document: an effect for one principal (trusts)
// or none (identity policies), one action and one resource, with the
// conditions that guard it as text. Two documents' differences are named in
// these units, so that splitting or merging statements names nothing.
type grant struct {
	effect, principalType, principal, action, resource string
	conditions                                         []string
}

func (g grant) String() string {
	var b strings.Builder
	b.WriteString(g.effect + " " + g.action)
	if g.principal != "" {
		fmt.Fprintf(&b, " to %s %s", g.principalType, g.principal)
	}
	if g.resource != "" {
		b.WriteString(" on " + g.resource)
	}
	if len(g.conditions) > 0 {
		b.WriteString(" when " + strings.Join(g.conditions, " and "))
	} else {
		b.WriteString(" unconditionally")
	}
	return b.String()
}

// parseDocument reads a policy document as IAM returns it (URL-encoded) or
// as the program renders it (plain JSON).
func parseDocument(text string) (*policy.Policy, string, error) {
	plain := text
	if !strings.HasPrefix(strings.TrimSpace(text), "{") {
		decoded, err := url.QueryUnescape(text)
		if err != nil {
			return nil, "", fmt.Errorf("decoding policy document: %w", err)
		}
		plain = decoded
	}
	var doc policy.Policy
	if err := json.Unmarshal([]byte(plain), &doc); err != nil {
		return nil, "", fmt.Errorf("parsing policy document: %w", err)
	}
	return &doc, plain, nil
}

// equivalent compares two documents by meaning, as IAM evaluates them:
// awspolicyequivalence, without statement IDs, which name statements but
// grant nothing (it would tell a trust without its Sid from the program's).
func equivalent(live, expected string) (bool, error) {
	_, plain, err := parseDocument(live)
	if err != nil {
		return false, err
	}
	a, err := withoutSids(plain)
	if err != nil {
		return false, err
	}
	b, err := withoutSids(expected)
	if err != nil {
		return false, err
	}
	return awspolicy.PoliciesAreEquivalent(a, b)
}

// withoutSids is a document without its statements' Sid.
func withoutSids(doc string) (string, error) {
	var v map[string]any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return "", fmt.Errorf("parsing policy document: %w", err)
	}
	switch st := v["Statement"].(type) {
	case map[string]any:
		delete(st, "Sid")
	case []any:
		for _, s := range st {
			if m, ok := s.(map[string]any); ok {
				delete(m, "Sid")
			}
		}
	}
	out, err := json.Marshal(v)
	return string(out), err
}

// conditionText renders a statement's conditions, sorted, one per operator
// and key: `Bool aws:MultiFactorAuthPresent = true`.
func conditionText(c map[string]map[string]*policy.ConditionValue) []string {
	var out []string
	for op, keys := range c {
		for key, value := range keys {
			out = append(out, fmt.Sprintf("%s %s = %s", op, key, strings.Join(conditionValues(value), ", ")))
		}
	}
	sort.Strings(out)
	return out
}

// conditionValues are a condition's values as text, whatever JSON type
// they were written in ("true" and true mean the same to IAM).
func conditionValues(v *policy.ConditionValue) []string {
	if v == nil {
		return nil
	}
	strs, bools, nums := v.Values()
	out := append([]string(nil), strs...)
	for _, b := range bools {
		out = append(out, strconv.FormatBool(b))
	}
	for _, n := range nums {
		out = append(out, strconv.FormatFloat(n, 'f', -1, 64))
	}
	sort.Strings(out)
	return out
}

// principals lists a statement's principals by kind ("AWS", "Federated",
// "Service", "CanonicalUser", "*"); NotPrincipal kinds are prefixed with
// "not ".
func principals(s policy.Statement) [][2]string {
	var out [][2]string
	add := func(prefix string, p *policy.Principal) {
		if p == nil {
			return
		}
		for _, kind := range p.Kinds() {
			var values *policy.StringOrSlice
			switch kind {
			case policy.PrincipalKindAll:
				out = append(out, [2]string{prefix + "*", "*"})
				continue
			case policy.PrincipalKindAWS:
				values = p.AWS()
			case policy.PrincipalKindFederated:
				values = p.Federated()
			case policy.PrincipalKindService:
				values = p.Service()
			case policy.PrincipalKindCanonical:
				values = p.CanonicalUser()
			}
			for _, v := range values.Values() {
				out = append(out, [2]string{prefix + kind, v})
			}
		}
	}
	add("", s.Principal)
	add("not ", s.NotPrincipal)
	return out
}

func values(s *policy.StringOrSlice, not bool) []string {
	if s == nil {
		return nil
	}
	vs := s.Values()
	if !not {
		return vs
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "not " + v
	}
	return out
}

// grants flattens a document into its grants.
func grants(doc *policy.Policy) []grant {
	var out []grant
	if doc == nil || doc.Statements == nil {
		return nil
	}
	for _, s := range doc.Statements.Values() {
		who := principals(s)
		if len(who) == 0 {
			who = [][2]string{{"", ""}}
		}
		actions := append(values(s.Action, false), values(s.NotAction, true)...)
		resources := append(values(s.Resource, false), values(s.NotResource, true)...)
		if len(resources) == 0 {
			resources = []string{""}
		}
		conditions := conditionText(s.Condition)
		for _, p := range who {
			for _, a := range actions {
				for _, r := range resources {
					out = append(out, grant{effect: s.Effect, principalType: p[0], principal: p[1], action: a, resource: r, conditions: conditions})
				}
			}
		}
	}
	return out
}

// differences names what two documents grant differently: "live only: ..."
// and "declared only: ...", sorted. It describes; equivalent decides.
func differences(live, expected *policy.Policy) []string {
	count := func(doc *policy.Policy) map[string]bool {
		set := map[string]bool{}
		for _, g := range grants(doc) {
			set[g.String()] = true
		}
		return set
	}
	l, e := count(live), count(expected)
	var out []string
	for g := range l {
		if !e[g] {
			out = append(out, "live only: "+g)
		}
	}
	for g := range e {
		if !l[g] {
			out = append(out, "declared only: "+g)
		}
	}
	sort.Strings(out)
	return out
}

// compareDocuments compares a live document with the one the program
// would register: equal by meaning, or the differences. A difference
// awspolicyequivalence sees that the grants do not (an Id, a Version) is
// still named.
func compareDocuments(live, expected string) (bool, []string, error) {
	equal, err := equivalent(live, expected)
	if err != nil {
		return false, nil, err
	}
	if equal {
		return true, []string{}, nil
	}
	liveDoc, _, err := parseDocument(live)
	if err != nil {
		return false, nil, err
	}
	expectedDoc, _, err := parseDocument(expected)
	if err != nil {
		return false, nil, err
	}
	diff := differences(liveDoc, expectedDoc)
	if len(diff) == 0 {
		diff = []string{fmt.Sprintf("the documents differ outside their statements (Version %q, declared %q)", liveDoc.Version, expectedDoc.Version)}
	}
	return false, diff, nil
}
