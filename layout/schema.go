package layout

import (
	"fmt"
	"strings"
)

// Kind is the shape of a configuration value, as the decoder reads it and as
// the JSON Schema and the reference describe it.
type Kind int

// Kinds of configuration values.
const (
	// KindString is a string.
	KindString Kind = iota + 1
	// KindInteger is a whole number, or a string of digits (`pulumi config
	// set` stores scalars as strings).
	KindInteger
	// KindBoolean is true or false, or the strings "true" and "false".
	KindBoolean
	// KindAccountID is an AWS account ID: a quoted string of 12 digits.
	KindAccountID
	// KindStrings is a list of distinct, non-empty strings.
	KindStrings
	// KindAccountIDs is a list of distinct account IDs.
	KindAccountIDs
	// KindTags is an object of tag values (numbers and booleans are read as
	// text).
	KindTags
	// KindDocument is an IAM policy document, as an object or as a JSON
	// string holding one.
	KindDocument
	// KindObject is an object with the fixed keys in Key.Keys; any other key
	// is an error.
	KindObject
	// KindMap is an object keyed by names the person chooses (account names,
	// role names ...); every value is described by Key.Entry.
	KindMap
)

// Key defines one key of `iam-layout:organization`. The tree of Keys rooted
// at the organization is the one definition of the configuration: the
// decoder takes its known keys from it (a key missing here is an unknown
// key), and the JSON Schema (`iam-layout schema`) and the reference in
// docs/configuration.md are generated from it.
//
// Bounds, patterns and enums are the ones the validation applies, taken from
// the same constants and regular expressions, so an editor checking against
// the schema never rejects what the program accepts for those reasons.
type Key struct {
	// Name is the key as written in YAML. For a map's Entry it is the
	// placeholder shown in paths ("<name>").
	Name string
	Kind Kind
	// Description says what the key does, in a sentence or two of
	// Markdown limited to `code` spans (editors show it on hover; the
	// schema's plain "description" drops the backquotes). Enum, bounds and
	// defaults are added by the generators; do not repeat them here.
	Description string
	// See links the reference row to a section of docs/, as Markdown
	// ("[Renaming](guardrails.md#renaming)").
	See string
	// Required keys must be given.
	Required bool
	// Default is the value used when the key is absent, as JSON would hold
	// it (string, int, bool, empty list or object). Nil when there is none
	// or it is computed (see DefaultText).
	Default any
	// DefaultText describes a computed default for the reference ("the
	// stack's `aws:region`"); the schema then has no "default".
	DefaultText string
	// Enum lists the accepted values of a string.
	Enum []string
	// Pattern is the regular expression a string (or each string of a list)
	// must match; MinLength and MaxLength bound its length.
	Pattern              string
	MinLength, MaxLength int
	// Min and Max bound an integer when Max is not zero.
	Min, Max int
	// MinItems and MaxItems bound a list (MaxItems 0: no bound).
	MinItems, MaxItems int
	// MaxEntries bounds the entries of tags (0: no bound).
	MaxEntries int
	// Keys are the fixed keys of a KindObject.
	Keys []*Key
	// Entry describes every value of a KindMap; NamePattern and
	// NameMaxLength constrain the names (the map's keys).
	Entry         *Key
	NamePattern   string
	NameMaxLength int

	// names caches the names of Keys for the decoder.
	names []string
}

// define checks the tree once at start-up and caches what the decoder needs.
// A malformed tree is a bug in this package: it panics, so every test fails.
func define(k *Key) *Key {
	var walk func(path string, k *Key)
	walk = func(path string, k *Key) {
		if k.Kind == 0 || k.Name == "" {
			panic(fmt.Sprintf("layout: key %q in schema.go has no name or kind", path))
		}
		switch k.Kind {
		case KindObject:
			seen := map[string]bool{}
			for _, c := range k.Keys {
				if seen[c.Name] {
					panic(fmt.Sprintf("layout: key %q is defined twice under %q in schema.go", c.Name, path))
				}
				seen[c.Name] = true
				k.names = append(k.names, c.Name)
				walk(joinPath(path, c.Name), c)
			}
		case KindMap:
			if k.Entry == nil {
				panic(fmt.Sprintf("layout: map %q in schema.go has no Entry", path))
			}
			walk(path+"."+k.Entry.Name, k.Entry)
		}
	}
	walk(k.Name, k)
	return k
}

// Placeholders for the names a person chooses, as the reference shows them.
const (
	placeholderAccount = "<name>"
	placeholderRole    = "<Role>"
	placeholderGroup   = "<group>"
	placeholderUser    = "<user>"
	placeholderPolicy  = "<name>"
)

// The definition tree. Each object the decoder reads with d.fields has its
// own variable; parseSpec names them.
//
// To add a key: add its key* constant (spec.go), one entry below in the
// object it belongs to, and read it in parseSpec; then regenerate the
// reference and schemas (docs/development.md, "Adding a configuration key").
var (
	accountKeys = &Key{Name: placeholderAccount, Kind: KindObject, Keys: []*Key{
		{Name: keyID, Kind: KindAccountID, Required: true,
			Description: "The account's 12-digit ID, in quotes. Unique, and not the management account."},
		{Name: keyEnvironment, Kind: KindString, Pattern: keyNameRE.String(), MaxLength: maxKeyNameLen,
			Description: "A label such as `production`, used in profile names (`{environment}`)."},
		{Name: keyRegion, Kind: KindString, Pattern: regionRE.String(), DefaultText: "the stack's `aws:region`",
			Description: "Region of this account's provider (`providers` delivery) and of its profiles, like `eu-west-1`."},
		{Name: keyAccessRoleName, Kind: KindString, Pattern: iamNameRE.String(), MaxLength: 64,
			DefaultText: "the organization's `accessRoleName`",
			Description: "Role assumed in this account to create its roles (accounts invited into an organization often lack `OrganizationAccountAccessRole`)."},
		{Name: keyProtect, Kind: KindBoolean, Default: false,
			Description: "The account's roles are protected: `pulumi up` refuses to delete them."},
		{Name: keyRetainOnDelete, Kind: KindBoolean, Default: false,
			Description: "Roles leaving the stack stay in AWS."},
		{Name: keyAliases, Kind: KindStrings, Default: []string{}, Pattern: keyNameRE.String(), MaxLength: maxKeyNameLen,
			Description: "Former names of the account key: renaming the key re-labels its resources instead of replacing them.",
			See:         "[Renaming](guardrails.md#renaming)"},
	}}

	roleKeys = &Key{Name: placeholderRole, Kind: KindObject, Keys: []*Key{
		{Name: keyAccounts, Kind: KindStrings, Required: true, MinItems: 1,
			Description: "Names of the accounts the role is placed in."},
		{Name: keyPath, Kind: KindString, Default: "/", Pattern: iamPathRE.String(), MaxLength: maxPathLen,
			Description: "IAM path: starts and ends with `/`."},
		{Name: keyDescription, Kind: KindString, MaxLength: maxDescription,
			Description: "The role's IAM description."},
		{Name: keyManagedPolicyARNs, Kind: KindStrings, Default: []string{}, Pattern: policyARNRE.String(),
			Description: "Managed policy ARNs attached to the role: at most `quotas.managedPoliciesPerRole`, in the organization's partition."},
		{Name: keyInlinePolicies, Kind: KindMap, NamePattern: iamNameRE.String(), NameMaxLength: 128,
			Description: "Inline identity policies by name; each document is validated.",
			Entry: &Key{Name: placeholderPolicy, Kind: KindDocument,
				Description: "An identity policy document, as YAML or as a JSON string."}},
		{Name: keyMaxSessionDuration, Kind: KindInteger, Min: MinSessionDuration, Max: MaxSessionDuration,
			DefaultText: "`maxSessionDuration`, or `destructiveMaxSessionDuration` for a destructive role",
			Description: "The role's `MaxSessionDuration` in seconds."},
		{Name: keyPermissionsBoundary, Kind: KindString, Pattern: policyARNRE.String(),
			Description: "ARN of the managed policy that bounds the role's permissions."},
		{Name: keyTags, Kind: KindTags, Default: map[string]string{}, MaxEntries: MaxTagsPerRole,
			Description: "Tags of the role; keys starting with `aws:` are reserved."},
		{Name: keyDestructive, Kind: KindBoolean, Default: false,
			Description: "A role for destructive operations: it requires a recent MFA sign-in, gets the short session and the tag `iam-layout:destructive=true`."},
		{Name: keyRequireMFA, Kind: KindBoolean, Default: false,
			Description: "Require MFA without the rest of `destructive`; cannot be `false` on a destructive role."},
		{Name: keyApplication, Kind: KindString, Pattern: keyNameRE.String(), MaxLength: maxKeyNameLen,
			DefaultText: "the role name in kebab case",
			Description: "Team or application label, used in profile names (`{application}`)."},
		{Name: keyProfileName, Kind: KindString, DefaultText: "`profiles.nameTemplate`",
			Description: "Profile name (or name template) of this role's profiles."},
		{Name: keyExternalID, Kind: KindString, Pattern: externalIDRE.String(), MinLength: 2, MaxLength: 1224,
			Description: "`sts:ExternalId` required by every Allow of the trust policy (for third parties)."},
		{Name: keyTrustedAccounts, Kind: KindAccountIDs, Default: []string{},
			Description: "Third-party account IDs trusted besides the management account; they need `externalId`."},
		{Name: keyOrganizationalUnits, Kind: KindStrings, Pattern: ouIDRE.String(),
			Description: "`delivery: stackSets` with `SERVICE_MANAGED` only: deploy the role to every account of these OUs, present and future (auto-deployment); the accounts it lists must be in them.",
			See:         "[Scale](scale.md)"},
	}}

	groupKeys = &Key{Name: placeholderGroup, Kind: KindObject, Keys: []*Key{
		{Name: keyRoles, Kind: KindStrings,
			Description: "Roles the group may assume: `RoleName` (the role in every account holding it) or `account/RoleName`. Required unless `grantedElsewhere` is set."},
		{Name: keyPath, Kind: KindString, Default: "/", Pattern: iamPathRE.String(), MaxLength: maxPathLen,
			Description: "IAM path of the group and of its assume-role policies."},
		{Name: keyManagedPolicyARNs, Kind: KindStrings, Default: []string{}, Pattern: policyARNRE.String(),
			Description: "Managed policies attached to the group. IAM attaches 10 per group; the assume-role policies and guardrails take their share."},
		{Name: keyMFASelfService, Kind: KindBoolean, Default: false,
			Description: "Attach `iam-layout-mfa-self-service`: members manage their own MFA device; everything else, assuming roles included, is denied until they sign in with MFA.",
			See:         "[Guardrails](guardrails.md)"},
		{Name: keyDenyCascadeCreation, Kind: KindBoolean, Default: false,
			Description: "Attach `iam-layout-deny-cascade-creation`: no new IAM users, no access keys or passwords for others.",
			See:         "[Guardrails](guardrails.md)"},
		{Name: keyAliases, Kind: KindStrings, Default: []string{}, Pattern: iamNameRE.String(), MaxLength: 128,
			Description: "Former names of the group: it is renamed in place.",
			See:         "[Renaming](guardrails.md#renaming)"},
		{Name: keyManagedBy, Kind: KindString, Pattern: stackNameRE.String(),
			Description: "The stack that owns the group (`organization/iam-layout/root`): this stack only attaches its grants.",
			See:         "[Beyond one stack](scale.md#beyond-one-stack)"},
		{Name: keyGrantedElsewhere, Kind: KindBoolean, Default: false,
			Description: "In the owning stack: the group may list no roles, other stacks grant to it.",
			See:         "[Beyond one stack](scale.md#beyond-one-stack)"},
		{Name: keyRemoveMembers, Kind: KindBoolean, Default: false,
			Description: "Deleting the group first removes its members, those added outside this stack too (IAM refuses to delete a group with members). Needs a member declared under `users`; delete with `pulumi up --refresh`.",
			See:         "[Deleting a group](guardrails.md#deleting-a-group)"},
	}}

	userKeys = &Key{Name: placeholderUser, Kind: KindObject, Keys: []*Key{
		{Name: keyGroups, Kind: KindStrings, Required: true, MinItems: 1, MaxItems: MaxGroupsPerUser,
			Description: "Groups the user is a member of."},
		{Name: keyCreate, Kind: KindBoolean, Default: false,
			Description: "The stack creates and owns the IAM user; otherwise the user exists already and only its memberships are managed."},
		{Name: keyPath, Kind: KindString, Default: "/", Pattern: iamPathRE.String(), MaxLength: maxPathLen,
			Description: "IAM path of the user; only with `create`."},
		{Name: keyMFADevice, Kind: KindString, Pattern: iamNameRE.String(), MaxLength: 226, DefaultText: "the user name",
			Description: "Name of the user's virtual MFA device (the `mfa_serial` of their profiles)."},
		{Name: keyAliases, Kind: KindStrings, Default: []string{}, Pattern: iamNameRE.String(), MaxLength: 64,
			Description: "Former names of a user the stack creates: renamed in place.",
			See:         "[Renaming](guardrails.md#renaming)"},
	}}

	profilesKeys = &Key{Name: keyProfiles, Kind: KindObject,
		Description: "How `~/.aws/config` profiles are rendered.",
		See:         "[Profiles and console](profiles.md)",
		Keys: []*Key{
			{Name: keyNameTemplate, Kind: KindString, Default: DefaultProfileNameTemplate,
				Description: "Profile names; placeholders `{account}`, `{environment}`, `{application}`, `{role}` (kebab-case role name). Two roles with one name is an error."},
			{Name: keySourceProfile, Kind: KindString, Default: DefaultSourceProfile, Pattern: profileNameRE.String(),
				Description: "Profile holding people's own credentials."},
			{Name: keyCredentialSource, Kind: KindString, Enum: CredentialSources,
				Description: "`credential_source` instead of `sourceProfile` (CI runners)."},
			{Name: keyRegion, Kind: KindString, Pattern: regionRE.String(),
				Description: "Region for profiles whose account sets none."},
			{Name: keyDurationSeconds, Kind: KindInteger, Min: MinDurationSeconds, Max: MaxSessionDuration,
				Description: "Session length to ask for, capped at each role's maximum."},
			{Name: keyPerUserOutputs, Kind: KindBoolean, Default: true,
				Description: "Export each user's fragments and the access matrix; turn off for large organizations.",
				See:         "[Scale](scale.md)"},
		}}

	quotasKeys = &Key{Name: keyQuotas, Kind: KindObject,
		Description: "IAM quotas the generated documents are measured against; raise only what AWS raised for your account.",
		See:         "[Guardrails](guardrails.md)",
		Keys: []*Key{
			{Name: keyTrustPolicySize, Kind: KindInteger, Default: DefaultTrustPolicySize, Min: minDocumentQuota, Max: MaxTrustPolicySize,
				Description: "Trust policy size quota (raise it only after AWS raised yours)."},
			{Name: keyManagedPolicySize, Kind: KindInteger, Default: DefaultManagedPolicySize, Min: minDocumentQuota, Max: DefaultManagedPolicySize,
				Description: "Managed policy size quota (lower it for headroom)."},
			{Name: keyManagedPoliciesPerRole, Kind: KindInteger, Default: DefaultManagedPoliciesPerRole, Min: 1, Max: MaxManagedPoliciesPerRoleRaw,
				Description: "Managed policies per role (20 after a quota increase)."},
			{Name: keyRoleInlinePolicySize, Kind: KindInteger, Default: DefaultRoleInlinePolicySize, Min: minDocumentQuota, Max: DefaultRoleInlinePolicySize,
				Description: "Aggregate inline policy size per role."},
		}}

	securityKeys = &Key{Name: keySecurity, Kind: KindObject,
		Description: "Organization-wide security options.",
		See:         "[Guardrails](guardrails.md)",
		Keys: []*Key{
			{Name: keyRequireSessionNameMatchesUser, Kind: KindBoolean, Default: false,
				Description: "Groups' grants require `sts:RoleSessionName` = `${aws:username}`, so CloudTrail names the person (profiles set `role_session_name`)."},
			{Name: keyAllowSourceIdentity, Kind: KindBoolean, Default: false,
				Description: "Allow `sts:SetSourceIdentity` in trust policies and grants."},
			{Name: keyAllowTagSession, Kind: KindBoolean, Default: false,
				Description: "Allow `sts:TagSession` in trust policies and grants."},
			{Name: keyTrust, Kind: KindString, Default: TrustAccount, Enum: trustModes,
				Description: "Who a role's trust lets in from the management account. `account`: the whole account, leaving the decision to its identity policies (so an administrator allowed `sts:AssumeRole` on `*` gets in too). `members` (recommended): only the users of the groups granted the role definition, by ARN, refused to anyone else by the trust itself.",
				See:         "[Closed trust](guardrails.md#closed-trust)"},
		}}

	organizationKeys = define(&Key{Name: "organization", Kind: KindObject,
		Description: "The organization to lay out: the management account, child accounts, roles, groups and people.",
		Keys: []*Key{
			{Name: keyMasterAccountID, Kind: KindAccountID, Required: true,
				Description: "12-digit ID of the management account, which holds the people, in quotes."},
			{Name: keyPartition, Kind: KindString, Default: DefaultPartition, Enum: partitions,
				Description: "AWS partition; ARNs and policy ARNs must match it."},
			{Name: keyAccessRoleName, Kind: KindString, Default: DefaultAccessRoleName, Pattern: iamNameRE.String(), MaxLength: 64,
				Description: "Role assumed in each child account to create roles there."},
			{Name: keyMFAMaxAgeSeconds, Kind: KindInteger, Default: DefaultMFAMaxAgeSeconds, Min: MinMFAMaxAge, Max: MaxMFAMaxAge,
				Description: "How old the MFA sign-in behind an MFA role's session may be, in seconds."},
			{Name: keyMaxSessionDuration, Kind: KindInteger, Default: DefaultMaxSessionDuration, Min: MinSessionDuration, Max: MaxSessionDuration,
				Description: "Default `MaxSessionDuration` of ordinary roles, in seconds (8 h)."},
			{Name: keyDestructiveMaxSessionDuration, Kind: KindInteger, Default: DefaultDestructiveMaxSessionDuration, Min: MinSessionDuration, Max: MaxSessionDuration,
				Description: "Default `MaxSessionDuration` of destructive roles, in seconds (1 h, IAM's minimum)."},
			{Name: keyAccounts, Kind: KindMap, Entry: accountKeys, NamePattern: keyNameRE.String(), NameMaxLength: maxKeyNameLen,
				Description: "Child accounts by name (lower-case letters, digits and inner hyphens); the name keys the account's resources and profiles."},
			{Name: keyRoles, Kind: KindMap, Entry: roleKeys, NamePattern: iamNameRE.String(), NameMaxLength: 64,
				Description: "Roles by IAM name, each written once and placed in every account it lists."},
			{Name: keyGroups, Kind: KindMap, Entry: groupKeys, NamePattern: iamNameRE.String(), NameMaxLength: 128,
				Description: "IAM groups of the management account by name."},
			{Name: keyUsers, Kind: KindMap, Entry: userKeys, NamePattern: iamNameRE.String(), NameMaxLength: 64,
				Description: "People of the management account by IAM user name."},
			profilesKeys,
			quotasKeys,
			securityKeys,
			{Name: keyPolicyNameSuffix, Kind: KindString, Pattern: iamNameRE.String(), MaxLength: 32,
				Description: "Added to this stack's assume-role policy names, and StackSet names, when several stacks share the management account.",
				See:         "[Beyond one stack](scale.md#beyond-one-stack)"},
			{Name: keyDelivery, Kind: KindString, Default: DeliveryProviders, Enum: deliveryModes,
				Description: "How roles reach child accounts: `providers`, one provider (an OS process of the engine) per account; `stackSets`, CloudFormation StackSets from the management account (one template per role definition, over as many StackSets as its size needs), no per-account provider.",
				See:         "[Scale](scale.md)"},
			{Name: keyMaxProviders, Kind: KindInteger, Default: DefaultMaxProviders, Min: 1, Max: 100000,
				Description: "`providers` delivery: the most account providers the stack may create; above it the run stops and says what it would cost.",
				See:         "[Scale](scale.md)"},
			stackSetsKeys,
			identityCenterKeys,
			workloadsKey,
		}})
)

// kindName is how the reference names a kind.
func (k Kind) kindName() string {
	switch k {
	case KindString:
		return "string"
	case KindInteger:
		return "integer"
	case KindBoolean:
		return "boolean"
	case KindAccountID:
		return "account ID"
	case KindStrings:
		return "list of strings"
	case KindAccountIDs:
		return "list of account IDs"
	case KindTags:
		return "map of strings"
	case KindDocument:
		return "policy document"
	case KindObject:
		return "object"
	case KindMap:
		return "map"
	}
	return "unknown"
}

// walkKeys calls fn for every key of the tree below k with its path (maps'
// entries named by their placeholder) and the object or map holding it.
// Objects and maps come before their children.
func walkKeys(path string, k *Key, fn func(path string, k, parent *Key)) {
	switch k.Kind {
	case KindObject:
		for _, c := range k.Keys {
			p := joinPathPlain(path, c.Name)
			fn(p, c, k)
			walkKeys(p, c, fn)
		}
	case KindMap:
		p := joinPathPlain(path, k.Entry.Name)
		fn(p, k.Entry, k)
		walkKeys(p, k.Entry, fn)
	}
}

// joinPathPlain joins without quoting, for placeholders like <name>.
func joinPathPlain(parent, key string) string {
	if parent == "" {
		return key
	}
	return strings.Join([]string{parent, key}, ".")
}
