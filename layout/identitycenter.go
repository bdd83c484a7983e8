package layout

import (
	"encoding/json"
)

// Access says how people get into a stack's accounts.
type Access string

// The ways in. Organizations migrate gradually, so both at once is a way of
// its own: the IAM users, groups and roles of today stay while Identity
// Center assignments are added beside them.
const (
	// AccessIAM is IAM users in management-account groups assuming roles
	// in the child accounts (what the stack did before Identity Center).
	AccessIAM Access = "iam"
	// AccessIdentityCenter is IAM Identity Center only: permission sets
	// assigned to Identity Center groups, no IAM user, group or role.
	AccessIdentityCenter Access = "identityCenter"
	// AccessBoth lays out both, for the migration from one to the other.
	AccessBoth Access = "both"
)

// accessValues are the values identityCenter.access takes.
var accessValues = []string{string(AccessIAM), string(AccessIdentityCenter), string(AccessBoth)}

// IdentityCenterSpec is the identityCenter key as written: how people get
// in, the Identity Center instance, what profiles need, and per role, group
// and user what Identity Center needs beyond the organization model.
type IdentityCenterSpec struct {
	Access string
	// InstanceARN and IdentityStoreID name the instance; both empty means
	// the program looks it up (ssoadmin.GetInstances).
	InstanceARN     string
	IdentityStoreID string
	// StartURL, Region and SSOSession go into the [sso-session] section.
	StartURL   string
	Region     string
	SSOSession string
	// ProfileNameTemplate names the sso profiles; empty means "{profile}"
	// with access identityCenter and "{profile}-sso" otherwise.
	ProfileNameTemplate string
	PermissionSets      map[string]PermissionSetSpec
	Groups              map[string]IdentityCenterGroupSpec
	Users               map[string]IdentityCenterUserSpec
}

// PermissionSetSpec overrides what a role definition gives its permission
// set, where the role's name or description does not fit one.
type PermissionSetSpec struct {
	Name            string
	Description     string
	SessionDuration string
	RelayState      string
}

// IdentityCenterGroupSpec says how a group of the organization exists in
// Identity Center: created by the stack, or an existing one (synced from an
// external identity provider, say) found by its display name.
type IdentityCenterGroupSpec struct {
	Create      bool
	DisplayName string
	Description string
}

// IdentityCenterUserSpec says how a user of the organization exists in
// Identity Center: created by the stack (with the fields the identity store
// requires), or an existing one found by user name.
type IdentityCenterUserSpec struct {
	Create      bool
	UserName    string
	DisplayName string
	GivenName   string
	FamilyName  string
	Email       string
}

// Keys of the identityCenter object.
const (
	keyIdentityCenter      = "identityCenter"
	keyAccess              = "access"
	keyInstanceARN         = "instanceArn"
	keyIdentityStoreID     = "identityStoreId"
	keyStartURL            = "startUrl"
	keySSOSession          = "ssoSession"
	keyProfileNameTemplate = "profileNameTemplate"
	keyPermissionSets      = "permissionSets"
	keyName                = "name"
	keySessionDuration     = "sessionDuration"
	keyRelayState          = "relayState"
	keyDisplayName         = "displayName"
	keyUserName            = "userName"
	keyGivenName           = "givenName"
	keyFamilyName          = "familyName"
	keyEmail               = "email"
)

// Definitions of the identityCenter keys (see schema.go).
var (
	permissionSetKeys = &Key{Name: placeholderRole, Kind: KindObject, Keys: []*Key{
		{Name: keyName, Kind: KindString, Pattern: permissionSetNameRE.String(), MaxLength: MaxPermissionSetName, DefaultText: "the role name",
			Description: "Permission set name, where the role's name is longer than Identity Center allows."},
		{Name: keyDescription, Kind: KindString, MaxLength: MaxPermissionSetDescription, DefaultText: "the role's description",
			Description: "Permission set description."},
		{Name: keySessionDuration, Kind: KindString, Pattern: isoDurationRE.String(), DefaultText: "the role's `maxSessionDuration`",
			Description: "Session length as ISO-8601, `PT1H` to `PT12H`."},
		{Name: keyRelayState, Kind: KindString, MaxLength: MaxRelayState,
			Description: "Console page people land on (relay state)."},
	}}

	identityCenterGroupKeys = &Key{Name: placeholderGroup, Kind: KindObject, Keys: []*Key{
		{Name: keyCreate, Kind: KindBoolean, Default: false,
			Description: "The stack creates the Identity Center group; otherwise an existing one (synced from an identity provider) is found by `displayName`."},
		{Name: keyDisplayName, Kind: KindString, MaxLength: MaxDisplayName, DefaultText: "the group name",
			Description: "Display name of the group in the identity store."},
		{Name: keyDescription, Kind: KindString, MaxLength: MaxDisplayName,
			Description: "Description of a group the stack creates."},
	}}

	identityCenterUserKeys = &Key{Name: placeholderUser, Kind: KindObject, Keys: []*Key{
		{Name: keyCreate, Kind: KindBoolean, Default: false,
			Description: "The stack creates the Identity Center user; otherwise an existing one is found by `userName`."},
		{Name: keyUserName, Kind: KindString, MaxLength: MaxUserName, DefaultText: "the user name",
			Description: "User name in the identity store."},
		{Name: keyDisplayName, Kind: KindString, MaxLength: MaxDisplayName,
			Description: "Display name; required with `create`."},
		{Name: keyGivenName, Kind: KindString, MaxLength: MaxDisplayName,
			Description: "Given name; required with `create`."},
		{Name: keyFamilyName, Kind: KindString, MaxLength: MaxDisplayName,
			Description: "Family name; required with `create`."},
		{Name: keyEmail, Kind: KindString, Pattern: emailRE.String(),
			Description: "Work e-mail of a user the stack creates."},
	}}

	identityCenterKeys = &Key{Name: keyIdentityCenter, Kind: KindObject,
		Description: "People through IAM Identity Center: permission sets from the role definitions, groups, users and assignments.",
		See:         "[Identity Center](identity-center.md)",
		Keys: []*Key{
			{Name: keyAccess, Kind: KindString, Required: true, Enum: accessValues,
				Description: "How people get in: `iam` (IAM users and groups), `identityCenter`, or `both` while migrating."},
			{Name: keyInstanceARN, Kind: KindString, Pattern: instanceARNRE.String(),
				Description: "The Identity Center instance; with `identityStoreId`, or neither to look it up."},
			{Name: keyIdentityStoreID, Kind: KindString, Pattern: identityStoreIDRE.String(),
				Description: "The instance's identity store; with `instanceArn`."},
			{Name: keyStartURL, Kind: KindString, DefaultText: "required unless `access: iam`",
				Description: "The access portal URL, `https://d-xxxxxxxxxx.awsapps.com/start`: `sso_start_url` of the profiles."},
			{Name: keyRegion, Kind: KindString, Pattern: regionRE.String(), DefaultText: "required unless `access: iam`",
				Description: "Region of the Identity Center instance: `sso_region` of the profiles; another than `aws:region` adds one management-account provider."},
			{Name: keySSOSession, Kind: KindString, DefaultText: "required unless `access: iam`",
				Description: "Name of the profiles' `[sso-session]` section."},
			{Name: keyProfileNameTemplate, Kind: KindString, DefaultText: "`{profile}`, or `{profile}-sso` with `access: both`",
				Description: "Names of the sso profiles; `{profile}` is the role's IAM profile name."},
			{Name: keyPermissionSets, Kind: KindMap, Entry: permissionSetKeys, NamePattern: iamNameRE.String(), NameMaxLength: 64,
				Description: "Per role definition, what its permission set takes other than the role's own values."},
			{Name: keyGroups, Kind: KindMap, Entry: identityCenterGroupKeys, NamePattern: iamNameRE.String(), NameMaxLength: 128,
				Description: "Groups of the organization that get Identity Center assignments, and how each exists there."},
			{Name: keyUsers, Kind: KindMap, Entry: identityCenterUserKeys, NamePattern: iamNameRE.String(), NameMaxLength: 64,
				Description: "Users of the organization in Identity Center, and how each exists there."},
		}}
)

// parseIdentityCenter reads the identityCenter key; nil when it is absent.
func parseIdentityCenter(d *decoder, raw json.RawMessage) *IdentityCenterSpec {
	if !present(raw) {
		return nil
	}
	p := keyIdentityCenter
	f := d.fields(p, raw, identityCenterKeys)
	s := &IdentityCenterSpec{
		Access:              d.str(joinPath(p, keyAccess), f[keyAccess]),
		InstanceARN:         d.str(joinPath(p, keyInstanceARN), f[keyInstanceARN]),
		IdentityStoreID:     d.str(joinPath(p, keyIdentityStoreID), f[keyIdentityStoreID]),
		StartURL:            d.str(joinPath(p, keyStartURL), f[keyStartURL]),
		Region:              d.str(joinPath(p, keyRegion), f[keyRegion]),
		SSOSession:          d.str(joinPath(p, keySSOSession), f[keySSOSession]),
		ProfileNameTemplate: d.str(joinPath(p, keyProfileNameTemplate), f[keyProfileNameTemplate]),
		PermissionSets:      map[string]PermissionSetSpec{},
		Groups:              map[string]IdentityCenterGroupSpec{},
		Users:               map[string]IdentityCenterUserSpec{},
	}
	d.each(joinPath(p, keyPermissionSets), f[keyPermissionSets], func(path, name string, raw json.RawMessage) {
		ps := d.fields(path, raw, permissionSetKeys)
		s.PermissionSets[name] = PermissionSetSpec{
			Name:            d.str(joinPath(path, keyName), ps[keyName]),
			Description:     d.str(joinPath(path, keyDescription), ps[keyDescription]),
			SessionDuration: d.str(joinPath(path, keySessionDuration), ps[keySessionDuration]),
			RelayState:      d.str(joinPath(path, keyRelayState), ps[keyRelayState]),
		}
	})
	d.each(joinPath(p, keyGroups), f[keyGroups], func(path, name string, raw json.RawMessage) {
		g := d.fields(path, raw, identityCenterGroupKeys)
		group := IdentityCenterGroupSpec{
			DisplayName: d.str(joinPath(path, keyDisplayName), g[keyDisplayName]),
			Description: d.str(joinPath(path, keyDescription), g[keyDescription]),
		}
		group.Create, _ = d.boolean(joinPath(path, keyCreate), g[keyCreate])
		s.Groups[name] = group
	})
	d.each(joinPath(p, keyUsers), f[keyUsers], func(path, name string, raw json.RawMessage) {
		u := d.fields(path, raw, identityCenterUserKeys)
		user := IdentityCenterUserSpec{
			UserName:    d.str(joinPath(path, keyUserName), u[keyUserName]),
			DisplayName: d.str(joinPath(path, keyDisplayName), u[keyDisplayName]),
			GivenName:   d.str(joinPath(path, keyGivenName), u[keyGivenName]),
			FamilyName:  d.str(joinPath(path, keyFamilyName), u[keyFamilyName]),
			Email:       d.str(joinPath(path, keyEmail), u[keyEmail]),
		}
		user.Create, _ = d.boolean(joinPath(path, keyCreate), u[keyCreate])
		s.Users[name] = user
	})
	return s
}

// IdentityCenterPath is the config path of a field under identityCenter,
// quoted where a key is not a plain identifier, as every problem path is:
// IdentityCenterPath("groups", "a.b", "displayName").
func IdentityCenterPath(keys ...string) string {
	p := keyIdentityCenter
	for _, k := range keys {
		p = joinPath(p, k)
	}
	return p
}

// iamAccess reports whether the spec lays out IAM users, groups and roles
// (everything but access identityCenter does).
func (s *Spec) iamAccess() bool {
	return s.IdentityCenter == nil || Access(s.IdentityCenter.Access) != AccessIdentityCenter
}

// IdentityCenter is the resolved identityCenter key. Everything the program
// registers for Identity Center, and every sso profile, follows from it.
type IdentityCenter struct {
	Access Access
	// InstanceARN and IdentityStoreID are empty when the program looks the
	// instance up.
	InstanceARN     string
	IdentityStoreID string
	// StartURL is the access portal's URL, without a trailing slash.
	StartURL string
	// Region is where Identity Center lives; SessionName names the
	// [sso-session] section every profile shares.
	Region      string
	SessionName string
	// PermissionSets, one per role definition assigned to some Identity
	// Center group, by role name.
	PermissionSets []*PermissionSet
	// Groups and Users by config key; Assignments and Placements by key.
	Groups      []*IdentityCenterGroup
	Users       []*IdentityCenterUser
	Assignments []*Assignment
	Placements  []*SSOPlacement
}

// PermissionSet is a role definition as an Identity Center permission set:
// AWS provisions it as a role into every account it is assigned in.
type PermissionSet struct {
	// Role is the role definition's name: the config key, and so the
	// logical name of every resource of the permission set.
	Role string
	// Name is the permission set's name (1-32 characters), which is also
	// sso_role_name in profiles.
	Name            string
	Description     string
	SessionDuration string
	RelayState      string
	// ManagedPolicyARNs are the AWS managed policies; customer managed
	// ones become references by name and path, resolved in each account.
	ManagedPolicyARNs       []string
	CustomerManagedPolicies []PolicyReference
	// InlinePolicy is the role's inline policies merged into the one
	// document a permission set holds; "" when the role has none.
	InlinePolicy string
	// Boundary is the permissions boundary, or nil.
	Boundary    *Boundary
	Tags        map[string]string
	Destructive bool
	// Placements are the accounts the permission set is assigned in, in
	// account order.
	Placements []*SSOPlacement
}

// PolicyReference names a customer managed policy by name and path: a
// permission set refers to it in every account it is provisioned to, where a
// policy of that name and path must exist.
type PolicyReference struct {
	Name string
	Path string
}

// Boundary is a permission set's permissions boundary: an AWS managed
// policy, or a customer managed one by reference.
type Boundary struct {
	ManagedPolicyARN string
	CustomerManaged  *PolicyReference
}

// SSOPlacement is a permission set assigned in one account: one sso profile.
type SSOPlacement struct {
	PermissionSet *PermissionSet
	// Role is the role placement of the same definition and account.
	Role        *Role
	ProfileName string
	// Groups are the Identity Center groups assigned it.
	Groups []*IdentityCenterGroup
}

// Key is the placement's key, "account/RoleName", the role placement's.
func (p *SSOPlacement) Key() string { return p.Role.Key() }

// IdentityCenterGroup is a group of the organization in Identity Center.
type IdentityCenterGroup struct {
	Group       *Group
	DisplayName string
	Description string
	// Create says the stack creates the group; otherwise it exists and is
	// found by DisplayName.
	Create bool
	// Members are the memberships this stack manages: only in groups it
	// creates (an existing group's members are managed where it is).
	Members []*IdentityCenterUser
	// Users are every member the configuration knows of (users.<u>.groups).
	Users       []*User
	Assignments []*Assignment
}

// Name is the group's config key.
func (g *IdentityCenterGroup) Name() string { return g.Group.Name }

// IdentityCenterUser is a user of the organization in Identity Center.
type IdentityCenterUser struct {
	User        *User
	UserName    string
	DisplayName string
	GivenName   string
	FamilyName  string
	Email       string
	Create      bool
	// LookUp says the program must find the existing user's ID: it is a
	// member of a group the stack creates.
	LookUp bool
}

// Name is the user's config key.
func (u *IdentityCenterUser) Name() string { return u.User.Name }

// Assignment gives one group one permission set in one account.
type Assignment struct {
	Group     *IdentityCenterGroup
	Placement *SSOPlacement
}

// Key is "group/account/RoleName": config keys only, so adding or removing
// one assignment renames no other.
func (a *Assignment) Key() string { return a.Group.Name() + "/" + a.Placement.Key() }

// IAMAccess reports whether the layout's people come (also) through IAM
// users and groups, and so whether IAM roles are laid out.
func (l *Layout) IAMAccess() bool {
	return l.IdentityCenter == nil || l.IdentityCenter.Access != AccessIdentityCenter
}

// IdentityCenterAccess reports whether the layout's people come (also)
// through Identity Center.
func (l *Layout) IdentityCenterAccess() bool {
	return l.IdentityCenter != nil && l.IdentityCenter.Access != AccessIAM
}

// GroupsOf are the Identity Center groups of u, by key.
func (ic *IdentityCenter) GroupsOf(u *User) []*IdentityCenterGroup {
	var out []*IdentityCenterGroup
	for _, g := range ic.Groups {
		for _, m := range g.Users {
			if m == u {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// PlacementsOf are the sso placements u may use through any of its
// Identity Center groups, each once, by profile name.
func (ic *IdentityCenter) PlacementsOf(u *User) []*SSOPlacement {
	seen := map[*SSOPlacement]bool{}
	for _, g := range ic.GroupsOf(u) {
		for _, a := range g.Assignments {
			seen[a.Placement] = true
		}
	}
	out := make([]*SSOPlacement, 0, len(seen))
	for _, p := range ic.Placements {
		if seen[p] {
			out = append(out, p)
		}
	}
	return out
}
