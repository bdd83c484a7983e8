// Package policycheck verifies every document the program generated against
// what the configuration declared, before anything is registered. It is a
// second, independent reading of the documents: a violation means the
// program has a bug, and the run stops with the offending document.
package policycheck

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/micahhausler/aws-iam-policy/policy"

	"iam-layout/layout"
	"iam-layout/policies"
)

// Violation is one broken rule in one document.
type Violation struct {
	// Document names the document: "trust policy of production/AlfieReadOnly".
	Document string
	Rule     string
	// Text is the offending document.
	Text string
}

// Error is every violation found.
type Error struct{ Violations []Violation }

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "policy check failed: %d generated document(s) break the layout's rules (a bug in iam-layout, please report it):", len(e.Violations))
	for _, v := range e.Violations {
		fmt.Fprintf(&b, "\n  - %s: %s\n    %s", v.Document, v.Rule, v.Text)
	}
	return b.String()
}

// Result is what Check found short of a violation.
type Result struct {
	// Unreachable are role keys no group may assume and no third party is
	// trusted for: declared, but nobody can use them.
	Unreachable []string
}

type checker struct {
	l          *layout.Layout
	violations []Violation
	actions    map[string]bool
	// docs are the documents providers delivery would create; the
	// StackSets check holds templates to them.
	docs *policies.Documents
	// members caches, in members mode, each role definition's declared
	// members by ARN.
	members map[string]map[string]bool
}

func (c *checker) fail(doc, text, format string, args ...any) {
	c.violations = append(c.violations, Violation{Document: doc, Rule: fmt.Sprintf(format, args...), Text: text})
}

// Check runs every rule over every document.
func Check(l *layout.Layout, docs *policies.Documents) (Result, error) {
	c := &checker{l: l, actions: assumeActions(l)}
	var res Result
	// Placements of one definition share their trust policy; a document is
	// read once per definition, which keeps the check linear in distinct
	// documents rather than in accounts.
	checked := map[string]string{}
	for _, r := range l.Roles {
		text := docs.Trust[r.Key()]
		if checked[r.Name] != text {
			c.trust(r, text)
			checked[r.Name] = text
		}
		if len(r.Groups) == 0 && len(r.TrustedAccounts) == 0 && r.Workload == nil {
			res.Unreachable = append(res.Unreachable, r.Key())
		}
	}
	for _, g := range l.Groups {
		c.group(g, docs.Groups[g.Name])
	}
	for _, s := range docs.Shared {
		c.generic("guardrail policy "+s.Name, s.Document)
	}
	if len(c.violations) > 0 {
		return res, &Error{Violations: c.violations}
	}
	return res, nil
}

func parse(text string) (*policy.Policy, error) {
	var p policy.Policy
	if err := json.Unmarshal([]byte(text), &p); err != nil {
		return nil, err
	}
	if p.Statements == nil || len(p.Statements.Values()) == 0 {
		return nil, fmt.Errorf("no statements")
	}
	return &p, nil
}

func values(s *policy.StringOrSlice) []string {
	if s == nil {
		return nil
	}
	return s.Values()
}

func (c *checker) trust(r *layout.Role, text string) {
	name := "trust policy of " + r.Key()
	doc, err := parse(text)
	if err != nil {
		c.fail(name, text, "does not parse: %v", err)
		return
	}
	if size := layout.PolicySize(text); size > c.l.Quotas.TrustPolicySize {
		c.fail(name, text, "is %d characters, over the quota of %d", size, c.l.Quotas.TrustPolicySize)
	}
	// Who may be trusted from the management account: its root in account
	// mode; in members mode exactly the declared members, every one of
	// them, and nothing that stands for the whole account.
	members := c.declaredMembers(r)
	allowed := map[string]bool{}
	if members == nil {
		allowed[layout.RootARN(c.l.Partition, c.l.MasterAccountID)] = true
	}
	for arn := range members {
		allowed[arn] = true
	}
	thirdParty := map[string]bool{}
	for _, id := range r.TrustedAccounts {
		root := layout.RootARN(c.l.Partition, id)
		allowed[root], thirdParty[root] = true, true
	}
	trustsMaster := false
	named := map[string]bool{}
	web := newWebIdentityCheck(c, r, name, text)
	for i, st := range doc.Statements.Values() {
		at := fmt.Sprintf("Statement[%d] ", i)
		if web.claims(at, st) {
			continue
		}
		c.common(name, text, at, st, true)
		if st.Effect != policy.EffectAllow {
			continue
		}
		if st.NotPrincipal != nil || st.Principal == nil {
			c.fail(name, text, "%shas no Principal or uses NotPrincipal", at)
			continue
		}
		for _, kind := range st.Principal.Kinds() {
			if kind != policy.PrincipalKindAWS {
				c.fail(name, text, "%strusts a %s principal; only accounts are trusted", at, kind)
			}
		}
		hasThirdParty, hasMember := false, false
		for _, p := range values(st.Principal.AWS()) {
			switch {
			case !allowed[p] && members != nil:
				c.fail(name, text, "%strusts %q, who is not a declared member of a group granted %s (security.trust: %s)", at, p, r.Name, layout.TrustMembers)
			case !allowed[p]:
				c.fail(name, text, "%strusts %q, wider than the management account and the declared third parties", at, p)
			case thirdParty[p]:
				hasThirdParty = true
			default:
				trustsMaster, hasMember = true, true
				named[p] = true
			}
		}
		if hasMember && members != nil {
			c.onlyNarrowingConditions(name, text, at, st)
		}
		if r.RequireMFA {
			c.requireMFA(name, text, at, st)
		}
		if r.ExternalID != "" || hasThirdParty {
			got := st.Condition[policies.OpStringEquals][policies.KeyExternalID]
			if got == nil || r.ExternalID == "" || !sameStrings(got, r.ExternalID) {
				c.fail(name, text, "%smust require sts:ExternalId %q", at, r.ExternalID)
			}
		}
	}
	web.finish(trustsMaster)
	if members != nil {
		var missing []string
		for arn := range members {
			if !named[arn] {
				missing = append(missing, arn)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			c.fail(name, text, "does not trust declared members %s", strings.Join(missing, ", "))
		}
		return
	}
	if !trustsMaster && (r.Workload == nil || len(r.Workload.Testers) > 0) {
		c.fail(name, text, "does not trust the management account %s", c.l.MasterAccountID)
	}
}

// declaredMembers is, in members mode, the set of user ARNs a role
// definition's trust must name, read from the groups granted each of its
// placements (not from the layout's own list of them); nil in account mode.
func (c *checker) declaredMembers(r *layout.Role) map[string]bool {
	if !c.l.ClosedTrust() {
		return nil
	}
	if c.members == nil {
		c.members = map[string]map[string]bool{}
		for _, p := range c.l.Roles {
			set := c.members[p.Name]
			if set == nil {
				set = map[string]bool{}
				c.members[p.Name] = set
			}
			for _, g := range p.Groups {
				for _, u := range g.Members {
					set[u.ARN] = true
				}
			}
		}
	}
	return c.members[r.Name]
}

// narrowing are the conditions a members-mode trust may put on its
// members: each only narrows who of them gets in. Anything else would be a
// second way of deciding who is trusted, which the principals alone decide.
var narrowing = map[string]map[string]bool{
	policies.OpBool:            {policies.KeyMFAPresent: true},
	policies.OpNumericLessThan: {policies.KeyMFAAge: true},
	policies.OpStringEquals:    {policies.KeyExternalID: true},
}

func (c *checker) onlyNarrowingConditions(name, text, at string, st policy.Statement) {
	for op, keys := range st.Condition {
		for key := range keys {
			if !narrowing[op][key] {
				c.fail(name, text, "%sputs %s %s on the declared members: under security.trust: %s the principals alone say who gets in, narrowed only by MFA and ExternalId", at, op, key, layout.TrustMembers)
			}
		}
	}
}

func (c *checker) group(g *layout.Group, pols []policies.GroupPolicy) {
	want := map[string]*layout.Role{}
	for _, r := range g.Roles {
		want[r.ARN] = r
	}
	granted := map[string]string{}
	for _, p := range pols {
		name := "policy " + p.Name + " of group " + g.Name
		if size := layout.PolicySize(p.Document); size > c.l.Quotas.ManagedPolicySize {
			c.fail(name, p.Document, "is %d characters, over the quota of %d", size, c.l.Quotas.ManagedPolicySize)
		}
		doc, err := parse(p.Document)
		if err != nil {
			c.fail(name, p.Document, "does not parse: %v", err)
			continue
		}
		for i, st := range doc.Statements.Values() {
			at := fmt.Sprintf("Statement[%d] ", i)
			c.common(name, p.Document, at, st, true)
			if st.Effect != policy.EffectAllow || st.Principal != nil || st.NotResource != nil || st.Resource == nil {
				c.fail(name, p.Document, "%smust be an Allow on listed resources, without Principal", at)
				continue
			}
			needsMFA := false
			for _, arn := range values(st.Resource) {
				r, ok := want[arn]
				switch {
				case !ok:
					c.fail(name, p.Document, "%sgrants %q, which the group was not declared to assume", at, arn)
				case granted[arn] != "":
					c.fail(name, p.Document, "%sgrants %q again (already in %s)", at, arn, granted[arn])
				default:
					granted[arn] = p.Name
					needsMFA = needsMFA || r.RequireMFA
				}
			}
			if needsMFA {
				c.requireMFA(name, p.Document, at, st)
			}
			if c.l.Security.RequireSessionNameMatchesUser {
				if got := st.Condition[policies.OpStringEquals][policies.KeyRoleSessionName]; got == nil || !sameStrings(got, policies.VarUsername) {
					c.fail(name, p.Document, "%smust require sts:RoleSessionName = %s", at, policies.VarUsername)
				}
			}
		}
	}
	var missing []string
	for arn := range want {
		if granted[arn] == "" {
			missing = append(missing, arn)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		c.fail("assume-role policies of group "+g.Name, "", "do not grant declared roles %s", strings.Join(missing, ", "))
	}
}

// generic applies the rules every document obeys.
func (c *checker) generic(name, text string) {
	doc, err := parse(text)
	if err != nil {
		c.fail(name, text, "does not parse: %v", err)
		return
	}
	for i, st := range doc.Statements.Values() {
		c.common(name, text, fmt.Sprintf("Statement[%d] ", i), st, false)
	}
}

// common applies the rules every statement obeys: no "*" principal, no
// Allow of an sts action on Resource "*", no Allow with NotAction, no
// IfExists operator on an MFA key in an Allow; with assumeOnly (trust and
// group documents) sts actions are only the organization's assume actions.
func (c *checker) common(name, text, at string, st policy.Statement, assumeOnly bool) {
	if st.Principal != nil {
		for _, p := range values(st.Principal.AWS()) {
			if p == "*" {
				c.fail(name, text, "%strusts the principal \"*\"", at)
			}
		}
		if len(st.Principal.Kinds()) == 1 && st.Principal.Kinds()[0] == policy.PrincipalKindAll {
			c.fail(name, text, "%strusts the principal \"*\"", at)
		}
	}
	if st.Effect != policy.EffectAllow {
		return
	}
	stsAction := false
	for _, a := range values(st.Action) {
		if strings.HasPrefix(strings.ToLower(a), "sts:") {
			stsAction = true
			if assumeOnly && !c.actions[a] {
				c.fail(name, text, "%sallows %q, not one of the organization's assume actions", at, a)
			}
		}
	}
	if st.NotAction != nil {
		c.fail(name, text, "%sis an Allow with NotAction", at)
	}
	for _, r := range values(st.Resource) {
		if stsAction && r == "*" {
			c.fail(name, text, "%sallows an sts action on Resource \"*\"", at)
		}
	}
	for op, keys := range st.Condition {
		if !strings.HasSuffix(op, "IfExists") {
			continue
		}
		for key := range keys {
			if key == policies.KeyMFAPresent || key == policies.KeyMFAAge {
				c.fail(name, text, "%suses %s on %s in an Allow, which lets long-term keys without MFA through", at, op, key)
			}
		}
	}
}

func (c *checker) requireMFA(name, text, at string, st policy.Statement) {
	present := st.Condition[policies.OpBool][policies.KeyMFAPresent]
	if present == nil || !sameStrings(present, "true") {
		c.fail(name, text, "%sgrants an MFA role without Bool %s \"true\"", at, policies.KeyMFAPresent)
	}
	age := st.Condition[policies.OpNumericLessThan][policies.KeyMFAAge]
	if age == nil || !sameStrings(age, fmt.Sprint(c.l.MFAMaxAgeSeconds)) {
		c.fail(name, text, "%sgrants an MFA role without NumericLessThan %s %d", at, policies.KeyMFAAge, c.l.MFAMaxAgeSeconds)
	}
}

func sameStrings(v *policy.ConditionValue, want ...string) bool {
	got, _, _ := v.Values()
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}
