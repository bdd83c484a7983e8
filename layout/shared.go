package layout

import (
	"maps"
	"regexp"
	"slices"
)

// stackNameRE matches a StackReference name: "stack", "project/stack" or
// "organization/project/stack".
var stackNameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){0,2}$`)

// checkSharedGroup validates the keys that split a group's management over
// several stacks: the owning stack declares the group, its path, policies,
// guardrails, aliases and members; a stack naming it in managedBy only
// attaches grants for its own roles.
func checkSharedGroup(ps *Problems, path string, spec GroupSpec) {
	if spec.ManagedBy == "" {
		return
	}
	p := joinPath(path, keyManagedBy)
	if !stackNameRE.MatchString(spec.ManagedBy) {
		ps.Addf(p, "%q is not a stack name like organization/iam-layout/root", clip(spec.ManagedBy))
	}
	if spec.GrantedElsewhere {
		ps.Addf(joinPath(path, keyGrantedElsewhere), "cannot be set with managedBy: the owning stack sets it")
	}
	if len(spec.Roles) == 0 {
		ps.Addf(joinPath(path, keyRoles), "list the roles of this stack the group may assume: that is all a managedBy group is for")
	}
	owned := map[string]bool{
		keyPath:                spec.Path != "",
		keyManagedPolicyARNs:   len(spec.ManagedPolicyARNs) > 0,
		keyMFASelfService:      spec.MFASelfService,
		keyDenyCascadeCreation: spec.DenyCascadeCreation,
		keyAliases:             len(spec.Aliases) > 0,
		keyRemoveMembers:       spec.RemoveMembersOnDelete,
	}
	for _, key := range slices.Sorted(maps.Keys(owned)) {
		if owned[key] {
			ps.Addf(joinPath(path, key), "belongs to the stack that owns the group (%s)", spec.ManagedBy)
		}
	}
}
