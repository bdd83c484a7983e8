package layout

import (
	"encoding/json"
	"sort"
)

// Spec is an organization as written in the stack configuration, before
// defaults are applied and references resolved. Maps are keyed by the names a
// person chose, which also become logical resource names, so reordering the
// YAML changes nothing.
type Spec struct {
	MasterAccountID string
	// Partition is "aws", "aws-cn" or "aws-us-gov"; empty means "aws".
	Partition      string
	AccessRoleName string
	// Zero values below mean "use the default".
	MFAMaxAgeSeconds              int
	MaxSessionDuration            int
	DestructiveMaxSessionDuration int
	Accounts                      map[string]AccountSpec
	Roles                         map[string]RoleSpec
	Groups                        map[string]GroupSpec
	Users                         map[string]UserSpec
	Profiles                      ProfilesSpec
	Quotas                        QuotasSpec
	Security                      SecuritySpec
	// PolicyNameSuffix tells this stack's assume-role policy names apart from
	// other stacks' when several stacks grant to one group.
	PolicyNameSuffix string
	// Delivery says how roles reach child accounts.
	Delivery DeliverySpec
	// IdentityCenter says how people get in through IAM Identity Center;
	// nil when the key is absent (IAM users and groups only).
	IdentityCenter *IdentityCenterSpec
	// Workloads are CI workloads by role name (workloads.go).
	Workloads map[string]WorkloadSpec
}

// QuotasSpec raises IAM quotas where the organization's AWS account has had
// them raised (check with GetAccountSummary). Zero means IAM's default.
type QuotasSpec struct {
	TrustPolicySize        int
	ManagedPolicySize      int
	ManagedPoliciesPerRole int
	RoleInlinePolicySize   int
}

// SecuritySpec holds organization-wide security options.
type SecuritySpec struct {
	// RequireSessionNameMatchesUser makes groups' grants require
	// sts:RoleSessionName = ${aws:username}, so CloudTrail names the person.
	RequireSessionNameMatchesUser bool
	// AllowSourceIdentity allows sts:SetSourceIdentity alongside
	// sts:AssumeRole, in trust policies and in groups' grants.
	AllowSourceIdentity bool
	// AllowTagSession allows sts:TagSession likewise.
	AllowTagSession bool
	// Trust is who a role's trust lets in from the management account:
	// TrustAccount or TrustMembers; empty means TrustAccount.
	Trust string
}

// ProfilesSpec says how ~/.aws/config profiles are rendered for the roles.
type ProfilesSpec struct {
	// NameTemplate names each role's profile; see ProfileVariables.
	NameTemplate string
	// SourceProfile is the profile holding the person's own credentials.
	SourceProfile string
	// CredentialSource replaces SourceProfile on CI runners: Environment,
	// Ec2InstanceMetadata or EcsContainer.
	CredentialSource string
	// Region is written into every profile whose account has no region.
	Region string
	// DurationSeconds asks for sessions of this length (capped at each
	// role's MaxSessionDuration); zero leaves it to the CLI (one hour).
	DurationSeconds int
	// PerUserOutputs exports the outputs that grow with people x roles
	// (each user's fragments, the access matrix). Nil means true.
	PerUserOutputs *bool
}

// AccountSpec is one child account.
type AccountSpec struct {
	ID          string
	Environment string
	Region      string
	// AccessRoleName overrides the organization's AccessRoleName for this
	// account (accounts invited into an organization often lack
	// OrganizationAccountAccessRole and carry another admin role).
	AccessRoleName string
	// Protect marks the account's roles protected: `pulumi up` refuses to
	// delete them until the protection is lifted.
	Protect bool
	// RetainOnDelete keeps the account's roles in AWS when they leave the
	// stack.
	RetainOnDelete bool
	// Aliases are former names of the account key, so renaming the key
	// re-labels resources instead of replacing them.
	Aliases []string
}

// RoleSpec is one role definition, placed in every account it names. One
// definition serves many accounts so that a role like ReadOnly is written once
// for three hundred sandboxes.
type RoleSpec struct {
	Accounts            []string
	Path                string
	Description         string
	ManagedPolicyARNs   []string
	InlinePolicies      map[string]json.RawMessage
	MaxSessionDuration  int
	PermissionsBoundary string
	Tags                map[string]string
	// Destructive marks a role for destructive operations: it requires MFA,
	// gets the short default session and a tag saying so.
	Destructive bool
	// RequireMFA adds the MFA conditions without the rest of Destructive.
	// Nil means "not said"; false on a destructive role is an error.
	RequireMFA *bool
	// Application labels the team or application the role serves ("alfie");
	// it feeds profile names. Empty means the role name in kebab case.
	Application string
	// ProfileName overrides the profile name template for this role.
	ProfileName string
	// ExternalID, when set, is required by every Allow of the trust policy.
	ExternalID string
	// TrustedAccounts are third-party accounts trusted besides the
	// management account; they require ExternalID.
	TrustedAccounts []string
	// OrganizationalUnits deploy the role, through a SERVICE_MANAGED
	// StackSet with auto-deployment, to every account of these OUs, present
	// and future.
	OrganizationalUnits []string
}

// GroupSpec is one IAM group of the management account.
type GroupSpec struct {
	Path string
	// Roles are "RoleName" (the role in every account that holds it) or
	// "account/RoleName" (one account only).
	Roles             []string
	ManagedPolicyARNs []string
	// MFASelfService attaches the policy that lets members manage their own
	// MFA device and denies everything else until they sign in with MFA.
	MFASelfService bool
	// DenyCascadeCreation attaches the policy denying members the creation
	// of IAM users, and of access keys and passwords for others.
	DenyCascadeCreation bool
	// Aliases are former names of the group: renaming it in the config
	// renames it in IAM in place.
	Aliases []string
	// ManagedBy names the stack that owns the group ("org/project/stack"):
	// this stack only attaches its grants to it, read through a
	// StackReference. It is how an organization split over several stacks
	// shares the management account's groups.
	ManagedBy string
	// GrantedElsewhere lets the owning stack declare a group with no roles
	// of its own: its grants come from the stacks that name it in ManagedBy.
	GrantedElsewhere bool
	// RemoveMembersOnDelete makes deleting the group remove its members
	// first, those added outside this stack included: IAM refuses to delete
	// a group that has members (DeleteConflict).
	RemoveMembersOnDelete bool
}

// UserSpec is one person of the management account.
type UserSpec struct {
	Groups []string
	// Create says the stack owns the IAM user itself. Without it the user is
	// expected to exist already and only its group memberships are managed.
	Create bool
	Path   string
	// MFADevice names the user's virtual MFA device; empty means the user name.
	MFADevice string
	// Aliases are former names of the user (renamed in place, with create).
	Aliases []string
}

// Keys of the configuration object, named once for the parser and the
// definition tree (schema.go), which holds the known keys of every object.
const (
	keyMasterAccountID               = "masterAccountId"
	keyPartition                     = "partition"
	keyAccessRoleName                = "accessRoleName"
	keyMFAMaxAgeSeconds              = "mfaMaxAgeSeconds"
	keyMaxSessionDuration            = "maxSessionDuration"
	keyDestructiveMaxSessionDuration = "destructiveMaxSessionDuration"
	keyAccounts                      = "accounts"
	keyRoles                         = "roles"
	keyGroups                        = "groups"
	keyUsers                         = "users"

	keyID          = "id"
	keyEnvironment = "environment"
	keyRegion      = "region"

	keyPath                = "path"
	keyDescription         = "description"
	keyManagedPolicyARNs   = "managedPolicyArns"
	keyInlinePolicies      = "inlinePolicies"
	keyPermissionsBoundary = "permissionsBoundary"
	keyTags                = "tags"
	keyDestructive         = "destructive"
	keyRequireMFA          = "requireMfa"

	keyCreate    = "create"
	keyMFADevice = "mfaDevice"

	keyApplication     = "application"
	keyProfileName     = "profileName"
	keyExternalID      = "externalId"
	keyTrustedAccounts = "trustedAccounts"

	keyProfiles         = "profiles"
	keyNameTemplate     = "nameTemplate"
	keySourceProfile    = "sourceProfile"
	keyCredentialSource = "credentialSource"
	keyDurationSeconds  = "durationSeconds"
	keyPerUserOutputs   = "perUserOutputs"

	keyQuotas                 = "quotas"
	keyTrustPolicySize        = "trustPolicySize"
	keyManagedPolicySize      = "managedPolicySize"
	keyManagedPoliciesPerRole = "managedPoliciesPerRole"
	keyRoleInlinePolicySize   = "roleInlinePolicySize"

	keySecurity                      = "security"
	keyRequireSessionNameMatchesUser = "requireSessionNameMatchesUser"
	keyAllowSourceIdentity           = "allowSourceIdentity"
	keyAllowTagSession               = "allowTagSession"
	keyTrust                         = "trust"

	keyProtect             = "protect"
	keyRetainOnDelete      = "retainOnDelete"
	keyAliases             = "aliases"
	keyMFASelfService      = "mfaSelfService"
	keyDenyCascadeCreation = "denyCascadeCreation"
	keyManagedBy           = "managedBy"
	keyGrantedElsewhere    = "grantedElsewhere"
	keyRemoveMembers       = "removeMembersOnDelete"
	keyPolicyNameSuffix    = "policyNameSuffix"
)

func parseSpec(d *decoder, raw json.RawMessage) *Spec {
	if !present(raw) {
		d.problems.Addf("", "the organization configuration is empty")
		return &Spec{}
	}
	f := d.fields("", raw, organizationKeys)
	s := &Spec{
		MasterAccountID:  d.accountID(keyMasterAccountID, f[keyMasterAccountID]),
		Partition:        d.str(keyPartition, f[keyPartition]),
		AccessRoleName:   d.str(keyAccessRoleName, f[keyAccessRoleName]),
		PolicyNameSuffix: d.str(keyPolicyNameSuffix, f[keyPolicyNameSuffix]),
		Accounts:         map[string]AccountSpec{},
		Roles:            map[string]RoleSpec{},
		Groups:           map[string]GroupSpec{},
		Users:            map[string]UserSpec{},
		IdentityCenter:   parseIdentityCenter(d, f[keyIdentityCenter]),
	}
	s.Delivery = parseDelivery(d, f)
	s.Workloads = parseWorkloads(d, f[keyWorkloads])
	s.MFAMaxAgeSeconds, _ = d.integer(keyMFAMaxAgeSeconds, f[keyMFAMaxAgeSeconds])
	s.MaxSessionDuration, _ = d.integer(keyMaxSessionDuration, f[keyMaxSessionDuration])
	s.DestructiveMaxSessionDuration, _ = d.integer(keyDestructiveMaxSessionDuration, f[keyDestructiveMaxSessionDuration])

	pf := d.fields(keyProfiles, f[keyProfiles], profilesKeys)
	s.Profiles = ProfilesSpec{
		NameTemplate:     d.str(joinPath(keyProfiles, keyNameTemplate), pf[keyNameTemplate]),
		SourceProfile:    d.str(joinPath(keyProfiles, keySourceProfile), pf[keySourceProfile]),
		CredentialSource: d.str(joinPath(keyProfiles, keyCredentialSource), pf[keyCredentialSource]),
		Region:           d.str(joinPath(keyProfiles, keyRegion), pf[keyRegion]),
	}
	s.Profiles.DurationSeconds, _ = d.integer(joinPath(keyProfiles, keyDurationSeconds), pf[keyDurationSeconds])
	if v, ok := d.boolean(joinPath(keyProfiles, keyPerUserOutputs), pf[keyPerUserOutputs]); ok {
		s.Profiles.PerUserOutputs = &v
	}

	q := d.fields(keyQuotas, f[keyQuotas], quotasKeys)
	s.Quotas.TrustPolicySize, _ = d.integer(joinPath(keyQuotas, keyTrustPolicySize), q[keyTrustPolicySize])
	s.Quotas.ManagedPolicySize, _ = d.integer(joinPath(keyQuotas, keyManagedPolicySize), q[keyManagedPolicySize])
	s.Quotas.ManagedPoliciesPerRole, _ = d.integer(joinPath(keyQuotas, keyManagedPoliciesPerRole), q[keyManagedPoliciesPerRole])
	s.Quotas.RoleInlinePolicySize, _ = d.integer(joinPath(keyQuotas, keyRoleInlinePolicySize), q[keyRoleInlinePolicySize])

	sec := d.fields(keySecurity, f[keySecurity], securityKeys)
	s.Security.RequireSessionNameMatchesUser, _ = d.boolean(joinPath(keySecurity, keyRequireSessionNameMatchesUser), sec[keyRequireSessionNameMatchesUser])
	s.Security.AllowSourceIdentity, _ = d.boolean(joinPath(keySecurity, keyAllowSourceIdentity), sec[keyAllowSourceIdentity])
	s.Security.AllowTagSession, _ = d.boolean(joinPath(keySecurity, keyAllowTagSession), sec[keyAllowTagSession])
	s.Security.Trust = d.str(joinPath(keySecurity, keyTrust), sec[keyTrust])

	d.each(keyAccounts, f[keyAccounts], func(path, name string, raw json.RawMessage) {
		a := d.fields(path, raw, accountKeys)
		acct := AccountSpec{
			ID:             d.accountID(joinPath(path, keyID), a[keyID]),
			Environment:    d.str(joinPath(path, keyEnvironment), a[keyEnvironment]),
			Region:         d.str(joinPath(path, keyRegion), a[keyRegion]),
			AccessRoleName: d.str(joinPath(path, keyAccessRoleName), a[keyAccessRoleName]),
			Aliases:        d.strings(joinPath(path, keyAliases), a[keyAliases]),
		}
		acct.Protect, _ = d.boolean(joinPath(path, keyProtect), a[keyProtect])
		acct.RetainOnDelete, _ = d.boolean(joinPath(path, keyRetainOnDelete), a[keyRetainOnDelete])
		s.Accounts[name] = acct
	})
	d.each(keyRoles, f[keyRoles], func(path, name string, raw json.RawMessage) {
		r := d.fields(path, raw, roleKeys)
		role := RoleSpec{
			Accounts:            d.strings(joinPath(path, keyAccounts), r[keyAccounts]),
			Path:                d.str(joinPath(path, keyPath), r[keyPath]),
			Description:         d.str(joinPath(path, keyDescription), r[keyDescription]),
			ManagedPolicyARNs:   d.strings(joinPath(path, keyManagedPolicyARNs), r[keyManagedPolicyARNs]),
			PermissionsBoundary: d.str(joinPath(path, keyPermissionsBoundary), r[keyPermissionsBoundary]),
			Tags:                d.stringMap(joinPath(path, keyTags), r[keyTags]),
			Application:         d.str(joinPath(path, keyApplication), r[keyApplication]),
			ProfileName:         d.str(joinPath(path, keyProfileName), r[keyProfileName]),
			ExternalID:          d.str(joinPath(path, keyExternalID), r[keyExternalID]),
			TrustedAccounts:     d.accountIDs(joinPath(path, keyTrustedAccounts), r[keyTrustedAccounts]),
			OrganizationalUnits: d.strings(joinPath(path, keyOrganizationalUnits), r[keyOrganizationalUnits]),
		}
		role.MaxSessionDuration, _ = d.integer(joinPath(path, keyMaxSessionDuration), r[keyMaxSessionDuration])
		role.Destructive, _ = d.boolean(joinPath(path, keyDestructive), r[keyDestructive])
		if v, ok := d.boolean(joinPath(path, keyRequireMFA), r[keyRequireMFA]); ok {
			role.RequireMFA = &v
		}
		if present(r[keyInlinePolicies]) {
			role.InlinePolicies = map[string]json.RawMessage{}
			d.each(joinPath(path, keyInlinePolicies), r[keyInlinePolicies], func(_, name string, doc json.RawMessage) {
				role.InlinePolicies[name] = doc
			})
		}
		s.Roles[name] = role
	})
	d.each(keyGroups, f[keyGroups], func(path, name string, raw json.RawMessage) {
		g := d.fields(path, raw, groupKeys)
		group := GroupSpec{
			Path:              d.str(joinPath(path, keyPath), g[keyPath]),
			Roles:             d.strings(joinPath(path, keyRoles), g[keyRoles]),
			ManagedPolicyARNs: d.strings(joinPath(path, keyManagedPolicyARNs), g[keyManagedPolicyARNs]),
			Aliases:           d.strings(joinPath(path, keyAliases), g[keyAliases]),
			ManagedBy:         d.str(joinPath(path, keyManagedBy), g[keyManagedBy]),
		}
		group.GrantedElsewhere, _ = d.boolean(joinPath(path, keyGrantedElsewhere), g[keyGrantedElsewhere])
		group.MFASelfService, _ = d.boolean(joinPath(path, keyMFASelfService), g[keyMFASelfService])
		group.DenyCascadeCreation, _ = d.boolean(joinPath(path, keyDenyCascadeCreation), g[keyDenyCascadeCreation])
		group.RemoveMembersOnDelete, _ = d.boolean(joinPath(path, keyRemoveMembers), g[keyRemoveMembers])
		s.Groups[name] = group
	})
	d.each(keyUsers, f[keyUsers], func(path, name string, raw json.RawMessage) {
		u := d.fields(path, raw, userKeys)
		user := UserSpec{
			Groups:    d.strings(joinPath(path, keyGroups), u[keyGroups]),
			Path:      d.str(joinPath(path, keyPath), u[keyPath]),
			MFADevice: d.str(joinPath(path, keyMFADevice), u[keyMFADevice]),
			Aliases:   d.strings(joinPath(path, keyAliases), u[keyAliases]),
		}
		user.Create, _ = d.boolean(joinPath(path, keyCreate), u[keyCreate])
		s.Users[name] = user
	})
	return s
}

// each calls fn for every entry of a name-keyed object, in key order.
func (d *decoder) each(path string, raw json.RawMessage, fn func(path, name string, raw json.RawMessage)) {
	if !present(raw) {
		return
	}
	es, ok := d.entries(path, raw)
	if !ok {
		return
	}
	sort.Slice(es, func(i, j int) bool { return es[i].key < es[j].key })
	for _, e := range es {
		fn(joinPath(path, e.key), e.key, e.raw)
	}
}
