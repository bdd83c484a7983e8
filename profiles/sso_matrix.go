package profiles

import (
	"fmt"
	"sort"
	"strings"

	"iam-layout/layout"
)

// SSOMatrix is who may use which permission set in which account through
// Identity Center.
type SSOMatrix struct {
	// Region is Identity Center's region.
	Region string
	// Grants has one entry per sso placement, by key (account/role).
	Grants []SSOGrant
}

// SSOGrant says who may use one permission set in one account.
type SSOGrant struct {
	Placement *layout.SSOPlacement
	// Groups are the Identity Center groups assigned it; Users are their
	// members the configuration knows of, each once.
	Groups []*layout.IdentityCenterGroup
	Users  []*layout.User
}

// ssoMatrix derives the Identity Center side of the matrix from the
// assignments, the same ones the program registers; nil when Identity
// Center is not in use.
func ssoMatrix(l *layout.Layout) *SSOMatrix {
	if !l.IdentityCenterAccess() {
		return nil
	}
	m := &SSOMatrix{Region: l.IdentityCenter.Region}
	for _, pl := range l.IdentityCenter.Placements {
		m.Grants = append(m.Grants, SSOGrant{Placement: pl, Groups: pl.Groups, Users: usersOf(pl.Groups, func(g *layout.IdentityCenterGroup) []*layout.User { return g.Users })})
	}
	sort.Slice(m.Grants, func(i, j int) bool { return m.Grants[i].Placement.Key() < m.Grants[j].Placement.Key() })
	return m
}

// ColumnAccess is the column saying which way a row's access goes, present
// only when Identity Center is in use.
const ColumnAccess = "access"

// SSOMatrixColumns are the Markdown table's columns with Identity Center.
var SSOMatrixColumns = []string{ColumnAccount, ColumnAccountID, ColumnRole, ColumnAccess, ColumnProfile, ColumnMFA, ColumnGroups, ColumnUsers}

// Cells of the access and MFA columns for the two ways in.
const (
	AccessIAMRole          = "IAM role"
	AccessPermissionSet    = "permission set "
	MFAAtSignIn            = "at sign-in"
	MFAAtSignInDestructive = "at sign-in (destructive)"
)

// matrixRow is one row of the table: an IAM grant or an sso grant.
type matrixRow struct {
	key   string
	cells []string
}

// markdownWithSSO renders both kinds of access, one row per role placement
// and way in, IAM before Identity Center for the same placement. Group and
// user cells hold config keys, which cannot hold '|'.
func (m Matrix) markdownWithSSO() string {
	var rows []matrixRow
	for _, g := range m.Grants {
		r := g.Role
		groups := make([]string, len(g.Groups))
		for i, grp := range g.Groups {
			groups[i] = grp.Name
		}
		rows = append(rows, matrixRow{r.Key(), []string{r.Account.Name, r.Account.ID, r.Name, AccessIAMRole, profileCell(r), mfaCell(r), list(groups), list(userNamesOf(g.Users))}})
	}
	for _, g := range m.SSO.Grants {
		pl := g.Placement
		groups := make([]string, len(g.Groups))
		for i, grp := range g.Groups {
			groups[i] = grp.Name()
		}
		mfa := MFAAtSignIn
		if pl.PermissionSet.Destructive {
			mfa = MFAAtSignInDestructive
		}
		r := pl.Role
		rows = append(rows, matrixRow{r.Key(), []string{r.Account.Name, r.Account.ID, r.Name, AccessPermissionSet + pl.PermissionSet.Name, pl.ProfileName, mfa, list(groups), list(userNamesOf(g.Users))}})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].key < rows[j].key })
	var b strings.Builder
	b.WriteString(m.TrustNote())
	b.WriteString("| " + strings.Join(SSOMatrixColumns, " | ") + " |\n")
	b.WriteString(strings.Repeat("|---", len(SSOMatrixColumns)) + "|\n")
	for _, row := range rows {
		b.WriteString("| " + strings.Join(row.cells, " | ") + " |\n")
	}
	m.workloadsMarkdown(&b)
	return b.String()
}

func userNamesOf(users []*layout.User) []string {
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = u.Name
	}
	return names
}

// EdgeAssigned labels an Identity Center assignment in the Mermaid picture.
const EdgeAssigned = "assigned"

// mermaid draws the matrix: IAM users and groups in the management account
// with their roles and, when Identity Center is in use, its users and groups
// with their permission sets, in each account side by side.
func (m Matrix) mermaid() string {
	var ssoGrants []SSOGrant
	if m.SSO != nil {
		ssoGrants = m.SSO.Grants
	}
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	userID, groupID := map[*layout.User]string{}, map[*layout.Group]string{}
	ssoUserID, ssoGroupID := map[*layout.User]string{}, map[*layout.IdentityCenterGroup]string{}
	var users, ssoUsers []*layout.User
	var groups []*layout.Group
	var ssoGroups []*layout.IdentityCenterGroup
	var accounts []*layout.Account
	seenAccount := map[*layout.Account]bool{}
	addAccount := func(a *layout.Account) {
		if !seenAccount[a] {
			seenAccount[a] = true
			accounts = append(accounts, a)
		}
	}
	for _, g := range m.Grants {
		for _, grp := range g.Groups {
			if groupID[grp] == "" {
				groupID[grp] = fmt.Sprintf("g%d", len(groupID)+1)
				groups = append(groups, grp)
			}
		}
		for _, u := range g.Users {
			if userID[u] == "" {
				userID[u] = fmt.Sprintf("u%d", len(userID)+1)
				users = append(users, u)
			}
		}
		addAccount(g.Role.Account)
	}
	for _, g := range ssoGrants {
		for _, grp := range g.Groups {
			if ssoGroupID[grp] == "" {
				ssoGroupID[grp] = fmt.Sprintf("s%d", len(ssoGroupID)+1)
				ssoGroups = append(ssoGroups, grp)
			}
		}
		for _, u := range g.Users {
			if ssoUserID[u] == "" {
				ssoUserID[u] = fmt.Sprintf("v%d", len(ssoUserID)+1)
				ssoUsers = append(ssoUsers, u)
			}
		}
		addAccount(g.Placement.Role.Account)
	}
	sort.SliceStable(accounts, func(i, j int) bool { return accounts[i].Name < accounts[j].Name })
	if m.SSO == nil || len(users)+len(groups) > 0 {
		fmt.Fprintf(&b, "  subgraph master[%q]\n", "management account "+m.MasterAccountID)
		for _, u := range users {
			fmt.Fprintf(&b, "    %s((%q))\n", userID[u], u.Name)
		}
		for _, grp := range groups {
			fmt.Fprintf(&b, "    %s[%q]\n", groupID[grp], "group "+grp.Name)
		}
		b.WriteString("  end\n")
	}
	if m.SSO != nil {
		fmt.Fprintf(&b, "  subgraph idc[%q]\n", "IAM Identity Center "+m.SSO.Region)
		for _, u := range ssoUsers {
			fmt.Fprintf(&b, "    %s((%q))\n", ssoUserID[u], u.Name)
		}
		for _, grp := range ssoGroups {
			fmt.Fprintf(&b, "    %s[%q]\n", ssoGroupID[grp], "group "+grp.Name())
		}
		b.WriteString("  end\n")
	}
	roleID, setID := map[*layout.Role]string{}, map[*layout.SSOPlacement]string{}
	for i, a := range accounts {
		fmt.Fprintf(&b, "  subgraph a%d[%q]\n", i+1, a.Name+" "+a.ID)
		for _, g := range m.Grants {
			if g.Role.Account != a {
				continue
			}
			roleID[g.Role] = fmt.Sprintf("r%d", len(roleID)+1)
			label := "role " + g.Role.Name
			if g.Role.Destructive {
				label += "<br/>destructive, MFA"
			} else if g.Role.RequireMFA {
				label += "<br/>MFA"
			}
			if g.Role.Workload != nil {
				label += "<br/>CI workload"
			}
			fmt.Fprintf(&b, "    %s[%q]\n", roleID[g.Role], label)
		}
		for _, g := range ssoGrants {
			pl := g.Placement
			if pl.Role.Account != a {
				continue
			}
			setID[pl] = fmt.Sprintf("p%d", len(setID)+1)
			label := "permission set " + pl.PermissionSet.Name
			if pl.PermissionSet.Destructive {
				label += "<br/>destructive, " + pl.PermissionSet.SessionDuration
			}
			fmt.Fprintf(&b, "    %s[%q]\n", setID[pl], label)
		}
		b.WriteString("  end\n")
	}
	for _, u := range users {
		for _, grp := range u.Groups {
			if groupID[grp] != "" {
				fmt.Fprintf(&b, "  %s --> %s\n", userID[u], groupID[grp])
			}
		}
	}
	for _, u := range ssoUsers {
		for _, grp := range ssoGroups {
			for _, member := range grp.Users {
				if member == u {
					fmt.Fprintf(&b, "  %s --> %s\n", ssoUserID[u], ssoGroupID[grp])
				}
			}
		}
	}
	for _, g := range m.Grants {
		label := EdgeAssume
		if g.Role.RequireMFA {
			label = EdgeAssumeWithMFA
		}
		for _, grp := range g.Groups {
			fmt.Fprintf(&b, "  %s -- %q --> %s\n", groupID[grp], label, roleID[g.Role])
		}
	}
	for _, g := range ssoGrants {
		for _, grp := range g.Groups {
			fmt.Fprintf(&b, "  %s -- %q --> %s\n", ssoGroupID[grp], EdgeAssigned, setID[g.Placement])
		}
	}
	m.workloadsMermaid(&b, roleID)
	return b.String()
}
