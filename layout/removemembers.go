package layout

// checkRemoveMembers checks groups that remove their members when deleted.
// The removal is an iam.GroupMembership holding the group's members, which
// pulumi-aws cannot create with an empty user list: the group needs a
// member declared here (components.NewPeople, docs/guardrails.md).
func checkRemoveMembers(l *Layout, ps *Problems) {
	for _, g := range l.Groups {
		if g.RemoveMembersOnDelete && g.ManagedBy == "" && len(g.Members) == 0 {
			ps.Addf(joinPath(joinPath(keyGroups, g.Name), keyRemoveMembers),
				"the group has no member under users: the membership that removes members when the group is deleted needs at least one; declare one, or remove outside members by hand before deleting the group")
		}
	}
}
