package audit

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/micahhausler/aws-iam-policy/policy"

	"iam-layout/layout"
	"iam-layout/policies"
)

// decide compares what was read with the layout.
func decide(l *layout.Layout, docs *policies.Documents, accounts []*layout.Account, placements []*layout.Role, mg *management, principals []Principal, live map[string]map[string]*liveRole, identity identityAnswers) (*Report, error) {
	d := &decider{l: l, docs: docs, mg: mg, principals: principals, identity: identity, members: liveMembers(mg), notes: map[string]bool{}}
	r := &Report{
		FormatVersion:     FormatVersion,
		ManagementAccount: l.MasterAccountID,
		Trust:             l.Security.Trust,
		MFAMaxAgeSeconds:  l.MFAMaxAgeSeconds,
		Accounts:          []string{},
		Placements:        []Placement{},
		UndeclaredRoles:   []LiveRole{},
		Groups:            []Group{},
		Notes:             []string{},
	}
	for _, a := range accounts {
		r.Accounts = append(r.Accounts, a.Name)
	}
	for _, role := range placements {
		pl, err := d.placement(role, live[role.Account.Name][role.Name])
		if err != nil {
			return nil, fmt.Errorf("placement %s: %w", role.Key(), err)
		}
		r.Placements = append(r.Placements, pl)
	}
	for _, a := range accounts {
		undeclared, err := d.undeclaredRoles(a, live[a.Name])
		if err != nil {
			return nil, err
		}
		r.UndeclaredRoles = append(r.UndeclaredRoles, undeclared...)
	}
	for _, g := range groupsOf(l, placements, len(accounts) == len(l.Accounts)) {
		group, err := d.group(g)
		if err != nil {
			return nil, fmt.Errorf("group %s: %w", g.Name, err)
		}
		r.Groups = append(r.Groups, group)
	}
	for n := range d.notes {
		r.Notes = append(r.Notes, n)
	}
	sort.Strings(r.Notes)
	r.Differences = countDifferences(r)
	r.Equal = r.Differences == 0
	return r, nil
}

// countDifferences counts what makes live differ from declared. Principals
// left undecided by a differing trust are counted with the trust.
func countDifferences(r *Report) int {
	n := len(r.UndeclaredRoles)
	for _, p := range r.Placements {
		n += len(p.Undeclared) + len(p.DeclaredDenied) + len(p.RoleDifferences)
		if p.Trust.Status != StatusEqual {
			n++
		}
	}
	for _, g := range r.Groups {
		if !g.Exists {
			n++
		}
		n += len(g.Members.AddedByHand) + len(g.Members.Missing) + len(g.Policies.Missing) + len(g.Policies.Undeclared)
		for _, gr := range g.Grants {
			if gr.Status != StatusEqual {
				n++
			}
		}
	}
	return n
}

type decider struct {
	l          *layout.Layout
	docs       *policies.Documents
	mg         *management
	principals []Principal
	identity   identityAnswers
	// members are each live group's members by name, sorted.
	members map[string][]string
	notes   map[string]bool
}

func liveMembers(mg *management) map[string][]string {
	out := map[string][]string{}
	for name, u := range mg.users {
		for _, g := range u.GroupList {
			out[g] = append(out[g], name)
		}
	}
	for _, names := range out {
		sort.Strings(names)
	}
	return out
}

// declaredMFA are the MFA contexts in which the file lets a member in.
func declaredMFA(r *layout.Role) []string {
	if r.RequireMFA {
		return []string{FreshMFA}
	}
	return mfaContexts
}

// declared are the principals the file grants a placement: the members of
// the groups granted it. A group whose members another stack declares
// counts its live members.
func (d *decider) declared(r *layout.Role) map[string]*Declared {
	out := map[string]*Declared{}
	add := func(name, arn, group string) {
		e := out[arn]
		if e == nil {
			e = &Declared{Principal: Principal{Type: "user", Name: name, ARN: arn}, MFA: declaredMFA(r)}
			out[arn] = e
		}
		e.Groups = append(e.Groups, group)
	}
	for _, g := range r.Groups {
		if g.ManagedBy != "" {
			d.notes[fmt.Sprintf("group %s: its members are declared in stack %s; its live members are taken as declared", g.Name, g.ManagedBy)] = true
			for _, name := range d.members[g.Name] {
				add(name, aws.ToString(d.mg.users[name].Arn), g.Name)
			}
			continue
		}
		for _, u := range g.Members {
			add(u.Name, u.ARN, g.Name)
		}
	}
	return out
}

// managementTrusted says whether the program's trust of r has a statement
// for the management account (policies.Trust, policies.WorkloadTrust).
func managementTrusted(l *layout.Layout, r *layout.Role) bool {
	if r.Workload != nil && len(r.Workload.Testers) == 0 {
		return false
	}
	return !l.ClosedTrust() || len(r.TrustedUsers) > 0
}

// trustAdmits says whether the program's own trust of r lets principal p
// in under an MFA context: in account mode any principal of the management
// account, in members mode only the users it names; with MFA only fresh.
func trustAdmits(l *layout.Layout, r *layout.Role, p Principal, mfa string) bool {
	if !managementTrusted(l, r) {
		return false
	}
	if l.ClosedTrust() && !slices.ContainsFunc(r.TrustedUsers, func(u *layout.User) bool { return u.ARN == p.ARN }) {
		return false
	}
	return !r.RequireMFA || mfa == FreshMFA
}

func (d *decider) placement(r *layout.Role, lr *liveRole) (Placement, error) {
	pl := Placement{
		Key: r.Key(), Account: r.Account.Name, AccountID: r.Account.ID, Role: r.Name, ARN: r.ARN,
		RequireMFA: r.RequireMFA, Exists: lr != nil,
		Declared: []Declared{}, Live: []Access{}, Undeclared: []Access{}, DeclaredDenied: []Denied{},
		Undecided: []Access{}, RefusedByTrust: []Access{}, RoleDifferences: []string{},
		Trust: TrustReport{Status: StatusMissing, Differences: []string{}, Statements: []TrustStatement{}},
	}
	declared := d.declared(r)
	var liveTrust *policy.Policy
	if lr != nil {
		doc, _, err := parseDocument(lr.trust)
		if err != nil {
			return pl, fmt.Errorf("live trust: %w", err)
		}
		liveTrust = doc
		equal, diff, err := compareDocuments(lr.trust, d.docs.Trust[r.Key()])
		if err != nil {
			return pl, fmt.Errorf("comparing the trust: %w", err)
		}
		pl.Trust = TrustReport{Status: StatusEqual, Differences: diff, Statements: trustStatements(doc)}
		if !equal {
			pl.Trust.Status = StatusDiffers
		}
		if pl.RoleDifferences, err = roleDifferences(r, lr); err != nil {
			return pl, err
		}
	}
	if r.ExternalID != "" && managementTrusted(d.l, r) {
		d.notes[fmt.Sprintf("%s: the trust requires the external ID from management-account principals too; live access assumes they pass it", r.Key())] = true
	}
	seen := map[string]bool{}
	for _, p := range d.principals {
		seen[p.ARN] = true
		allowed, decisions := d.allowed(p, r)
		want := []string{}
		if e := declared[p.ARN]; e != nil {
			want = e.MFA
		}
		var liveMFA, refused, undecided []string
		for _, mfa := range allowed {
			switch {
			case lr == nil:
			case pl.Trust.Status != StatusEqual:
				undecided = append(undecided, mfa)
			case trustAdmits(d.l, r, p, mfa):
				liveMFA = append(liveMFA, mfa)
			default:
				refused = append(refused, mfa)
			}
		}
		appendAccess(&pl.Live, p, liveMFA)
		appendAccess(&pl.Undecided, p, undecided)
		appendAccess(&pl.RefusedByTrust, p, refused)
		appendAccess(&pl.Undeclared, p, minus(liveMFA, want))
		// A declared context neither live nor undecided is denied, for the
		// reason of that context.
		reasons := map[string][]string{}
		for _, mfa := range minus(minus(want, liveMFA), undecided) {
			var why string
			switch {
			case lr == nil:
				why = "the role does not exist"
			case decisions[mfa] != iamtypes.PolicyEvaluationDecisionTypeAllowed:
				why = fmt.Sprintf("its identity policies do not allow it (simulator: %s)", decisions[mfa])
			default:
				why = "the trust refuses it"
			}
			reasons[why] = append(reasons[why], mfa)
		}
		appendDenied(&pl.DeclaredDenied, p, reasons)
	}
	for _, e := range declared {
		pl.Declared = append(pl.Declared, *e)
		if !seen[e.ARN] {
			appendDenied(&pl.DeclaredDenied, e.Principal, map[string][]string{"the user does not exist in the management account": e.MFA})
		}
	}
	sortByARN(pl.Declared, func(e Declared) string { return e.ARN })
	sortByARN(pl.DeclaredDenied, func(e Denied) string { return e.ARN + e.Reason })
	if r.Workload != nil {
		pl.Workload = workloadReport(d.l, r, liveTrust)
	}
	if tp := d.thirdParty(r, liveTrust); len(r.TrustedAccounts) > 0 || len(tp.Live.Accounts) > 0 {
		pl.ThirdParty = tp
	}
	return pl, nil
}

// allowed are the MFA contexts in which the simulator allows p to assume
// r, and the simulator's decision in each context.
func (d *decider) allowed(p Principal, r *layout.Role) ([]string, map[string]iamtypes.PolicyEvaluationDecisionType) {
	var out []string
	decisions := map[string]iamtypes.PolicyEvaluationDecisionType{}
	for _, mfa := range mfaContexts {
		v, ok := d.identity[p.ARN][mfa][r.ARN]
		if !ok {
			d.notes[fmt.Sprintf("the simulator gave no decision for %s on %s (%s): taken as denied", p.ARN, r.ARN, mfa)] = true
			v.decision = iamtypes.PolicyEvaluationDecisionTypeImplicitDeny
		}
		decisions[mfa] = v.decision
		if v.decision == iamtypes.PolicyEvaluationDecisionTypeAllowed {
			out = append(out, mfa)
		} else if len(v.missing) > 0 {
			d.notes[fmt.Sprintf("the simulator lacked context key(s) %s for %s (%s): its denial may not be what a real request gets", strings.Join(v.missing, ", "), p.ARN, mfa)] = true
		}
	}
	return out, decisions
}

func appendAccess(list *[]Access, p Principal, mfa []string) {
	if len(mfa) > 0 {
		*list = append(*list, Access{Principal: p, MFA: mfa})
	}
}

func appendDenied(list *[]Denied, p Principal, reasons map[string][]string) {
	for _, why := range sortedKeys(reasons) {
		*list = append(*list, Denied{Principal: p, MFA: reasons[why], Reason: why})
	}
}

// minus is a without the elements of b, in a's order.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func sortByARN[T any](list []T, key func(T) string) {
	sort.SliceStable(list, func(i, j int) bool { return key(list[i]) < key(list[j]) })
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// trustStatements lists a trust's principals with their actions and
// conditions.
func trustStatements(doc *policy.Policy) []TrustStatement {
	out := []TrustStatement{}
	if doc == nil || doc.Statements == nil {
		return out
	}
	for _, s := range doc.Statements.Values() {
		actions := append(values(s.Action, false), values(s.NotAction, true)...)
		conditions := conditionText(s.Condition)
		if conditions == nil {
			conditions = []string{}
		}
		for _, p := range principals(s) {
			out = append(out, TrustStatement{Effect: s.Effect, PrincipalType: p[0], Principal: p[1], Actions: actions, Conditions: conditions})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Principal != out[j].Principal {
			return out[i].Principal < out[j].Principal
		}
		return strings.Join(out[i].Conditions, ";") < strings.Join(out[j].Conditions, ";")
	})
	return out
}

// roleDifferences compares a role's own settings with the file.
func roleDifferences(r *layout.Role, lr *liveRole) ([]string, error) {
	out := []string{}
	if lr.path != r.Path {
		out = append(out, fmt.Sprintf("path: live %s, declared %s", lr.path, r.Path))
	}
	if int(lr.maxSession) != r.MaxSessionDuration {
		out = append(out, fmt.Sprintf("maxSessionDuration: live %d, declared %d", lr.maxSession, r.MaxSessionDuration))
	}
	if lr.boundary != r.PermissionsBoundary {
		out = append(out, fmt.Sprintf("permissions boundary: live %s, declared %s", orNone(lr.boundary), orNone(r.PermissionsBoundary)))
	}
	for _, arn := range minus(lr.attached, r.ManagedPolicyARNs) {
		out = append(out, "managed policy attached but not declared: "+arn)
	}
	for _, arn := range minus(r.ManagedPolicyARNs, lr.attached) {
		out = append(out, "declared managed policy not attached: "+arn)
	}
	declaredInline := map[string]string{}
	for _, p := range r.InlinePolicies {
		declaredInline[p.Name] = p.Document
		if _, ok := lr.inline[p.Name]; !ok {
			out = append(out, "declared inline policy missing: "+p.Name)
		}
	}
	for _, name := range sortedKeys(lr.inline) {
		want, ok := declaredInline[name]
		if !ok {
			out = append(out, "inline policy not declared: "+name)
			continue
		}
		equal, diff, err := compareDocuments(lr.inline[name], want)
		if err != nil {
			return nil, fmt.Errorf("inline policy %s: %w", name, err)
		}
		if !equal {
			for _, line := range diff {
				out = append(out, fmt.Sprintf("inline policy %s: %s", name, line))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// workloadReport is a CI workload's OIDC side, declared and as the live
// trust names it.
func workloadReport(l *layout.Layout, r *layout.Role, trust *policy.Policy) *Workload {
	w := r.Workload
	out := &Workload{
		Name: w.Name,
		Declared: CIAccess{
			Providers: []string{layout.OIDCProviderARN(l.Partition, r.Account.ID, w.Issuer.Host)},
			Audiences: []string{w.Audience},
			Subjects:  nonNil(w.Subjects),
			Patterns:  nonNil(w.Patterns),
		},
		Live: CIAccess{Providers: []string{}, Audiences: []string{}, Subjects: []string{}, Patterns: []string{}},
	}
	if trust == nil || trust.Statements == nil {
		return out
	}
	for _, s := range trust.Statements.Values() {
		federated := false
		for _, p := range principals(s) {
			if p[0] == policy.PrincipalKindFederated {
				federated = true
				out.Live.Providers = appendNew(out.Live.Providers, p[1])
			}
		}
		if !federated {
			continue
		}
		for op, keys := range s.Condition {
			for key, value := range keys {
				switch {
				case strings.HasSuffix(key, ":aud"):
					out.Live.Audiences = appendNew(out.Live.Audiences, conditionValues(value)...)
				case strings.HasSuffix(key, ":sub") && op == policies.OpStringEquals:
					out.Live.Subjects = appendNew(out.Live.Subjects, conditionValues(value)...)
				case strings.HasSuffix(key, ":sub"):
					// StringLike, or any other operator: a pattern, named
					// with its operator when it is not StringLike.
					for _, v := range conditionValues(value) {
						if op != policies.OpStringLike {
							v = op + " " + v
						}
						out.Live.Patterns = appendNew(out.Live.Patterns, v)
					}
				}
			}
		}
	}
	for _, list := range []*[]string{&out.Live.Providers, &out.Live.Audiences, &out.Live.Subjects, &out.Live.Patterns} {
		sort.Strings(*list)
	}
	return out
}

// thirdParty is the accounts other than the management account that a
// role trusts, declared and live, with the external IDs required.
func (d *decider) thirdParty(r *layout.Role, trust *policy.Policy) *ThirdParty {
	out := &ThirdParty{
		Declared: ThirdPartyAccess{Accounts: nonNil(r.TrustedAccounts), ExternalIDs: []string{}},
		Live:     ThirdPartyAccess{Accounts: []string{}, ExternalIDs: []string{}},
	}
	if r.ExternalID != "" {
		out.Declared.ExternalIDs = []string{r.ExternalID}
	}
	if trust == nil || trust.Statements == nil {
		return out
	}
	for _, s := range trust.Statements.Values() {
		other := false
		for _, p := range principals(s) {
			if p[0] != policy.PrincipalKindAWS {
				continue
			}
			if id := accountOf(p[1]); id != d.l.MasterAccountID {
				other = true
				out.Live.Accounts = appendNew(out.Live.Accounts, id)
			}
		}
		if !other {
			continue
		}
		for _, keys := range s.Condition {
			if v, ok := keys[policies.KeyExternalID]; ok {
				out.Live.ExternalIDs = appendNew(out.Live.ExternalIDs, conditionValues(v)...)
			}
		}
	}
	sort.Strings(out.Live.Accounts)
	sort.Strings(out.Live.ExternalIDs)
	return out
}

// accountOf is the account of an AWS principal: an ARN's fifth field, or
// a bare account ID; "*" stays "*".
func accountOf(principal string) string {
	parts := strings.Split(principal, ":")
	if len(parts) >= 6 && parts[0] == "arn" {
		return parts[4]
	}
	return principal
}

func appendNew(list []string, vs ...string) []string {
	for _, v := range vs {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return append([]string(nil), s...)
}

// undeclaredRoles are roles of an audited account named like a layout role
// definition that the layout does not place there.
func (d *decider) undeclaredRoles(a *layout.Account, live map[string]*liveRole) ([]LiveRole, error) {
	var out []LiveRole
	for _, name := range sortedKeys(live) {
		if slices.ContainsFunc(a.Roles, func(r *layout.Role) bool { return r.Name == name }) {
			continue
		}
		doc, _, err := parseDocument(live[name].trust)
		if err != nil {
			return nil, fmt.Errorf("account %s role %s: live trust: %w", a.Name, name, err)
		}
		out = append(out, LiveRole{Account: a.Name, AccountID: a.ID, Role: name, ARN: live[name].arn, Trust: trustStatements(doc)})
	}
	return out, nil
}

// groupsOf are the groups to report: all of them, or with --account those
// granted a placement in the audited accounts.
func groupsOf(l *layout.Layout, placements []*layout.Role, all bool) []*layout.Group {
	if all {
		return l.Groups
	}
	var out []*layout.Group
	for _, g := range l.Groups {
		if slices.ContainsFunc(g.Roles, func(r *layout.Role) bool { return slices.Contains(placements, r) }) {
			out = append(out, g)
		}
	}
	return out
}

// grantName matches the program's grant policy names of a group in this
// stack: <group>-assume-roles[-<suffix>][-N].
func grantName(l *layout.Layout, group string) *regexp.Regexp {
	base := policies.PolicyName(group, l.PolicyNameSuffix, 0)
	return regexp.MustCompile("^" + regexp.QuoteMeta(base) + "(-[0-9]+)?$")
}

func (d *decider) group(g *layout.Group) (Group, error) {
	gd, exists := d.mg.groups[g.Name]
	out := Group{
		Name: g.Name, ARN: g.ARN, Exists: exists, ManagedBy: g.ManagedBy,
		Members:  Members{Declared: []string{}, Live: nonNil(d.members[g.Name]), AddedByHand: []string{}, Missing: []string{}},
		Grants:   []Grant{},
		Policies: Policies{Missing: []string{}, Undeclared: []string{}},
	}
	if g.ManagedBy == "" {
		for _, u := range g.Members {
			out.Members.Declared = append(out.Members.Declared, u.Name)
		}
		sort.Strings(out.Members.Declared)
		out.Members.AddedByHand = nonNil(minus(out.Members.Live, out.Members.Declared))
		out.Members.Missing = nonNil(minus(out.Members.Declared, out.Members.Live))
	}
	attached := map[string]string{} // ARN -> name
	for _, p := range gd.AttachedManagedPolicies {
		attached[aws.ToString(p.PolicyArn)] = aws.ToString(p.PolicyName)
	}
	ours := map[string]bool{}
	for _, gp := range d.docs.Groups[g.Name] {
		arn := layout.PolicyARN(d.l.Partition, d.l.MasterAccountID, gp.Path, gp.Name)
		ours[arn] = true
		grant := Grant{Name: gp.Name, ARN: arn, Status: StatusMissing, Differences: []string{}}
		if doc, ok := d.mg.defaultDocument(arn); ok {
			equal, diff, err := compareDocuments(doc, gp.Document)
			if err != nil {
				return out, fmt.Errorf("grant %s: %w", gp.Name, err)
			}
			grant.Status, grant.Differences = StatusEqual, diff
			switch {
			case attached[arn] == "":
				grant.Status = StatusNotAttached
			case !equal:
				grant.Status = StatusDiffers
			}
		}
		out.Grants = append(out.Grants, grant)
	}
	pattern := grantName(d.l, g.Name)
	for _, arn := range sortedKeys(attached) {
		if ours[arn] || !pattern.MatchString(attached[arn]) {
			continue
		}
		ours[arn] = true
		grant := Grant{Name: attached[arn], ARN: arn, Status: StatusUndeclared, Differences: []string{}}
		if doc, ok := d.mg.defaultDocument(arn); ok {
			if parsed, _, err := parseDocument(doc); err == nil {
				grant.Differences = differences(parsed, nil)
			}
		}
		out.Grants = append(out.Grants, grant)
	}
	declared := append([]string(nil), g.ManagedPolicyARNs...)
	for _, s := range d.docs.Shared {
		if slices.Contains(s.Groups, g.Name) {
			declared = append(declared, layout.PolicyARN(d.l.Partition, d.l.MasterAccountID, s.Path, s.Name))
		}
	}
	for _, arn := range declared {
		if attached[arn] == "" {
			out.Policies.Missing = append(out.Policies.Missing, arn)
		}
	}
	// Other stacks attach to groups they own or grant to: only this
	// stack's own groups are held to their declared attachments.
	if g.ManagedBy == "" && !g.GrantedElsewhere {
		for _, arn := range sortedKeys(attached) {
			if !ours[arn] && !slices.Contains(declared, arn) {
				out.Policies.Undeclared = append(out.Policies.Undeclared, arn)
			}
		}
		for _, p := range gd.GroupPolicyList {
			out.Policies.Undeclared = append(out.Policies.Undeclared, "inline "+aws.ToString(p.PolicyName))
		}
	}
	sort.Strings(out.Policies.Missing)
	sort.Strings(out.Policies.Undeclared)
	return out, nil
}
