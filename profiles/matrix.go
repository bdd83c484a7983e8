package profiles

import (
	"sort"
	"strings"

	"iam-layout/layout"
)

// Grant says who may assume one role placement.
type Grant struct {
	Role *layout.Role
	// Groups may assume the role; Users are their members, each once.
	Groups []*layout.Group
	Users  []*layout.User
}

// Matrix is who may assume which role in which account, one Grant per role
// placement in layout order (account, then role).
type Matrix struct {
	// MasterAccountID is the management account, where users and groups live.
	MasterAccountID string
	Grants          []Grant
	// SSO is who may use which permission set where; nil when Identity
	// Center is not in use (the matrix is then what it always was).
	SSO *SSOMatrix
	// Workloads are the CI workloads, whose roles are among the grants:
	// who else may assume them.
	Workloads []*layout.Workload
	// Trust is the layout's security.trust: whether the users listed are
	// all who can get in (members) or only those the file grants (account).
	Trust string
}

// AccessMatrix derives the matrix from the layout's group grants: the same
// grants the group policies are built from.
func AccessMatrix(l *layout.Layout) Matrix {
	m := Matrix{MasterAccountID: l.MasterAccountID, Grants: make([]Grant, 0, len(l.Roles)), SSO: ssoMatrix(l), Workloads: l.Workloads, Trust: l.Security.Trust}
	if !l.IAMAccess() {
		return m
	}
	for _, r := range l.Roles {
		m.Grants = append(m.Grants, Grant{Role: r, Groups: r.Groups, Users: usersOf(r.Groups, func(g *layout.Group) []*layout.User { return g.Members })})
	}
	return m
}

// usersOf is every member of the groups, once, sorted by name.
func usersOf[G any](groups []G, members func(G) []*layout.User) []*layout.User {
	seen := map[*layout.User]bool{}
	var out []*layout.User
	for _, g := range groups {
		for _, u := range members(g) {
			if !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Matrix table columns.
const (
	ColumnAccount   = "account"
	ColumnAccountID = "account ID"
	ColumnRole      = "role"
	ColumnProfile   = "profile"
	ColumnMFA       = "MFA"
	ColumnGroups    = "groups"
	ColumnUsers     = "users"
)

// MatrixColumns are the Markdown table's columns, in order.
var MatrixColumns = []string{ColumnAccount, ColumnAccountID, ColumnRole, ColumnProfile, ColumnMFA, ColumnGroups, ColumnUsers}

// Cell values of the MFA column and of empty lists.
const (
	MFANo          = "no"
	MFAYes         = "yes"
	MFADestructive = "yes (destructive)"
	Nobody         = "nobody"
	// NoProfile is the profile cell of a workload's role no group may
	// assume: only its CI may.
	NoProfile = "none (CI only)"
)

// Markdown renders the matrix as a table, one row per role placement.
// Names cannot hold '|' (IAM and config validation), so no cell needs
// escaping.
func (m Matrix) Markdown() string {
	if m.SSO != nil {
		return m.markdownWithSSO()
	}
	var b strings.Builder
	b.WriteString(m.TrustNote())
	b.WriteString("| " + strings.Join(MatrixColumns, " | ") + " |\n")
	b.WriteString(strings.Repeat("|---", len(MatrixColumns)) + "|\n")
	for _, g := range m.Grants {
		r := g.Role
		groups := make([]string, len(g.Groups))
		for i, grp := range g.Groups {
			groups[i] = grp.Name
		}
		users := make([]string, len(g.Users))
		for i, u := range g.Users {
			users[i] = u.Name
		}
		cells := []string{r.Account.Name, r.Account.ID, r.Name, profileCell(r), mfaCell(r), list(groups), list(users)}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	m.workloadsMarkdown(&b)
	return b.String()
}

// TrustNote says, above the table, how far the users listed are everyone
// who can assume the roles: a matrix read as complete when the trust
// admits the whole management account would hide its administrators.
// Empty when no IAM role is laid out.
func (m Matrix) TrustNote() string {
	if len(m.Grants) == 0 {
		return ""
	}
	if m.Trust == layout.TrustMembers {
		return "Trust: `" + layout.TrustMembers + "`. Each role's trust names the users of the groups granted its definition, by ARN: " +
			"nobody else can assume it, whatever their own policies allow.\n\n"
	}
	return "Trust: `" + layout.TrustAccount + "`. Each role trusts the whole management account " + m.MasterAccountID +
		": besides the users listed, anyone there whose own policies allow `sts:AssumeRole` on the role " +
		"(an administrator, a CI user allowed `*`) can assume it. `security.trust: " + layout.TrustMembers + "` closes that.\n\n"
}

// profileCell is a role's profile, or NoProfile for a workload's role
// only its CI may assume.
func profileCell(r *layout.Role) string {
	if !r.HasProfile() {
		return NoProfile
	}
	return r.ProfileName
}

func mfaCell(r *layout.Role) string {
	switch {
	case r.Destructive:
		return MFADestructive
	case r.RequireMFA:
		return MFAYes
	default:
		return MFANo
	}
}

func list(names []string) string {
	if len(names) == 0 {
		return Nobody
	}
	return strings.Join(names, ", ")
}

// Mermaid edge labels.
const (
	EdgeAssume        = "sts:AssumeRole"
	EdgeAssumeWithMFA = "sts:AssumeRole + MFA"
)

// Mermaid renders the matrix as a flowchart: users and groups in the
// management account, roles in their accounts, one labelled edge per grant.
// Node IDs are positional (u1, g1, a1, r1) because names may hold characters
// Mermaid IDs cannot; labels carry the names.
func (m Matrix) Mermaid() string {
	return m.mermaid()
}
