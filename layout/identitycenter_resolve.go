package layout

import (
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// Identity Center's own rules (IAM Identity Center API reference:
// CreatePermissionSet, CreateGroup, CreateUser; quotas page).
const (
	MaxPermissionSetName        = 32
	MaxPermissionSetDescription = 700
	MaxRelayState               = 240
	// MaxPermissionSetPolicies is Identity Center's ceiling on AWS and
	// customer managed policies per permission set; the role it becomes
	// in each account is held to quotas.managedPoliciesPerRole too.
	MaxPermissionSetPolicies = 20
	MaxDisplayName           = 1024
	MaxUserName              = 128
)

// Defaults of the sso profile names: in "both" mode the IAM profiles keep
// their names and the sso ones get a suffix; with Identity Center alone the
// sso profiles take over the names people already use.
const (
	DefaultSSOProfileTemplateBoth           = "{profile}-sso"
	DefaultSSOProfileTemplateIdentityCenter = "{profile}"
)

// SSOProfileVariables are the placeholders an sso profile name template may
// use: the role placement's IAM profile name and the ProfileVariables.
var SSOProfileVariables = []string{"{profile}", "{account}", "{environment}", "{application}", "{role}", "{permissionSet}"}

var (
	permissionSetNameRE = regexp.MustCompile(`^[\w+=,.@-]+$`)
	instanceARNRE       = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$`)
	identityStoreIDRE   = regexp.MustCompile(`^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	emailRE             = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	// Start URLs: d-xxxxxxxxxx.awsapps.com/start or an alias in its place,
	// awsapps.cn in China, and the dual-stack ssoins-... .app.aws form.
	startURLHostRE = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)*\.(awsapps\.com|awsapps\.cn|app\.aws)$`)
	startURLPathRE = regexp.MustCompile(`^[A-Za-z0-9/._~-]*$`)
)

// reservedUserNames cannot be created in an identity store.
var reservedUserNames = []string{"Administrator", "AWSAdministrators"}

func resolveIdentityCenter(s *Spec, l *Layout, ps *Problems) {
	spec := s.IdentityCenter
	if spec == nil {
		return
	}
	p := keyIdentityCenter
	ic := &IdentityCenter{
		Access:          Access(spec.Access),
		InstanceARN:     spec.InstanceARN,
		IdentityStoreID: spec.IdentityStoreID,
		StartURL:        strings.TrimSuffix(spec.StartURL, "/"),
		Region:          spec.Region,
		SessionName:     spec.SSOSession,
	}
	l.IdentityCenter = ic
	switch {
	case spec.Access == "":
		ps.Addf(joinPath(p, keyAccess), "is required: %s (IAM users and groups, as without identityCenter), %s (Identity Center only) or %s (both, while people move over)", AccessIAM, AccessIdentityCenter, AccessBoth)
	case !contains(accessValues, spec.Access):
		ps.Addf(joinPath(p, keyAccess), "%q is not one of %s%s", clip(spec.Access), strings.Join(accessValues, ", "), suggest(spec.Access, accessValues))
	}
	inUse := ic.Access == AccessIdentityCenter || ic.Access == AccessBoth
	checkInstance(ps, p, spec, l.Partition)
	checkSSOSettings(ps, p, spec, inUse)
	groups := resolveIdentityCenterGroups(s, l, ic, ps)
	resolveIdentityCenterUsers(s, l, ic, groups, ps)
	if inUse && len(ic.Groups) == 0 {
		ps.Addf(joinPath(p, keyGroups), "name at least one group of the organization: groups reach the accounts through Identity Center assignments")
	}
	resolveAssignments(s, l, ic, ps)
	resolveSSOProfileNames(spec, l, ic, ps)
	if ic.Access == AccessIdentityCenter {
		checkIAMOnlyKeys(s, ps)
	}
}

// checkInstance validates a named instance. Both or neither: the identity
// store belongs to the instance, and half a name would leave the other half
// to a lookup that might find another.
func checkInstance(ps *Problems, p string, spec *IdentityCenterSpec, partition string) {
	switch {
	case spec.InstanceARN == "" && spec.IdentityStoreID == "":
		return
	case spec.InstanceARN == "":
		ps.Addf(joinPath(p, keyInstanceARN), "is required with identityStoreId (or give neither and the instance is looked up)")
	case spec.IdentityStoreID == "":
		ps.Addf(joinPath(p, keyIdentityStoreID), "is required with instanceArn (or give neither and the instance is looked up)")
	}
	if spec.InstanceARN != "" {
		if !instanceARNRE.MatchString(spec.InstanceARN) {
			ps.Addf(joinPath(p, keyInstanceARN), "%q is not an Identity Center instance ARN like arn:%s:sso:::instance/ssoins-0123456789abcdef", clip(spec.InstanceARN), partition)
		} else if got := strings.SplitN(spec.InstanceARN, ":", 3)[1]; got != partition {
			ps.Addf(joinPath(p, keyInstanceARN), "%q is in partition %q but the organization is in %q", clip(spec.InstanceARN), got, partition)
		}
	}
	if spec.IdentityStoreID != "" && !identityStoreIDRE.MatchString(spec.IdentityStoreID) {
		ps.Addf(joinPath(p, keyIdentityStoreID), "%q is not an identity store ID like d-1234567890", clip(spec.IdentityStoreID))
	}
}

// checkSSOSettings validates what profiles and links need. They are
// required once Identity Center is in use: a profile without a start URL or
// region cannot sign in.
func checkSSOSettings(ps *Problems, p string, spec *IdentityCenterSpec, inUse bool) {
	required := func(key, value, why string) bool {
		if value == "" {
			if inUse {
				ps.Addf(joinPath(p, key), "is required: %s", why)
			}
			return false
		}
		return true
	}
	if required(keyStartURL, spec.StartURL, "the access portal URL (https://d-1234567890.awsapps.com/start) goes into every profile's sso-session and console link") {
		if problem := startURLProblem(spec.StartURL); problem != "" {
			ps.Addf(joinPath(p, keyStartURL), "%q %s", clip(spec.StartURL), problem)
		}
	}
	if required(keyRegion, spec.Region, "the region Identity Center was enabled in goes into sso_region") && !regionRE.MatchString(spec.Region) {
		ps.Addf(joinPath(p, keyRegion), "%q is not an AWS region name like eu-west-1", clip(spec.Region))
	}
	if required(keySSOSession, spec.SSOSession, "names the [sso-session] section the profiles share (aws sso login --sso-session NAME)") && !profileNameRE.MatchString(spec.SSOSession) {
		ps.Addf(joinPath(p, keySSOSession), "%q is not a usable sso-session name (letters, digits and _ . @ + = -)", clip(spec.SSOSession))
	}
}

// startURLProblem says what is wrong with an access portal URL, or "".
func startURLProblem(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "is not a URL"
	case u.Scheme != "https":
		return "must start with https://"
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Port() != "":
		return "must be the plain access portal URL, without user, port, query or fragment"
	case !startURLHostRE.MatchString(u.Hostname()):
		return "is not an access portal URL (its host ends in awsapps.com, awsapps.cn or app.aws)"
	case !startURLPathRE.MatchString(u.EscapedPath()):
		// It goes into ~/.aws/config and links as it is written.
		return "has a path with characters an access portal URL does not hold"
	}
	return ""
}

func resolveIdentityCenterGroups(s *Spec, l *Layout, ic *IdentityCenter, ps *Problems) map[string]*IdentityCenterGroup {
	spec := s.IdentityCenter
	base := joinPath(keyIdentityCenter, keyGroups)
	byName := map[string]*IdentityCenterGroup{}
	byDisplayName := map[string]string{}
	declared := slices.Sorted(maps.Keys(s.Groups))
	for _, name := range slices.Sorted(maps.Keys(spec.Groups)) {
		gs := spec.Groups[name]
		path := joinPath(base, name)
		var group *Group
		for _, g := range l.Groups {
			if g.Name == name {
				group = g
			}
		}
		if group == nil {
			ps.Addf(path, "unknown group %q: declare it under groups, with its roles%s", clip(name), suggest(name, declared))
			continue
		}
		if group.ManagedBy != "" {
			ps.Addf(path, "group %q is managed by stack %s: its Identity Center assignments are made there", name, group.ManagedBy)
			continue
		}
		g := &IdentityCenterGroup{Group: group, DisplayName: orDefault(gs.DisplayName, name), Description: gs.Description, Create: gs.Create}
		checkDisplayName(ps, joinPath(path, keyDisplayName), g.DisplayName)
		if gs.Description != "" {
			if !gs.Create {
				ps.Addf(joinPath(path, keyDescription), "only applies to groups the stack creates (set create: true)")
			} else if len(gs.Description) > MaxDisplayName {
				ps.Addf(joinPath(path, keyDescription), "is %d characters long, Identity Center allows at most %d", len(gs.Description), MaxDisplayName)
			}
		}
		// Two config groups on one Identity Center group would each own
		// the same assignments: removing one would cut the other's access.
		folded := strings.ToLower(g.DisplayName)
		if other, ok := byDisplayName[folded]; ok {
			ps.Addf(joinPath(path, keyDisplayName), "%q is also the display name of identityCenter.groups.%s: one Identity Center group per group of the organization", clip(g.DisplayName), other)
		}
		byDisplayName[folded] = name
		byName[name] = g
		ic.Groups = append(ic.Groups, g)
	}
	if ic.Access == AccessIdentityCenter {
		// Without IAM, a group with roles but no Identity Center group would
		// silently give its people nothing.
		for _, g := range l.Groups {
			if _, ok := spec.Groups[g.Name]; !ok && len(g.Roles) > 0 {
				ps.Addf(joinPath(base, g.Name), "is required: group %s grants roles and people come only through Identity Center (access %s): say whether the stack creates it (create: true) or which existing group it is (displayName)", g.Name, AccessIdentityCenter)
			}
		}
	}
	return byName
}

func checkDisplayName(ps *Problems, path, name string) {
	switch {
	case len(name) > MaxDisplayName:
		ps.Addf(path, "is %d characters long, Identity Center allows at most %d", len(name), MaxDisplayName)
	case strings.TrimSpace(name) != name || strings.IndexFunc(name, unicode.IsControl) >= 0:
		ps.Addf(path, "%q must not start or end with white space or hold control characters", clip(name))
	}
}

func resolveIdentityCenterUsers(s *Spec, l *Layout, ic *IdentityCenter, groups map[string]*IdentityCenterGroup, ps *Problems) {
	spec := s.IdentityCenter
	base := joinPath(keyIdentityCenter, keyUsers)
	byName := map[string]*IdentityCenterUser{}
	userNames := map[string]string{}
	declared := slices.Sorted(maps.Keys(s.Users))
	for _, name := range slices.Sorted(maps.Keys(spec.Users)) {
		us := spec.Users[name]
		path := joinPath(base, name)
		var user *User
		for _, u := range l.Users {
			if u.Name == name {
				user = u
			}
		}
		if user == nil {
			ps.Addf(path, "unknown user %q: declare it under users, with its groups%s", clip(name), suggest(name, declared))
			continue
		}
		u := &IdentityCenterUser{
			User: user, UserName: orDefault(us.UserName, name), DisplayName: us.DisplayName,
			GivenName: us.GivenName, FamilyName: us.FamilyName, Email: us.Email, Create: us.Create,
		}
		switch {
		case len(u.UserName) > MaxUserName:
			ps.Addf(joinPath(path, keyUserName), "is %d characters long, Identity Center allows at most %d", len(u.UserName), MaxUserName)
		case strings.IndexFunc(u.UserName, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
			ps.Addf(joinPath(path, keyUserName), "%q must not hold white space", clip(u.UserName))
		case us.Create && contains(reservedUserNames, u.UserName):
			ps.Addf(joinPath(path, keyUserName), "%q is reserved by Identity Center", u.UserName)
		}
		if other, ok := userNames[strings.ToLower(u.UserName)]; ok {
			ps.Addf(joinPath(path, keyUserName), "%q is also the user name of identityCenter.users.%s", clip(u.UserName), other)
		}
		userNames[strings.ToLower(u.UserName)] = name
		fields := []struct{ key, value string }{
			{keyDisplayName, us.DisplayName}, {keyGivenName, us.GivenName}, {keyFamilyName, us.FamilyName}, {keyEmail, us.Email},
		}
		for _, f := range fields {
			switch {
			case !us.Create && f.value != "":
				ps.Addf(joinPath(path, f.key), "only applies to users the stack creates (set create: true); an existing user is found by userName")
			case us.Create && f.value == "" && f.key != keyEmail:
				ps.Addf(joinPath(path, f.key), "is required to create an Identity Center user")
			case f.value != "":
				checkDisplayName(ps, joinPath(path, f.key), f.value)
			}
		}
		if us.Email != "" && !emailRE.MatchString(us.Email) {
			ps.Addf(joinPath(path, keyEmail), "%q is not an email address", clip(us.Email))
		}
		byName[name] = u
		ic.Users = append(ic.Users, u)
	}
	// Known members: every user whose groups name the Identity Center group.
	// Memberships are made only in groups the stack creates; an existing
	// group's members are managed where the group is (its IdP, say).
	for _, u := range l.Users {
		for _, grp := range u.Groups {
			g := groups[grp.Name]
			if g == nil {
				continue
			}
			g.Users = append(g.Users, u)
			if !g.Create {
				continue
			}
			icu := byName[u.Name]
			if icu == nil {
				ps.Addf(joinPath(base, u.Name), "is required: %s is a member of group %s, which the stack creates in Identity Center; say whether the stack creates the user (create: true) or which existing user it is (userName)", u.Name, grp.Name)
				continue
			}
			icu.LookUp = !icu.Create
			g.Members = append(g.Members, icu)
		}
	}
}

// resolveAssignments gives every Identity Center group its role placements
// as assignments, and every role definition assigned anywhere its
// permission set.
func resolveAssignments(s *Spec, l *Layout, ic *IdentityCenter, ps *Problems) {
	spec := s.IdentityCenter
	placements := map[*Role]*SSOPlacement{}
	sets := map[string]*PermissionSet{}
	for _, g := range ic.Groups {
		for _, r := range g.Group.Roles {
			if r.Workload != nil {
				// A CI workload's role is tested by its groups' IAM
				// users: a permission set would be another role with
				// the machine's permissions (workloads.go).
				continue
			}
			pl := placements[r]
			if pl == nil {
				set := sets[r.Name]
				if set == nil {
					set = &PermissionSet{Role: r.Name}
					sets[r.Name] = set
				}
				pl = &SSOPlacement{PermissionSet: set, Role: r}
				placements[r] = pl
				set.Placements = append(set.Placements, pl)
			}
			pl.Groups = append(pl.Groups, g)
			a := &Assignment{Group: g, Placement: pl}
			g.Assignments = append(g.Assignments, a)
			ic.Assignments = append(ic.Assignments, a)
		}
	}
	sort.Slice(ic.Assignments, func(i, j int) bool { return ic.Assignments[i].Key() < ic.Assignments[j].Key() })
	base := joinPath(keyIdentityCenter, keyPermissionSets)
	for _, name := range slices.Sorted(maps.Keys(spec.PermissionSets)) {
		switch _, declared := s.Roles[name]; {
		case !declared:
			ps.Addf(joinPath(base, name), "unknown role %q%s", clip(name), suggest(name, slices.Sorted(maps.Keys(s.Roles))))
		case sets[name] == nil:
			ps.Addf(joinPath(base, name), "role %s is assigned to no Identity Center group, so it has no permission set", name)
		}
	}
	names := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(sets)) {
		set := sets[name]
		sort.Slice(set.Placements, func(i, j int) bool { return set.Placements[i].Key() < set.Placements[j].Key() })
		buildPermissionSet(ps, set, spec.PermissionSets[name], set.Placements[0].Role)
		folded := strings.ToLower(set.Name)
		if other, ok := names[folded]; ok {
			ps.Addf(joinPath(joinPath(base, name), keyName), "permission set name %q is also role %s's: names are unique in an Identity Center instance", set.Name, other)
		}
		names[folded] = name
		ic.PermissionSets = append(ic.PermissionSets, set)
	}
}

// buildPermissionSet fills in a permission set from its role definition (r
// is one placement of it: placements share the definition) and overrides.
func buildPermissionSet(ps *Problems, set *PermissionSet, over PermissionSetSpec, r *Role) {
	path := joinPath(joinPath(keyIdentityCenter, keyPermissionSets), r.Name)
	rolePath := joinPath(keyRoles, r.Name)
	hint := " (set identityCenter.permissionSets." + r.Name + "." + keyName + ")"
	set.Name, set.Destructive, set.Tags, set.RelayState = orDefault(over.Name, r.Name), r.Destructive, r.Tags, over.RelayState
	namePath := joinPath(path, keyName)
	if over.Name == "" {
		namePath = rolePath
	} else {
		hint = ""
	}
	switch {
	case len(set.Name) > MaxPermissionSetName:
		ps.Addf(namePath, "permission set name %q is %d characters long, Identity Center allows at most %d%s", clip(set.Name), len(set.Name), MaxPermissionSetName, hint)
	case !permissionSetNameRE.MatchString(set.Name):
		ps.Addf(namePath, "permission set name %q may only hold letters, digits and + = , . @ _ -%s", clip(set.Name), hint)
	}
	set.Description = orDefault(over.Description, r.Description)
	if len(set.Description) > MaxPermissionSetDescription || !descriptionRE.MatchString(set.Description) {
		at := rolePath + "." + keyDescription
		if over.Description != "" {
			at = joinPath(path, keyDescription)
		}
		ps.Addf(at, "a permission set's description is at most %d printable Latin-1 characters (set identityCenter.permissionSets.%s.description)", MaxPermissionSetDescription, r.Name)
	}
	set.SessionDuration = SessionDurationISO(r.MaxSessionDuration)
	if over.SessionDuration != "" {
		set.SessionDuration = over.SessionDuration
		if seconds, ok := ParseSessionDuration(over.SessionDuration); !ok {
			ps.Addf(joinPath(path, keySessionDuration), "%q is not an ISO-8601 duration like PT1H or PT4H30M", clip(over.SessionDuration))
		} else if seconds < MinSessionDuration || seconds > MaxSessionDuration {
			ps.Addf(joinPath(path, keySessionDuration), "%s is outside PT1H-PT12H, the range Identity Center allows", over.SessionDuration)
		}
	}
	if over.RelayState != "" {
		if u, err := url.Parse(over.RelayState); err != nil || u.Scheme != "https" || u.Host == "" || len(over.RelayState) > MaxRelayState {
			ps.Addf(joinPath(path, keyRelayState), "must be an https:// console URL of at most %d characters", MaxRelayState)
		}
	}
	refs := map[PolicyReference]string{}
	for _, arn := range r.ManagedPolicyARNs {
		if ref, ok := customerManagedReference(arn); ok {
			// The account is not part of a reference: two accounts' policies
			// of one name and path are one reference.
			if other, dup := refs[ref]; dup {
				ps.Addf(rolePath+"."+keyManagedPolicyARNs, "%s and %s are one customer managed policy reference (%s%s) in a permission set, which names policies by path and name only", other, arn, ref.Path, ref.Name)
				continue
			}
			refs[ref] = arn
			set.CustomerManagedPolicies = append(set.CustomerManagedPolicies, ref)
		} else {
			set.ManagedPolicyARNs = append(set.ManagedPolicyARNs, arn)
		}
	}
	if n := len(r.ManagedPolicyARNs); n > MaxPermissionSetPolicies {
		ps.Addf(rolePath+"."+keyManagedPolicyARNs, "has %d policies, Identity Center attaches at most %d to a permission set", n, MaxPermissionSetPolicies)
	}
	if r.PermissionsBoundary != "" {
		if ref, ok := customerManagedReference(r.PermissionsBoundary); ok {
			set.Boundary = &Boundary{CustomerManaged: &ref}
		} else {
			set.Boundary = &Boundary{ManagedPolicyARN: r.PermissionsBoundary}
		}
	}
	doc, problem := MergeInlinePolicies(r.InlinePolicies)
	if problem != "" {
		ps.Addf(rolePath+"."+keyInlinePolicies, "%s", problem)
	}
	set.InlinePolicy = doc
}

// customerManagedReference turns a customer managed policy ARN
// (arn:aws:iam::<account>:policy/path/Name) into the name and path a
// permission set refers to; false for AWS managed policies. The account in
// the ARN is dropped: Identity Center resolves the reference in each account
// the permission set is provisioned to, where such a policy must exist.
func customerManagedReference(arn string) (PolicyReference, bool) {
	_, rest, _ := strings.Cut(arn, ":iam::")
	owner, resource, _ := strings.Cut(rest, ":")
	if owner == "aws" {
		return PolicyReference{}, false
	}
	pathAndName := strings.TrimPrefix(resource, "policy")
	i := strings.LastIndex(pathAndName, "/")
	return PolicyReference{Path: pathAndName[:i+1], Name: pathAndName[i+1:]}, true
}

// resolveSSOProfileNames names each sso placement's profile and reports
// names that are unusable, shared, or taken by an IAM profile of this
// layout: in "both" mode one ~/.aws/config holds both.
func resolveSSOProfileNames(spec *IdentityCenterSpec, l *Layout, ic *IdentityCenter, ps *Problems) {
	tmpl := spec.ProfileNameTemplate
	if tmpl == "" {
		tmpl = DefaultSSOProfileTemplateBoth
		if ic.Access == AccessIdentityCenter {
			tmpl = DefaultSSOProfileTemplateIdentityCenter
		}
	}
	path := joinPath(keyIdentityCenter, keyProfileNameTemplate)
	for _, v := range templateVarRE.FindAllString(tmpl, -1) {
		if !contains(SSOProfileVariables, v) {
			ps.Addf(path, "unknown placeholder %s (known: %s)", clip(v), strings.Join(SSOProfileVariables, " "))
		}
	}
	iamNames := map[string]string{}
	if ic.Access != AccessIdentityCenter {
		for _, r := range l.Roles {
			iamNames[r.ProfileName] = r.Key()
		}
	}
	owners := map[string][]string{}
	for _, set := range ic.PermissionSets {
		for _, pl := range set.Placements {
			r := pl.Role
			env := r.Account.Environment
			if env == "" {
				env = r.Account.Name
			}
			pl.ProfileName = strings.NewReplacer(
				"{profile}", r.ProfileName, "{account}", r.Account.Name, "{environment}", env,
				"{application}", r.Application, "{role}", Kebab(r.Name), "{permissionSet}", set.Name,
			).Replace(tmpl)
			switch {
			case !profileNameRE.MatchString(pl.ProfileName) || pl.ProfileName == "default":
				ps.Addf(path, "gives %s the sso profile name %q, which is not usable (letters, digits and _ . @ + = -, not \"default\")", pl.Key(), clip(pl.ProfileName))
				continue
			case iamNames[pl.ProfileName] != "":
				ps.Addf(path, "gives %s the sso profile name %q, which is already the IAM profile of role %s: with access %s one config file holds both (the default template %s keeps them apart)", pl.Key(), pl.ProfileName, iamNames[pl.ProfileName], ic.Access, DefaultSSOProfileTemplateBoth)
				continue
			}
			owners[pl.ProfileName] = append(owners[pl.ProfileName], pl.Key())
			ic.Placements = append(ic.Placements, pl)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(owners)) {
		if keys := owners[name]; len(keys) > 1 {
			ps.Addf(path, "permission sets in %s would share the sso profile name %q: add {account} or {permissionSet} to the template", strings.Join(keys, " and "), name)
		}
	}
	sort.Slice(ic.Placements, func(i, j int) bool { return ic.Placements[i].ProfileName < ic.Placements[j].ProfileName })
}

// checkIAMOnlyKeys refuses, for a stack whose people come only through
// Identity Center, every key that only shapes IAM users, groups, roles or
// their profiles: silently ignored, each would promise something (an MFA
// age, a role path, a trusted third party) that nothing delivers.
func checkIAMOnlyKeys(s *Spec, ps *Problems) {
	why := "applies to IAM users, groups and roles, and people come only through Identity Center (identityCenter.access " + string(AccessIdentityCenter) + ")"
	mfa := "cannot be enforced per permission set: Identity Center asks for MFA at sign-in (docs/identity-center.md)"
	refuse := func(path string, set bool, reason string) {
		if set {
			ps.Addf(path, "%s", reason)
		}
	}
	refuse(keyAccessRoleName, s.AccessRoleName != "", why)
	refuse(keyMFAMaxAgeSeconds, s.MFAMaxAgeSeconds != 0, mfa)
	refuse(keyPolicyNameSuffix, s.PolicyNameSuffix != "", why)
	refuse(keyDelivery, s.Delivery.Mode != "", why+": no role is created in the child accounts")
	refuse(keyMaxProviders, s.Delivery.MaxProviders != 0, why+": no provider is created per account")
	refuse(keyStackSets, s.Delivery.stackSetsGiven, why+": no role is created in the child accounts")
	refuse(joinPath(keyQuotas, keyTrustPolicySize), s.Quotas.TrustPolicySize != 0, why)
	refuse(joinPath(keyQuotas, keyManagedPolicySize), s.Quotas.ManagedPolicySize != 0, why)
	refuse(joinPath(keyQuotas, keyRoleInlinePolicySize), s.Quotas.RoleInlinePolicySize != 0, why)
	refuse(joinPath(keySecurity, keyRequireSessionNameMatchesUser), s.Security.RequireSessionNameMatchesUser, why)
	refuse(joinPath(keySecurity, keyAllowSourceIdentity), s.Security.AllowSourceIdentity, why)
	refuse(joinPath(keySecurity, keyAllowTagSession), s.Security.AllowTagSession, why)
	refuse(joinPath(keySecurity, keyTrust), s.Security.Trust != "", why)
	refuse(joinPath(keyProfiles, keySourceProfile), s.Profiles.SourceProfile != "", why)
	refuse(joinPath(keyProfiles, keyCredentialSource), s.Profiles.CredentialSource != "", why)
	refuse(joinPath(keyProfiles, keyDurationSeconds), s.Profiles.DurationSeconds != 0, why+": sso sessions last the permission set's sessionDuration")
	for _, name := range slices.Sorted(maps.Keys(s.Accounts)) {
		refuse(joinPath(joinPath(keyAccounts, name), keyAccessRoleName), s.Accounts[name].AccessRoleName != "", why)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Roles)) {
		r, p := s.Roles[name], joinPath(keyRoles, name)
		refuse(joinPath(p, keyPath), r.Path != "", why+": a permission set's roles live under /aws-reserved/sso.amazonaws.com/")
		refuse(joinPath(p, keyRequireMFA), r.RequireMFA != nil && *r.RequireMFA, mfa)
		refuse(joinPath(p, keyExternalID), r.ExternalID != "", why)
		refuse(joinPath(p, keyTrustedAccounts), len(r.TrustedAccounts) > 0, why)
		refuse(joinPath(p, keyOrganizationalUnits), len(r.OrganizationalUnits) > 0, why)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Groups)) {
		g, p := s.Groups[name], joinPath(keyGroups, name)
		refuse(joinPath(p, keyPath), g.Path != "", why)
		refuse(joinPath(p, keyManagedPolicyARNs), len(g.ManagedPolicyARNs) > 0, why)
		refuse(joinPath(p, keyMFASelfService), g.MFASelfService, why)
		refuse(joinPath(p, keyDenyCascadeCreation), g.DenyCascadeCreation, why)
		refuse(joinPath(p, keyAliases), len(g.Aliases) > 0, why)
		refuse(joinPath(p, keyManagedBy), g.ManagedBy != "", why)
		refuse(joinPath(p, keyGrantedElsewhere), g.GrantedElsewhere, why)
		refuse(joinPath(p, keyRemoveMembers), g.RemoveMembersOnDelete, why)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Users)) {
		u, p := s.Users[name], joinPath(keyUsers, name)
		refuse(joinPath(p, keyCreate), u.Create, why+": Identity Center users are created under identityCenter.users")
		refuse(joinPath(p, keyPath), u.Path != "", why)
		refuse(joinPath(p, keyMFADevice), u.MFADevice != "", mfa)
		refuse(joinPath(p, keyAliases), len(u.Aliases) > 0, why)
	}
}
