package layout

import "fmt"

// Defaults and IAM limits (see shared IAM-FACTS.md). Values a stack may change
// are defaults; the rest are AWS's hard rules.
const (
	DefaultPartition      = "aws"
	DefaultAccessRoleName = "OrganizationAccountAccessRole"
	// DefaultMFAMaxAgeSeconds bounds how old the MFA sign-in behind a
	// destructive action may be: one hour, so a laptop left signed in all day
	// cannot shut down production.
	DefaultMFAMaxAgeSeconds = 3600
	// DefaultMaxSessionDuration is a working day for ordinary roles; the IAM
	// default of one hour makes console users re-switch all day (seed 000).
	DefaultMaxSessionDuration = 28800
	// DefaultDestructiveMaxSessionDuration is the shortest session IAM allows.
	DefaultDestructiveMaxSessionDuration = 3600

	MinSessionDuration = 3600
	MaxSessionDuration = 43200
	MinMFAMaxAge       = 60
	MaxMFAMaxAge       = 129600

	MaxManagedPoliciesPerGroup = 10
	MaxGroupsPerUser           = 10
	MaxTagsPerRole             = 50

	// DestructiveTagKey marks destructive-operation roles so that SCPs,
	// reviews and the console colouring can find them.
	DestructiveTagKey = "iam-layout:destructive"
)

// Layout is a validated organization: every reference resolved, every ARN
// known. Slices are sorted by stable keys so everything derived from a Layout
// is deterministic.
type Layout struct {
	Partition        string
	MasterAccountID  string
	MFAMaxAgeSeconds int
	Accounts         []*Account
	Roles            []*Role
	Groups           []*Group
	Users            []*User
	Profiles         ProfileSettings
	Quotas           Quotas
	Security         Security
	// PolicyNameSuffix is appended to this stack's assume-role policy names
	// (and StackSet names).
	PolicyNameSuffix string
	// Delivery says how roles reach child accounts.
	Delivery Delivery
	// IdentityCenter is how people get in through IAM Identity Center; nil
	// without the identityCenter key.
	IdentityCenter *IdentityCenter
	// Workloads are the CI workloads by name; their roles are in Roles
	// too. Issuers are the OIDC issuers they trust, by host.
	Workloads []*Workload
	Issuers   []*Issuer
}

// Account is a child account and the roles placed in it.
type Account struct {
	Name        string
	ID          string
	Environment string
	Region      string
	// AccessRoleARN is the role the program assumes to create roles here.
	AccessRoleARN string
	Roles         []*Role
	// Protect and RetainOnDelete guard the account's roles.
	Protect        bool
	RetainOnDelete bool
	// Aliases are former names of the account key.
	Aliases []string
	// OIDCProviders are the OIDC providers the account's workloads need,
	// by issuer host.
	OIDCProviders []*OIDCProvider
}

// Role is one role definition placed in one account.
type Role struct {
	Account             *Account
	Name                string
	Path                string
	Description         string
	ManagedPolicyARNs   []string
	InlinePolicies      []InlinePolicy
	MaxSessionDuration  int
	PermissionsBoundary string
	Tags                map[string]string
	RequireMFA          bool
	Destructive         bool
	ARN                 string
	// Application is the role's team or application label; it defaults to
	// the role name in kebab case.
	Application string
	// ProfileName is the role's ~/.aws/config profile name, unique in the
	// organization.
	ProfileName string
	// ExternalID, when set, is required by every Allow of the trust policy.
	ExternalID string
	// TrustedAccounts are third-party accounts trusted besides the
	// management account.
	TrustedAccounts []string
	// Groups are the groups allowed to assume this role.
	Groups []*Group
	// TrustedUsers are, under security.trust: members, the users the trust
	// of the role definition names: the members of every group granted any
	// placement of the definition (a workload's testers included), sorted
	// by name and shared by the definition's placements. Nil in account
	// mode.
	TrustedUsers []*User
	// StackSetName is the StackSet that delivers the role definition in
	// stackSets delivery.
	StackSetName string
	// OrganizationalUnits are the OUs the role definition is deployed to as
	// a whole (SERVICE_MANAGED StackSets with auto-deployment): placements
	// in accounts of these OUs get no instance of their own.
	OrganizationalUnits []string
	// Workload is set on a CI workload's role: it trusts the workload's
	// OIDC provider instead of (or, with testers, besides) the management
	// account.
	Workload *Workload

	// key caches Key(): sorting and indexing by key is the hot path of
	// large layouts.
	key string
}

// Key identifies a role placement: "account/RoleName". IAM names cannot hold
// a slash, so keys never collide.
func (r *Role) Key() string {
	if r.key == "" {
		return r.Account.Name + "/" + r.Name
	}
	return r.key
}

// InlinePolicy is a role's inline policy, its document already validated and
// in canonical compact JSON.
type InlinePolicy struct {
	Name     string
	Document string
}

// Group is an IAM group of the management account.
type Group struct {
	Name              string
	Path              string
	ARN               string
	Roles             []*Role
	ManagedPolicyARNs []string
	Members           []*User
	// MFASelfService and DenyCascadeCreation attach the shared guardrail
	// policies to the group.
	MFASelfService      bool
	DenyCascadeCreation bool
	// Aliases are former names of the group.
	Aliases []string
	// ManagedBy is the stack that owns the group, when it is not this one.
	ManagedBy string
	// GrantedElsewhere says other stacks attach grants to this group.
	GrantedElsewhere bool
	// RemoveMembersOnDelete says deleting the group removes its members
	// first, those added outside this stack included.
	RemoveMembersOnDelete bool
}

// User is a person of the management account.
type User struct {
	Name      string
	Path      string
	Create    bool
	MFADevice string
	ARN       string
	MFASerial string
	Groups    []*Group
	// MFAEverywhere is set when one of the user's groups denies everything
	// without MFA: every profile of the user then needs mfa_serial.
	MFAEverywhere bool
	// Aliases are former names of the user.
	Aliases []string
}

// RoleARN is the ARN AWS gives a role: it follows from the account, path and
// name alone, which is why profiles can be rendered without deploying.
func RoleARN(partition, accountID, path, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role%s%s", partition, accountID, path, name)
}

// GroupARN is the ARN AWS gives a group.
func GroupARN(partition, accountID, path, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:group%s%s", partition, accountID, path, name)
}

// UserARN is the ARN AWS gives a user.
func UserARN(partition, accountID, path, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:user%s%s", partition, accountID, path, name)
}

// PolicyARN is the ARN AWS gives a customer managed policy.
func PolicyARN(partition, accountID, path, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:policy%s%s", partition, accountID, path, name)
}

// MFASerial is the ARN of a virtual MFA device.
func MFASerial(partition, accountID, device string) string {
	return fmt.Sprintf("arn:%s:iam::%s:mfa/%s", partition, accountID, device)
}

// RootARN is the principal that trusts a whole account: any of its principals
// whose own policies allow the action, not the root user alone.
func RootARN(partition, accountID string) string {
	return fmt.Sprintf("arn:%s:iam::%s:root", partition, accountID)
}

// Account returns the account of that name, or nil.
func (l *Layout) Account(name string) *Account {
	for _, a := range l.Accounts {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Role returns the role placement with key "account/RoleName", or nil.
func (l *Layout) Role(key string) *Role {
	for _, r := range l.Roles {
		if r.Key() == key {
			return r
		}
	}
	return nil
}
