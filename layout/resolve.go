package layout

import (
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Load parses the JSON form of the `organization` config value and resolves
// it. Parse and validation problems are reported together, so one run shows
// everything wrong with a stack.
func Load(raw []byte) (*Layout, error) {
	var problems Problems
	if len(raw) > MaxConfigBytes {
		problems.Addf("", "is %d bytes; this program reads at most %d (a thousand-account organization is about 200 KB)", len(raw), MaxConfigBytes)
		return nil, problems.Err()
	}
	if !checkMapping(raw, &problems) {
		return nil, problems.Err()
	}
	spec := parseSpec(&decoder{problems: &problems}, json.RawMessage(raw))
	l := resolve(spec, &problems)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return l, nil
}

// MaxConfigBytes bounds the configuration read, so a pasted log file or a
// hostile value cannot make validation slow or its errors huge.
const MaxConfigBytes = 4 << 20

// Resolve validates a Spec built in Go (tests, generators) and resolves it.
func Resolve(spec *Spec) (*Layout, error) {
	var problems Problems
	l := resolve(spec, &problems)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return l, nil
}

func resolve(s *Spec, ps *Problems) *Layout {
	l := &Layout{
		Partition:        orDefault(s.Partition, DefaultPartition),
		MasterAccountID:  s.MasterAccountID,
		MFAMaxAgeSeconds: orDefaultInt(s.MFAMaxAgeSeconds, DefaultMFAMaxAgeSeconds),
	}
	if !contains(partitions, l.Partition) {
		ps.Addf(keyPartition, "%q is not one of %s", clip(l.Partition), strings.Join(partitions, ", "))
	}
	if s.MasterAccountID == "" {
		addMissing(ps, keyMasterAccountID, "is required: the 12-digit ID of the management account that holds the people")
	}
	accessRole := orDefault(s.AccessRoleName, DefaultAccessRoleName)
	checkIAMName(ps, keyAccessRoleName, "role name", accessRole, 64)
	if l.MFAMaxAgeSeconds < MinMFAMaxAge || l.MFAMaxAgeSeconds > MaxMFAMaxAge {
		ps.Addf(keyMFAMaxAgeSeconds, "%d is outside %d-%d seconds", l.MFAMaxAgeSeconds, MinMFAMaxAge, MaxMFAMaxAge)
	}
	defaultSession := orDefaultInt(s.MaxSessionDuration, DefaultMaxSessionDuration)
	checkSession(ps, keyMaxSessionDuration, defaultSession)
	destructiveSession := orDefaultInt(s.DestructiveMaxSessionDuration, DefaultDestructiveMaxSessionDuration)
	checkSession(ps, keyDestructiveMaxSessionDuration, destructiveSession)

	resolveQuotas(s, l, ps)
	l.PolicyNameSuffix = s.PolicyNameSuffix
	if s.PolicyNameSuffix != "" {
		checkIAMName(ps, keyPolicyNameSuffix, "policy name suffix", s.PolicyNameSuffix, 32)
	}
	resolveProfileSettings(s, l, ps)
	accounts := resolveAccounts(s, l, accessRole, ps)
	resolveRoles(s, l, accounts, defaultSession, destructiveSession, ps)
	resolveWorkloads(s, l, accounts, defaultSession, destructiveSession, ps)
	resolveProfileNames(s, l, ps)
	resolveDelivery(s, l, accessRole, ps)
	groups := resolveGroups(s, l, ps)
	finishWorkloads(s, l, groups, ps)
	checkShardNames(l, ps)
	resolveUsers(s, l, groups, ps)
	resolveTrust(l, ps)
	checkDeclaresSomething(s, ps)
	checkRemoveMembers(l, ps)
	resolveIdentityCenter(s, l, ps)
	// After Identity Center: people only through it need no provider.
	checkProviderBudget(l, ps)
	return l
}

func resolveAccounts(s *Spec, l *Layout, accessRole string, ps *Problems) map[string]*Account {
	byName := map[string]*Account{}
	ownerOfID := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(s.Accounts)) {
		spec := s.Accounts[name]
		path := joinPath(keyAccounts, name)
		checkKeyName(ps, path, "account name", name)
		switch {
		case spec.ID == "":
			addMissing(ps, joinPath(path, keyID), "is required")
		case spec.ID == s.MasterAccountID:
			ps.Addf(joinPath(path, keyID), "%s is the management account; roles there are not laid out by this program", spec.ID)
		case ownerOfID[spec.ID] != "":
			ps.Addf(joinPath(path, keyID), "%s is already the ID of account %q", spec.ID, ownerOfID[spec.ID])
		default:
			ownerOfID[spec.ID] = name
		}
		if spec.Environment != "" {
			checkKeyName(ps, joinPath(path, keyEnvironment), "environment", spec.Environment)
		}
		if spec.Region != "" && !regionRE.MatchString(spec.Region) {
			ps.Addf(joinPath(path, keyRegion), "%q is not an AWS region name like eu-west-1", clip(spec.Region))
		}
		role := orDefault(spec.AccessRoleName, accessRole)
		if spec.AccessRoleName != "" {
			checkIAMName(ps, joinPath(path, keyAccessRoleName), "role name", spec.AccessRoleName, 64)
		}
		if len(spec.Aliases) > 0 {
			checkAliases(ps, path, spec.Aliases, accountNames(s), func(p, a string) { checkKeyName(ps, p, "account name", a) })
		}
		a := &Account{
			Name:           name,
			ID:             spec.ID,
			Environment:    spec.Environment,
			Region:         spec.Region,
			AccessRoleARN:  RoleARN(l.Partition, spec.ID, "/", role),
			Protect:        spec.Protect,
			RetainOnDelete: spec.RetainOnDelete,
			Aliases:        sortedCopy(spec.Aliases),
		}
		byName[name] = a
		l.Accounts = append(l.Accounts, a)
	}
	return byName
}

func resolveRoles(s *Spec, l *Layout, accounts map[string]*Account, defaultSession, destructiveSession int, ps *Problems) {
	// IAM names are unique per account without regard to case.
	seenInAccount := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(s.Roles)) {
		resolveRoleDefinition(s, l, accounts, joinPath(keyRoles, name), name, s.Roles[name], defaultSession, destructiveSession, seenInAccount, ps)
	}
	sortRoles(l)
}

// sortRoles lists the layout's roles in account order, then name order: the
// order of l.Accounts.
func sortRoles(l *Layout) {
	l.Roles = l.Roles[:0]
	for _, a := range l.Accounts {
		sort.Slice(a.Roles, func(i, j int) bool { return a.Roles[i].Name < a.Roles[j].Name })
		l.Roles = append(l.Roles, a.Roles...)
	}
}

// resolveRoleDefinition validates one role definition, written at path,
// and places it in every account it names. Roles and CI workloads
// (workloads.go) share it: a workload's role is a role.
func resolveRoleDefinition(s *Spec, l *Layout, accounts map[string]*Account, path, name string, spec RoleSpec, defaultSession, destructiveSession int, seenInAccount map[string]string, ps *Problems) []*Role {
	checkIAMName(ps, path, "role name", name, 64)
	rolePath := orDefault(spec.Path, "/")
	checkIAMPath(ps, joinPath(path, keyPath), rolePath)
	if len(spec.Description) > maxDescription || !descriptionRE.MatchString(spec.Description) {
		ps.Addf(joinPath(path, keyDescription), "must be at most %d printable Latin-1 characters", maxDescription)
	}
	if len(spec.ManagedPolicyARNs) > l.Quotas.ManagedPoliciesPerRole {
		ps.Addf(joinPath(path, keyManagedPolicyARNs), "has %d policies, IAM attaches at most %d to a role (quotas.managedPoliciesPerRole)", len(spec.ManagedPolicyARNs), l.Quotas.ManagedPoliciesPerRole)
	}
	for i, arn := range spec.ManagedPolicyARNs {
		checkPolicyARN(ps, indexPath(joinPath(path, keyManagedPolicyARNs), i), arn, l.Partition)
	}
	if spec.PermissionsBoundary != "" {
		checkPolicyARN(ps, joinPath(path, keyPermissionsBoundary), spec.PermissionsBoundary, l.Partition)
	}
	checkTags(ps, joinPath(path, keyTags), spec.Tags)
	checkThirdParty(ps, path, spec, s.MasterAccountID)
	checkRoleOrganizationalUnits(ps, path, spec.OrganizationalUnits)
	requireMFA := spec.Destructive
	if spec.RequireMFA != nil {
		if spec.Destructive && !*spec.RequireMFA {
			ps.Addf(joinPath(path, keyRequireMFA), "cannot be false on a destructive role: destructive roles always require MFA")
		}
		requireMFA = requireMFA || *spec.RequireMFA
	}
	session := defaultSession
	if spec.Destructive {
		session = destructiveSession
	}
	if spec.MaxSessionDuration != 0 {
		session = spec.MaxSessionDuration
		checkSession(ps, joinPath(path, keyMaxSessionDuration), session)
	}
	inline := resolveInlinePolicies(ps, joinPath(path, keyInlinePolicies), spec.InlinePolicies)
	// Without IAM roles, the merged permission set policy is what is
	// measured (MergeInlinePolicies).
	if size := inlineSize(inline); size > l.Quotas.RoleInlinePolicySize && s.iamAccess() {
		ps.Addf(joinPath(path, keyInlinePolicies), "total %d characters, over IAM's %d for a role's inline policies (use a managed policy)", size, l.Quotas.RoleInlinePolicySize)
	}
	tags := map[string]string{}
	for k, v := range spec.Tags {
		tags[k] = v
	}
	if spec.Destructive {
		tags[DestructiveTagKey] = "true"
	}
	if len(spec.Accounts) == 0 {
		addMissing(ps, joinPath(path, keyAccounts), "must name at least one account to place the role in")
	}
	application := spec.Application
	if application == "" {
		application = Kebab(name)
	}
	placements := append([]string(nil), spec.Accounts...)
	sort.Strings(placements)
	var placed []*Role
	for _, accountName := range placements {
		a := accounts[accountName]
		if a == nil {
			ps.Addf(joinPath(path, keyAccounts), "unknown account %q%s", clip(accountName), suggest(accountName, slices.Sorted(maps.Keys(s.Accounts))))
			continue
		}
		folded := accountName + "/" + strings.ToLower(name)
		if other := seenInAccount[folded]; other != "" {
			ps.Addf(path, "role names are case-insensitive in IAM: %q and %q collide in account %q", other, name, accountName)
			continue
		}
		seenInAccount[folded] = name
		r := &Role{
			Account:             a,
			Name:                name,
			Path:                rolePath,
			Description:         spec.Description,
			ManagedPolicyARNs:   sortedCopy(spec.ManagedPolicyARNs),
			InlinePolicies:      inline,
			MaxSessionDuration:  session,
			PermissionsBoundary: spec.PermissionsBoundary,
			Tags:                tags,
			RequireMFA:          requireMFA,
			Destructive:         spec.Destructive,
			ARN:                 RoleARN(l.Partition, a.ID, rolePath, name),
			Application:         application,
			ExternalID:          spec.ExternalID,
			TrustedAccounts:     sortedCopy(spec.TrustedAccounts),
			OrganizationalUnits: sortedCopy(spec.OrganizationalUnits),
			key:                 accountName + "/" + name,
		}
		a.Roles = append(a.Roles, r)
		placed = append(placed, r)
	}
	return placed
}

func resolveGroups(s *Spec, l *Layout, ps *Problems) map[string]*Group {
	rolesByName := map[string][]*Role{}
	rolesByKey := map[string]*Role{}
	for _, r := range l.Roles {
		rolesByName[r.Name] = append(rolesByName[r.Name], r)
		rolesByKey[r.Key()] = r
	}
	byName := map[string]*Group{}
	folded := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(s.Groups)) {
		spec := s.Groups[name]
		path := joinPath(keyGroups, name)
		checkIAMName(ps, path, "group name", name, 128)
		if other := folded[strings.ToLower(name)]; other != "" {
			ps.Addf(path, "group names are case-insensitive in IAM: %q and %q collide", other, name)
		}
		folded[strings.ToLower(name)] = name
		groupPath := orDefault(spec.Path, "/")
		checkIAMPath(ps, joinPath(path, keyPath), groupPath)
		// One slot at least goes to the generated assume-role policy, and
		// one to each guardrail policy the group opts into.
		if used := len(spec.ManagedPolicyARNs) + 1 + btoi(spec.MFASelfService) + btoi(spec.DenyCascadeCreation); used > MaxManagedPoliciesPerGroup {
			ps.Addf(joinPath(path, keyManagedPolicyARNs), "has %d policies, but IAM attaches at most %d to a group and %d must go to the assume-role grants and guardrails", len(spec.ManagedPolicyARNs), MaxManagedPoliciesPerGroup, used-len(spec.ManagedPolicyARNs))
		}
		if len(spec.Aliases) > 0 {
			checkAliases(ps, path, spec.Aliases, groupNames(s), func(p, a string) { checkIAMName(ps, p, "group name", a, 128) })
		}
		for i, arn := range spec.ManagedPolicyARNs {
			checkPolicyARN(ps, indexPath(joinPath(path, keyManagedPolicyARNs), i), arn, l.Partition)
		}
		g := &Group{
			Name:                name,
			Path:                groupPath,
			ARN:                 GroupARN(l.Partition, l.MasterAccountID, groupPath, name),
			ManagedPolicyARNs:   sortedCopy(spec.ManagedPolicyARNs),
			MFASelfService:      spec.MFASelfService,
			DenyCascadeCreation: spec.DenyCascadeCreation,
			Aliases:             sortedCopy(spec.Aliases),
		}
		granted := map[*Role]bool{}
		rolesPath := joinPath(path, keyRoles)
		if len(spec.Roles) == 0 && !spec.GrantedElsewhere && !testedByWorkload(s, name) {
			addMissing(ps, rolesPath, "the group has nothing to assume: list at least one role (an empty grant is a MalformedPolicyDocument in IAM), or set grantedElsewhere if other stacks grant to it")
		}
		checkSharedGroup(ps, path, spec)
		g.ManagedBy, g.GrantedElsewhere = spec.ManagedBy, spec.GrantedElsewhere
		g.RemoveMembersOnDelete = spec.RemoveMembersOnDelete
		for i, ref := range spec.Roles {
			for _, r := range resolveRoleRef(ps, indexPath(rolesPath, i), ref, s, rolesByName, rolesByKey) {
				granted[r] = true
			}
		}
		for r := range granted {
			g.Roles = append(g.Roles, r)
		}
		sort.Slice(g.Roles, func(i, j int) bool { return g.Roles[i].Key() < g.Roles[j].Key() })
		for _, r := range g.Roles {
			r.Groups = append(r.Groups, g)
		}
		byName[name] = g
		l.Groups = append(l.Groups, g)
	}
	return byName
}

// resolveRoleRef turns "RoleName" or "account/RoleName" into role placements.
func resolveRoleRef(ps *Problems, path, ref string, s *Spec, byName map[string][]*Role, byKey map[string]*Role) []*Role {
	accountName, roleName, scoped := strings.Cut(ref, "/")
	if !scoped {
		roleName, accountName = accountName, ""
	}
	if _, ok := s.Roles[roleName]; !ok {
		if _, workload := s.Workloads[roleName]; workload {
			ps.Addf(path, "%q is a workload: name this group in workloads.%s.groups instead", clip(roleName), roleName)
			return nil
		}
		ps.Addf(path, "unknown role %q%s", clip(roleName), suggest(roleName, slices.Sorted(maps.Keys(s.Roles))))
		return nil
	}
	if !scoped {
		return byName[roleName]
	}
	if _, ok := s.Accounts[accountName]; !ok {
		ps.Addf(path, "unknown account %q in %q%s", clip(accountName), clip(ref), suggest(accountName, slices.Sorted(maps.Keys(s.Accounts))))
		return nil
	}
	r := byKey[ref]
	if r == nil {
		ps.Addf(path, "role %q is not placed in account %q (see roles.%s.accounts)", roleName, accountName, roleName)
		return nil
	}
	return []*Role{r}
}

func resolveUsers(s *Spec, l *Layout, groups map[string]*Group, ps *Problems) {
	folded := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(s.Users)) {
		spec := s.Users[name]
		path := joinPath(keyUsers, name)
		checkIAMName(ps, path, "user name", name, 64)
		if other := folded[strings.ToLower(name)]; other != "" {
			ps.Addf(path, "user names are case-insensitive in IAM: %q and %q collide", other, name)
		}
		folded[strings.ToLower(name)] = name
		userPath := orDefault(spec.Path, "/")
		checkIAMPath(ps, joinPath(path, keyPath), userPath)
		if spec.Path != "" && !spec.Create {
			ps.Addf(joinPath(path, keyPath), "only applies to users the stack creates (set create: true)")
		}
		device := orDefault(spec.MFADevice, name)
		if spec.MFADevice != "" {
			checkIAMName(ps, joinPath(path, keyMFADevice), "MFA device name", spec.MFADevice, 226)
		}
		if len(spec.Aliases) > 0 {
			checkAliases(ps, path, spec.Aliases, userNames(s), func(p, a string) { checkIAMName(ps, p, "user name", a, 64) })
		}
		if len(spec.Aliases) > 0 && !spec.Create {
			ps.Addf(joinPath(path, keyAliases), "only applies to users the stack creates (set create: true)")
		}
		u := &User{
			Aliases:   sortedCopy(spec.Aliases),
			Name:      name,
			Path:      userPath,
			Create:    spec.Create,
			MFADevice: device,
			ARN:       UserARN(l.Partition, l.MasterAccountID, userPath, name),
			MFASerial: MFASerial(l.Partition, l.MasterAccountID, device),
		}
		groupsPath := joinPath(path, keyGroups)
		switch {
		case len(spec.Groups) == 0:
			addMissing(ps, groupsPath, "list at least one group: policies attach to groups, never to users")
		case len(spec.Groups) > MaxGroupsPerUser && s.iamAccess(): // IAM's limit; Identity Center's is 1000
			ps.Addf(groupsPath, "has %d groups, IAM allows a user in at most %d", len(spec.Groups), MaxGroupsPerUser)
		}
		for i, gName := range spec.Groups {
			g := groups[gName]
			if g == nil {
				if _, declared := s.Groups[gName]; !declared {
					ps.Addf(indexPath(groupsPath, i), "unknown group %q%s", clip(gName), suggest(gName, slices.Sorted(maps.Keys(s.Groups))))
				}
				continue
			}
			if g.ManagedBy != "" {
				ps.Addf(indexPath(groupsPath, i), "group %q is managed by stack %s: its members are managed there", gName, g.ManagedBy)
				continue
			}
			u.Groups = append(u.Groups, g)
			u.MFAEverywhere = u.MFAEverywhere || g.MFASelfService
		}
		sort.Slice(u.Groups, func(i, j int) bool { return u.Groups[i].Name < u.Groups[j].Name })
		for _, g := range u.Groups {
			g.Members = append(g.Members, u)
		}
		l.Users = append(l.Users, u)
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orDefaultInt(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func inlineSize(ps []InlinePolicy) int {
	n := 0
	for _, p := range ps {
		n += PolicySize(p.Document)
	}
	return n
}

func accountNames(s *Spec) map[string]bool { return keySet(s.Accounts) }
func groupNames(s *Spec) map[string]bool   { return keySet(s.Groups) }
func userNames(s *Spec) map[string]bool    { return keySet(s.Users) }

func keySet[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}
