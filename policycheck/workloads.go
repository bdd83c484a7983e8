package policycheck

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	awspolicy "github.com/hashicorp/awspolicyequivalence"
	"github.com/micahhausler/aws-iam-policy/policy"

	"iam-layout/layout"
	"iam-layout/policies"
	"iam-layout/stacksets"
)

// Operator prefixes that turn a condition into a set test. On a
// single-valued claim like `aud` or `sub`, ForAllValues is true when the key
// is absent, which is how common modules' OIDC trusts went inert
// (github/docs #15769); ForAnyValue has no business there either.
var setOperatorPrefixes = []string{"ForAllValues:", "ForAnyValue:"}

// webIdentityCheck reads the web-identity statements of one trust policy:
// a workload role's, or any role's, which must then have none.
type webIdentityCheck struct {
	c          *checker
	r          *layout.Role
	name, text string
	statements int
	// exact and patterns are the subjects the statements allow.
	exact, patterns map[string]bool
}

func newWebIdentityCheck(c *checker, r *layout.Role, name, text string) *webIdentityCheck {
	return &webIdentityCheck{c: c, r: r, name: name, text: text, exact: map[string]bool{}, patterns: map[string]bool{}}
}

// claims checks st when it is a web-identity statement of a workload's role
// and reports whether it was one. Other statements, and any statement of a
// role that is not a workload's (where a federated principal is a
// violation of the ordinary rules), are left to the caller.
func (v *webIdentityCheck) claims(at string, st policy.Statement) bool {
	w := v.r.Workload
	if w == nil {
		return false
	}
	federated := st.Principal != nil && slices.Contains(st.Principal.Kinds(), policy.PrincipalKindFederated)
	webAction := slices.ContainsFunc(values(st.Action), func(a string) bool {
		return strings.EqualFold(a, policies.ActionAssumeRoleWithWebIdentity)
	})
	if !federated && !webAction {
		return false
	}
	v.statements++
	c, name, text := v.c, v.name, v.text
	fail := func(format string, args ...any) { c.fail(name, text, at+format, args...) }
	c.common(name, text, at, st, false)
	if st.Effect != policy.EffectAllow {
		fail("is a web-identity %s; only Allow statements are generated", st.Effect)
		return true
	}
	provider := layout.OIDCProviderARN(c.l.Partition, v.r.Account.ID, w.Issuer.Host)
	if st.Principal == nil || !slices.Equal(st.Principal.Kinds(), []string{policy.PrincipalKindFederated}) ||
		!slices.Equal(values(st.Principal.Federated()), []string{provider}) {
		fail("must trust exactly the OIDC provider %s of account %s", provider, v.r.Account.Name)
	}
	if st.NotAction != nil || !slices.Equal(values(st.Action), []string{policies.ActionAssumeRoleWithWebIdentity}) {
		fail("must allow %s and nothing else", policies.ActionAssumeRoleWithWebIdentity)
	}
	audKey, subKey := policies.AudienceKey(w.Issuer), policies.SubjectKey(w.Issuer)
	for _, op := range slices.Sorted(maps.Keys(st.Condition)) {
		for _, prefix := range setOperatorPrefixes {
			if strings.HasPrefix(op, prefix) {
				fail("uses %s: on the single-valued aud and sub claims a set operator is true when the claim is absent, so the condition is inert", op)
			}
		}
		if op != policies.OpStringEquals && op != policies.OpStringLike {
			fail("uses operator %s; a web-identity trust uses StringEquals, and StringLike only for declared patterns", op)
		}
		for key := range st.Condition[op] {
			if key != audKey && key != subKey {
				fail("conditions %s, which is neither %s nor %s", key, audKey, subKey)
			}
		}
	}
	if aud := st.Condition[policies.OpStringEquals][audKey]; aud == nil || !sameStrings(aud, w.Audience) {
		fail("must require StringEquals %s %q: without it a token minted for any audience would do", audKey, w.Audience)
	}
	if st.Condition[policies.OpStringLike][audKey] != nil {
		fail("matches %s with StringLike; the audience is exact", audKey)
	}
	eq, like := st.Condition[policies.OpStringEquals][subKey], st.Condition[policies.OpStringLike][subKey]
	switch {
	case eq == nil && like == nil:
		fail("has no subject condition on %s: every repository and branch of the issuer could assume the role", subKey)
	case eq != nil && like != nil:
		fail("conditions %s under both StringEquals and StringLike, which one statement ANDs", subKey)
	}
	declaredExact, declaredPatterns := setOf(w.Subjects), setOf(w.Patterns)
	if eq != nil {
		got, _, _ := eq.Values()
		for _, s := range got {
			switch {
			case strings.Trim(s, "*?") == "":
				fail("allows the subject %q, which is every token of the issuer", s)
			case !declaredExact[s]:
				fail("allows the subject %q, which the workload does not declare", s)
			default:
				v.exact[s] = true
			}
		}
	}
	if like != nil {
		got, _, _ := like.Values()
		if len(w.Patterns) == 0 {
			fail("matches %s with StringLike, but the workload opted into no pattern", subKey)
		}
		for _, s := range got {
			switch {
			case strings.Trim(s, "*?") == "":
				fail("allows the subject pattern %q, which is every token of the issuer", s)
			case !declaredPatterns[s]:
				fail("allows the subject pattern %q, which the workload does not declare", s)
			default:
				v.patterns[s] = true
			}
		}
	}
	return true
}

// finish checks what the web-identity statements of a workload's trust
// allow together: exactly the declared subjects, and the management account
// only for declared testers.
func (v *webIdentityCheck) finish(trustsMaster bool) {
	w := v.r.Workload
	if w == nil {
		return
	}
	if v.statements == 0 {
		v.c.fail(v.name, v.text, "has no web-identity statement: workload %s's CI cannot assume its role", w.Name)
		return
	}
	if got := slices.Sorted(maps.Keys(v.exact)); !slices.Equal(got, w.Subjects) && !(len(got) == 0 && len(w.Subjects) == 0) {
		v.c.fail(v.name, v.text, "allows the subjects %v, declared %v", got, w.Subjects)
	}
	if got := slices.Sorted(maps.Keys(v.patterns)); !slices.Equal(got, w.Patterns) && !(len(got) == 0 && len(w.Patterns) == 0) {
		v.c.fail(v.name, v.text, "allows the subject patterns %v, declared %v", got, w.Patterns)
	}
	if trustsMaster && len(w.Testers) == 0 {
		v.c.fail(v.name, v.text, "trusts the management account, but workload %s names no group to test it", w.Name)
	}
}

func setOf(s []string) map[string]bool {
	out := make(map[string]bool, len(s))
	for _, v := range s {
		out[v] = true
	}
	return out
}

// workloadTemplateTrust reads a workload role's template trust as
// CloudFormation would in each account of the StackSet: it resolves Fn::Sub
// with that account's ID, checks the result with every trust rule, and
// holds it, by meaning, to the document providers delivery creates there.
func (c *checker) workloadTemplateTrust(name string, ss *stacksets.StackSet, doc any) {
	for _, r := range ss.Placements {
		at := name + " in account " + r.Account.Name
		resolved, err := resolveIntrinsics(doc, c.l.Partition, r.Account.ID)
		if err != nil {
			c.fail(at, ss.Template, "trust policy cannot be resolved: %v", err)
			continue
		}
		text, err := json.Marshal(resolved)
		if err != nil {
			c.fail(at, ss.Template, "trust policy cannot be read: %v", err)
			continue
		}
		c.trust(r, string(text))
		if c.docs == nil {
			continue
		}
		want := c.docs.Trust[r.Key()]
		if same, err := awspolicy.PoliciesAreEquivalent(string(text), want); err != nil || !same {
			c.fail(at, string(text), "trust policy differs from the one providers delivery creates (%s)%s", want, errorSuffix(err))
		}
	}
}

// resolveIntrinsics returns v with every Fn::Sub of a plain string resolved
// for one account, as CloudFormation would there. A trust policy holds no
// other intrinsic function and no other variable: either is a violation.
func resolveIntrinsics(v any, partition, accountID string) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		for key, arg := range t {
			if key != "Fn::Sub" && !strings.HasPrefix(key, "Fn::") && key != "Ref" {
				continue
			}
			if len(t) != 1 {
				return nil, fmt.Errorf("%s beside other keys", key)
			}
			s, ok := arg.(string)
			if key != "Fn::Sub" || !ok {
				return nil, fmt.Errorf("intrinsic function %s (only Fn::Sub of a string is expected)", key)
			}
			s = strings.ReplaceAll(s, "${AWS::AccountId}", accountID)
			s = strings.ReplaceAll(s, "${AWS::Partition}", partition)
			if strings.Contains(s, "${") {
				return nil, fmt.Errorf("Fn::Sub %q names a variable other than AWS::AccountId and AWS::Partition", s)
			}
			return s, nil
		}
		out := make(map[string]any, len(t))
		for key, e := range t {
			r, err := resolveIntrinsics(e, partition, accountID)
			if err != nil {
				return nil, err
			}
			out[key] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			r, err := resolveIntrinsics(e, partition, accountID)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

func errorSuffix(err error) string {
	if err == nil {
		return ""
	}
	return ": " + err.Error()
}
