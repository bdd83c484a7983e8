// Package iameval evaluates IAM policy documents against one request, the way
// IAM's policy evaluation logic decides a cross-account sts:AssumeRole: the
// caller's identity policies and the role's trust policy must both allow it,
// and an explicit Deny in either wins. It exists for tests: they judge the
// documents the program generates by what they decide (conditions evaluated,
// not only present), independently of the code that wrote them.
//
// It covers what trust and grant documents use: Allow and Deny, Action and
// NotAction, Resource and NotResource, AWS principals (an ARN, an account
// root or ID standing for the whole account, "*"), and the String, Numeric,
// Bool, Arn and Null condition operators with IfExists and the
// ForAnyValue/ForAllValues set prefixes. Anything else is an error rather
// than a guess. Policy variables such as ${aws:username} are substituted
// from the request context.
package iameval

import (
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/micahhausler/aws-iam-policy/policy"
)

// Request is one API call to judge.
type Request struct {
	// Principal is the caller's ARN: an IAM user or role.
	Principal string
	Action    string
	// Resource is the ARN acted on: the role being assumed.
	Resource string
	// Context holds the request's condition keys (single-valued), e.g.
	// aws:MultiFactorAuthPresent; an absent key is absent from the request.
	Context map[string]string
}

// Decision is what one policy says about a request.
type Decision int

// Decisions, in IAM's order of precedence.
const (
	NotApplicable Decision = iota
	Allow
	Deny
)

func (d Decision) String() string {
	return [...]string{"not applicable", "allow", "deny"}[d]
}

// AssumeRole decides a cross-account sts:AssumeRole (or another action of
// the request): allowed only when some identity policy allows it, the
// trust allows it, and nothing denies it.
func AssumeRole(trust string, identity []string, req Request) (bool, error) {
	t, err := Evaluate(trust, req, true)
	if err != nil {
		return false, fmt.Errorf("trust policy: %w", err)
	}
	id := NotApplicable
	for i, doc := range identity {
		d, err := Evaluate(doc, req, false)
		if err != nil {
			return false, fmt.Errorf("identity policy %d: %w", i, err)
		}
		id = max(id, d)
	}
	return t == Allow && id == Allow, nil
}

// Evaluate decides one document: Deny when a matching statement denies,
// else Allow when one allows, else NotApplicable. resourcePolicy says the
// document is a resource (trust) policy, whose statements must name the
// caller as principal.
func Evaluate(doc string, req Request, resourcePolicy bool) (Decision, error) {
	var p policy.Policy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return NotApplicable, fmt.Errorf("parsing: %w", err)
	}
	if p.Statements == nil {
		return NotApplicable, fmt.Errorf("no statements")
	}
	out := NotApplicable
	for i, st := range p.Statements.Values() {
		ok, err := matches(st, req, resourcePolicy)
		if err != nil {
			return NotApplicable, fmt.Errorf("statement %d: %w", i, err)
		}
		if !ok {
			continue
		}
		switch st.Effect {
		case policy.EffectDeny:
			out = Deny
		case policy.EffectAllow:
			out = max(out, Allow)
		default:
			return NotApplicable, fmt.Errorf("statement %d: effect %q", i, st.Effect)
		}
	}
	return out, nil
}

func matches(st policy.Statement, req Request, resourcePolicy bool) (bool, error) {
	switch {
	case st.Action != nil && st.NotAction != nil, st.Action == nil && st.NotAction == nil:
		return false, fmt.Errorf("needs exactly one of Action and NotAction")
	case st.Action != nil && !anyMatch(st.Action.Values(), req.Action, true):
		return false, nil
	case st.NotAction != nil && anyMatch(st.NotAction.Values(), req.Action, true):
		return false, nil
	case st.Resource != nil && !anyMatch(st.Resource.Values(), req.Resource, false):
		return false, nil
	case st.NotResource != nil && anyMatch(st.NotResource.Values(), req.Resource, false):
		return false, nil
	}
	if resourcePolicy {
		if st.NotPrincipal != nil {
			return false, fmt.Errorf("NotPrincipal is not supported")
		}
		if !principalMatches(st.Principal, req.Principal) {
			return false, nil
		}
	} else if st.Principal != nil || st.NotPrincipal != nil {
		return false, fmt.Errorf("an identity policy has a Principal")
	}
	for op, keys := range st.Condition {
		for key, value := range keys {
			ok, err := condition(op, key, value, req.Context)
			if err != nil {
				return false, err
			}
			if !ok {
				return false, nil
			}
		}
	}
	return true, nil
}

// principalMatches: "*" is everyone; an account root (or a bare account ID)
// is every principal of that account; any other ARN is that principal.
func principalMatches(p *policy.Principal, caller string) bool {
	if p == nil {
		return false
	}
	for _, kind := range p.Kinds() {
		if kind == policy.PrincipalKindAll {
			return true
		}
	}
	if p.AWS() == nil {
		return false
	}
	account := accountOf(caller)
	for _, v := range p.AWS().Values() {
		switch {
		case v == "*", v == caller, v == account:
			return true
		case strings.HasSuffix(v, ":root") && accountOf(v) == account:
			return true
		}
	}
	return false
}

// accountOf is the account field of an ARN (arn:partition:service::account:...).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// anyMatch reports whether value matches one of the patterns, with IAM's
// wildcards (* and ?); actions compare case-insensitively.
func anyMatch(patterns []string, value string, fold bool) bool {
	for _, p := range patterns {
		if wildcard(p, value, fold) {
			return true
		}
	}
	return false
}

func wildcard(pattern, value string, fold bool) bool {
	if fold {
		pattern, value = strings.ToLower(pattern), strings.ToLower(value)
	}
	// path.Match treats '/' specially and knows character classes; IAM's
	// wildcards do not, so escape what path.Match would read otherwise.
	escaped := strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, "/", "\x00").Replace(pattern)
	ok, err := path.Match(escaped, strings.ReplaceAll(value, "/", "\x00"))
	return err == nil && ok
}

// condition evaluates one operator on one key.
func condition(op, key string, value *policy.ConditionValue, ctx map[string]string) (bool, error) {
	set := ""
	if before, after, ok := strings.Cut(op, ":"); ok {
		set, op = before, after
	}
	ifExists := strings.HasSuffix(op, "IfExists")
	op = strings.TrimSuffix(op, "IfExists")
	got, present := lookup(ctx, key)
	if op == "Null" {
		want, err := values(value, ctx)
		if err != nil || len(want) != 1 {
			return false, fmt.Errorf("Null on %s needs one value", key)
		}
		return strconv.FormatBool(!present) == want[0], nil
	}
	want, err := values(value, ctx)
	if err != nil {
		return false, fmt.Errorf("%s on %s: %w", op, key, err)
	}
	if !present {
		switch {
		case set == "ForAllValues":
			// Vacuously true: why these prefixes on single-valued keys
			// are a trap.
			return true, nil
		case ifExists:
			return true, nil
		default:
			return false, nil
		}
	}
	switch set {
	case "", "ForAnyValue", "ForAllValues":
	default:
		return false, fmt.Errorf("unknown set operator %q", set)
	}
	test, negated, err := operator(op)
	if err != nil {
		return false, err
	}
	hit := false
	for _, w := range want {
		ok, err := test(got, w)
		if err != nil {
			return false, fmt.Errorf("%s on %s: %w", op, key, err)
		}
		hit = hit || ok
	}
	return hit != negated, nil
}

// operator returns the test of an operator and whether it is negated (a
// Not operator matches when no value matches).
func operator(op string) (func(got, want string) (bool, error), bool, error) {
	number := func(cmp func(a, b float64) bool) func(got, want string) (bool, error) {
		return func(got, want string) (bool, error) {
			a, err := strconv.ParseFloat(got, 64)
			if err != nil {
				return false, nil // a non-number never matches a numeric operator
			}
			b, err := strconv.ParseFloat(want, 64)
			if err != nil {
				return false, fmt.Errorf("value %q is not a number", want)
			}
			return cmp(a, b), nil
		}
	}
	equal := func(got, want string) (bool, error) { return got == want, nil }
	like := func(got, want string) (bool, error) { return wildcard(want, got, false), nil }
	switch op {
	case "StringEquals", "ArnEquals":
		return equal, false, nil
	case "StringNotEquals", "ArnNotEquals":
		return equal, true, nil
	case "StringEqualsIgnoreCase":
		return func(got, want string) (bool, error) { return strings.EqualFold(got, want), nil }, false, nil
	case "StringNotEqualsIgnoreCase":
		return func(got, want string) (bool, error) { return strings.EqualFold(got, want), nil }, true, nil
	case "StringLike", "ArnLike":
		return like, false, nil
	case "StringNotLike", "ArnNotLike":
		return like, true, nil
	case "Bool":
		return func(got, want string) (bool, error) { return strings.EqualFold(got, want), nil }, false, nil
	case "NumericEquals":
		return number(func(a, b float64) bool { return a == b }), false, nil
	case "NumericNotEquals":
		return number(func(a, b float64) bool { return a == b }), true, nil
	case "NumericLessThan":
		return number(func(a, b float64) bool { return a < b }), false, nil
	case "NumericLessThanEquals":
		return number(func(a, b float64) bool { return a <= b }), false, nil
	case "NumericGreaterThan":
		return number(func(a, b float64) bool { return a > b }), false, nil
	case "NumericGreaterThanEquals":
		return number(func(a, b float64) bool { return a >= b }), false, nil
	}
	return nil, false, fmt.Errorf("unknown condition operator %q", op)
}

// lookup finds a context key; IAM's keys are case-insensitive.
func lookup(ctx map[string]string, key string) (string, bool) {
	if v, ok := ctx[key]; ok {
		return v, true
	}
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}

// values are a condition's values as strings, policy variables substituted.
func values(v *policy.ConditionValue, ctx map[string]string) ([]string, error) {
	strs, bools, nums := v.Values()
	var out []string
	for _, s := range strs {
		sub, err := substitute(s, ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	for _, b := range bools {
		out = append(out, strconv.FormatBool(b))
	}
	for _, n := range nums {
		out = append(out, strconv.FormatFloat(n, 'f', -1, 64))
	}
	return out, nil
}

// substitute replaces ${key} policy variables with the context's values;
// a variable missing from the context makes the value match nothing, as in
// IAM, which we model by an impossible string.
func substitute(s string, ctx map[string]string) (string, error) {
	var b strings.Builder
	for {
		start := strings.Index(s, "${")
		if start < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		end := strings.Index(s[start:], "}")
		if end < 0 {
			return "", fmt.Errorf("unterminated policy variable in %q", s)
		}
		b.WriteString(s[:start])
		key := s[start+2 : start+end]
		v, ok := lookup(ctx, key)
		if !ok {
			v = "\x00missing " + key + "\x00"
		}
		b.WriteString(v)
		s = s[start+end+1:]
	}
}
