package audit

import (
	"fmt"
	"sort"
	"strings"
)

// Markdown renders the report for people: a summary, then each placement
// with its principals, its trust and its role; the groups; the roles found
// but not declared; the notes.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Audit of stack `%s`\n\n", r.Stack)
	fmt.Fprintf(&b, "Management account `%s`, read as `%s`; `security.trust: %s`; MFA max age %d s; accounts: %s.\n\n",
		r.ManagementAccount, r.Caller, r.Trust, r.MFAMaxAgeSeconds, strings.Join(r.Accounts, ", "))
	if r.Equal {
		b.WriteString("**Live equals declared.**\n")
	} else {
		fmt.Fprintf(&b, "**%d difference(s) between live and declared.**\n", r.Differences)
	}
	b.WriteString("\n## Role placements\n")
	for _, p := range r.Placements {
		writePlacement(&b, p)
	}
	writeGroups(&b, r.Groups)
	if len(r.UndeclaredRoles) > 0 {
		b.WriteString("\n## Roles named like the layout's but not declared there\n\n")
		for _, lr := range r.UndeclaredRoles {
			fmt.Fprintf(&b, "- **%s/%s** `%s`, trusting:\n", lr.Account, lr.Role, lr.ARN)
			writeStatements(&b, "  ", lr.Trust)
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}

func writePlacement(b *strings.Builder, p Placement) {
	fmt.Fprintf(b, "\n### %s\n\n`%s`", p.Key, p.ARN)
	if p.RequireMFA {
		b.WriteString(", requires MFA")
	}
	if !p.Exists {
		b.WriteString(". **Missing: the role does not exist.**")
	}
	b.WriteString("\n\n")
	rows := principalRows(p)
	if len(rows) > 0 {
		b.WriteString("| principal | declared | live | finding |\n|---|---|---|---|\n")
		for _, row := range rows {
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", row.who, row.declared, row.live, row.finding)
		}
		b.WriteString("\n")
	} else {
		b.WriteString("Nobody is declared and nobody can assume it.\n\n")
	}
	switch p.Trust.Status {
	case StatusEqual:
		b.WriteString("Trust: equal to the program's.\n")
	case StatusDiffers:
		b.WriteString("Trust: **differs from the program's**:\n\n")
		for _, d := range p.Trust.Differences {
			fmt.Fprintf(b, "- %s\n", d)
		}
		b.WriteString("\nThe live trust names:\n\n")
		writeStatements(b, "", p.Trust.Statements)
	}
	if len(p.RoleDifferences) > 0 {
		b.WriteString("\nRole settings that differ:\n\n")
		for _, d := range p.RoleDifferences {
			fmt.Fprintf(b, "- %s\n", d)
		}
	}
	if w := p.Workload; w != nil {
		fmt.Fprintf(b, "\nCI workload %s: declared %s; live %s.\n", w.Name, ciText(w.Declared), ciText(w.Live))
	}
	if t := p.ThirdParty; t != nil {
		fmt.Fprintf(b, "\nThird parties: declared %s; live %s.\n", thirdPartyText(t.Declared), thirdPartyText(t.Live))
	}
}

type row struct{ who, declared, live, finding string }

// principalRows are one row per principal the placement mentions.
func principalRows(p Placement) []row {
	rows := map[string]*row{}
	get := func(pr Principal) *row {
		if rows[pr.ARN] == nil {
			rows[pr.ARN] = &row{who: pr.Type + " " + pr.Name}
		}
		return rows[pr.ARN]
	}
	finding := func(r *row, text string) {
		if r.finding != "" {
			r.finding += "; "
		}
		r.finding += text
	}
	for _, d := range p.Declared {
		get(d.Principal).declared = fmt.Sprintf("%s (%s)", mfaText(d.MFA), strings.Join(d.Groups, ", "))
	}
	for _, a := range p.Live {
		get(a.Principal).live = mfaText(a.MFA)
	}
	for _, a := range p.Undeclared {
		finding(get(a.Principal), "**undeclared access**: "+mfaText(a.MFA))
	}
	for _, d := range p.DeclaredDenied {
		finding(get(d.Principal), fmt.Sprintf("**declared but denied** (%s): %s", mfaText(d.MFA), d.Reason))
	}
	for _, a := range p.Undecided {
		finding(get(a.Principal), "undecided, the trust differs; identity policies allow: "+mfaText(a.MFA))
	}
	for _, a := range p.RefusedByTrust {
		finding(get(a.Principal), "refused by the trust: "+mfaText(a.MFA))
	}
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]row, len(keys))
	for i, k := range keys {
		out[i] = *rows[k]
		for _, cell := range []*string{&out[i].declared, &out[i].live, &out[i].finding} {
			if *cell == "" {
				*cell = "—"
			}
		}
	}
	return out
}

func mfaText(mfa []string) string { return strings.Join(mfa, ", ") }

func writeStatements(b *strings.Builder, indent string, statements []TrustStatement) {
	for _, s := range statements {
		fmt.Fprintf(b, "%s- %s %s `%s`: %s", indent, s.Effect, s.PrincipalType, s.Principal, strings.Join(s.Actions, ", "))
		if len(s.Conditions) > 0 {
			fmt.Fprintf(b, " when %s", strings.Join(s.Conditions, " and "))
		}
		b.WriteString("\n")
	}
}

func ciText(c CIAccess) string {
	return fmt.Sprintf("providers [%s], audiences [%s], subjects [%s], patterns [%s]",
		strings.Join(c.Providers, ", "), strings.Join(c.Audiences, ", "), strings.Join(c.Subjects, ", "), strings.Join(c.Patterns, ", "))
}

func thirdPartyText(t ThirdPartyAccess) string {
	return fmt.Sprintf("accounts [%s], external IDs [%s]", strings.Join(t.Accounts, ", "), strings.Join(t.ExternalIDs, ", "))
}

func writeGroups(b *strings.Builder, groups []Group) {
	if len(groups) == 0 {
		return
	}
	b.WriteString("\n## Groups\n\n| group | members declared | live | added by hand | missing | grants |\n|---|---|---|---|---|---|\n")
	for _, g := range groups {
		name := g.Name
		if !g.Exists {
			name += " (**missing**)"
		}
		if g.ManagedBy != "" {
			name += " (members in " + g.ManagedBy + ")"
		}
		var grants []string
		for _, gr := range g.Grants {
			grants = append(grants, gr.Name+": "+gr.Status)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", name, list(g.Members.Declared), list(g.Members.Live),
			list(g.Members.AddedByHand), list(g.Members.Missing), list(grants))
	}
	for _, g := range groups {
		for _, gr := range g.Grants {
			if gr.Status == StatusEqual {
				continue
			}
			fmt.Fprintf(b, "\nGroup %s, grant %s (%s):\n\n", g.Name, gr.Name, gr.Status)
			for _, d := range gr.Differences {
				fmt.Fprintf(b, "- %s\n", d)
			}
		}
		if len(g.Policies.Missing)+len(g.Policies.Undeclared) > 0 {
			fmt.Fprintf(b, "\nGroup %s, other policies:\n\n", g.Name)
			for _, p := range g.Policies.Missing {
				fmt.Fprintf(b, "- declared, not attached: %s\n", p)
			}
			for _, p := range g.Policies.Undeclared {
				fmt.Fprintf(b, "- attached, not declared: %s\n", p)
			}
		}
	}
}

func list(items []string) string {
	if len(items) == 0 {
		return "—"
	}
	return strings.Join(items, ", ")
}
