package layout

import (
	"sort"
	"strings"
)

// Who a role's trust lets in from the management account (security.trust).
const (
	// TrustAccount trusts the management account's root, as seed 000
	// draws it: any principal there whose identity policies allow
	// sts:AssumeRole on the role gets in, declared or not.
	TrustAccount = "account"
	// TrustMembers names, by ARN, the users the file grants the role
	// definition: anyone else is refused by the trust itself, whatever
	// their identity policies allow.
	TrustMembers = "members"
)

var trustModes = []string{TrustAccount, TrustMembers}

// ClosedTrust reports whether roles' trusts name their members instead of
// the whole management account.
func (l *Layout) ClosedTrust() bool { return l.Security.Trust == TrustMembers }

// resolveTrust validates security.trust and, in members mode, gives every
// role placement the users its definition's trust names.
//
// The unit is the role definition, not the placement: a definition is one
// StackSet template in stackSets delivery, and keeping its trust the same
// in every account keeps both deliveries (and a hand-over between them)
// creating the same documents. The group grants still name exact placements,
// so a member granted a role in one account only is refused elsewhere by
// their identity policy; an outsider is refused by the trust everywhere.
func resolveTrust(l *Layout, ps *Problems) {
	path := joinPath(keySecurity, keyTrust)
	if !contains(trustModes, l.Security.Trust) {
		ps.Addf(path, "%q is not one of %s", clip(l.Security.Trust), strings.Join(trustModes, ", "))
		return
	}
	if !l.ClosedTrust() || !l.IAMAccess() {
		return
	}
	for _, g := range l.Groups {
		if g.ManagedBy != "" && len(g.Roles) > 0 {
			ps.Addf(joinPath(joinPath(keyGroups, g.Name), keyManagedBy),
				"under security.trust: %s a role's trust names the members of the groups granted it, and this group's members are declared in stack %s, not in this file: keep security.trust: %s in this stack, or declare these roles in %s",
				TrustMembers, g.ManagedBy, TrustAccount, g.ManagedBy)
		}
	}
	members := map[string]map[*User]bool{}
	for _, r := range l.Roles {
		set := members[r.Name]
		if set == nil {
			set = map[*User]bool{}
			members[r.Name] = set
		}
		for _, g := range r.Groups {
			for _, u := range g.Members {
				set[u] = true
			}
		}
	}
	trusted := make(map[string][]*User, len(members))
	for name, set := range members {
		users := make([]*User, 0, len(set))
		for u := range set {
			users = append(users, u)
		}
		sort.Slice(users, func(i, j int) bool { return users[i].Name < users[j].Name })
		trusted[name] = users
	}
	reported := map[string]bool{}
	for _, r := range l.Roles {
		r.TrustedUsers = trusted[r.Name]
		if len(r.TrustedUsers) > 0 || reported[r.Name] {
			continue
		}
		reported[r.Name] = true
		switch {
		case r.Workload != nil && len(r.Workload.Testers) > 0:
			ps.Addf(joinPath(joinPath(keyWorkloads, r.Name), keyGroups),
				"under security.trust: %s the testers' trust statement names their groups' members, and no user of this file is in %s: add the testers under users, or drop the groups",
				TrustMembers, strings.Join(r.Workload.Testers, ", "))
		case r.Workload == nil && len(r.TrustedAccounts) == 0:
			ps.Addf(joinPath(keyRoles, r.Name),
				"under security.trust: %s its trust would name nobody: no user of this file is in a group granted it, and IAM refuses a trust policy without a principal; grant it to a group with members, or remove it",
				TrustMembers)
		}
	}
}
