// Package contract names the stack outputs that other stacks consume. The keys
// and shapes here are a promise: a change that breaks a consumer bumps
// Version, and additions keep it.
package contract

// Version is the output contract's version, exported as VersionKey.
const Version = 1

// Stack output keys.
const (
	// VersionKey holds Version.
	VersionKey = "contractVersion"
	// MasterAccountIDKey holds the management account's ID.
	MasterAccountIDKey = "masterAccountId"
	// RoleArnsKey holds {account name: {role name: role ARN}}.
	RoleArnsKey = "roleArns"
	// RolesKey holds {account name: {role name: RoleDetail fields}}.
	RolesKey = "roles"
	// GroupsKey holds {group name: {"arn": ..., "roleArns": [...]}}.
	GroupsKey = "groups"
	// DeliveryKey holds how the stack's roles reach child accounts:
	// DeliveryProviders, DeliveryStackSets, or DeliveryHandover while a
	// stack moves from the first to the second. The program reads its own
	// previous value to refuse a switch that would delete live roles.
	// Added in version 1.
	DeliveryKey = "delivery"
)

// StackSetsKey holds, in stackSets delivery and during the hand-over run,
// where the stack's StackSet instances are: {StackSetsPermissionModel:
// "SELF_MANAGED" | "SERVICE_MANAGED", StackSetsInstances: {instance key
// ("account/Role", "account/oidc/host", "Role/ou-..."): name of the
// StackSet that holds it}}. The program reads its own previous value, so
// that a live instance never moves to another StackSet and the StackSets
// never change permission model under their instances. Added in version
// 1: additions keep the version.
const StackSetsKey = "stackSets"

// Fields of StackSetsKey.
const (
	StackSetsPermissionModel = "permissionModel"
	StackSetsInstances       = "instances"
)

// Values of DeliveryKey.
const (
	DeliveryProviders = "providers"
	DeliveryStackSets = "stackSets"
	DeliveryHandover  = "handover"
)

// Stack output keys for people and tools (package profiles renders them).
// Added in version 1: additions keep the version.
const (
	// AWSConfigKey holds the organization's ~/.aws/config fragment: one
	// profile per role placement; MFA roles carry a commented-out
	// mfa_serial to complete.
	AWSConfigKey = "awsConfig"
	// AWSConfigByUserKey holds {user name: that user's ~/.aws/config
	// fragment}: only the roles of the user's groups, with mfa_serial and
	// role_session_name.
	AWSConfigByUserKey = "awsConfigByUser"
	// AWSConfigureCommandsKey holds AWSConfigKey as `aws configure set` lines.
	AWSConfigureCommandsKey = "awsConfigureCommands"
	// AWSConfigureCommandsByUserKey holds {user name: AWSConfigByUserKey's
	// fragment as `aws configure set` lines}.
	AWSConfigureCommandsByUserKey = "awsConfigureCommandsByUser"
	// SwitchRoleURLsKey holds {account name: {role name: console switch-role
	// URL}} for every role the console can switch to.
	SwitchRoleURLsKey = "switchRoleUrls"
	// ExtendSwitchRolesConfigKey holds the aws-extend-switch-roles text.
	ExtendSwitchRolesConfigKey = "extendSwitchRolesConfig"
	// ConsoleExclusionsKey holds {account name: {role name: [reason, ...]}}:
	// roles left out of SwitchRoleURLsKey or ExtendSwitchRolesConfigKey.
	ConsoleExclusionsKey = "consoleExclusions"
	// AccessMatrixKey holds who may assume which role, as a Markdown table.
	AccessMatrixKey = "accessMatrix"
	// AccessMatrixMermaidKey holds the same as a Mermaid flowchart.
	AccessMatrixMermaidKey = "accessMatrixMermaid"
)

// Fields of one entry of RolesKey.
const (
	RoleAccountID          = "accountId"
	RoleArn                = "arn"
	RoleName               = "name"
	RolePath               = "path"
	RoleMFARequired        = "mfaRequired"
	RoleDestructive        = "destructive"
	RoleMaxSessionDuration = "maxSessionDuration"
)

// Fields of one entry of GroupsKey.
const (
	GroupArn      = "arn"
	GroupName     = "name"
	GroupRoleArns = "roleArns"
)

// Stack output keys for IAM Identity Center, exported when people come
// through it (identityCenter.access identityCenter or both). Added in
// version 1: additions keep the version.
const (
	// SSOConfigKey holds the organization's ~/.aws/config fragment for
	// Identity Center: the [sso-session] section and one profile per
	// permission set and account.
	SSOConfigKey = "ssoConfig"
	// SSOConfigByUserKey holds {user name: that user's Identity Center
	// fragment}, for users in at least one Identity Center group (unless
	// profiles.perUserOutputs is off).
	SSOConfigByUserKey = "ssoConfigByUser"
	// SSOConsoleURLsKey holds {account name: {role name: access portal
	// shortcut link}}: the link signs in with the role's permission set.
	SSOConsoleURLsKey = "ssoConsoleUrls"
	// PermissionSetsKey holds {role name: PermissionSet fields}.
	PermissionSetsKey = "permissionSets"
	// IdentityCenterKey holds {instanceArn, identityStoreId, startUrl,
	// region, ssoSession}: the instance as found or configured.
	IdentityCenterKey = "identityCenter"
)

// Fields of one entry of PermissionSetsKey.
const (
	PermissionSetArn             = "arn"
	PermissionSetName            = "name"
	PermissionSetSessionDuration = "sessionDuration"
	PermissionSetAccounts        = "accounts"
)

// Fields of IdentityCenterKey.
const (
	IdentityCenterInstanceArn     = "instanceArn"
	IdentityCenterIdentityStoreID = "identityStoreId"
	IdentityCenterStartURL        = "startUrl"
	IdentityCenterRegion          = "region"
	IdentityCenterSSOSession      = "ssoSession"
)

// WorkloadsKey holds {workload name: {account name: Workload* fields}}: each
// CI workload's role in each account, what may assume it and the CI
// configuration that does. Only stacks that declare workloads export it.
// Added in version 1: additions keep the version.
const WorkloadsKey = "workloads"

// Fields of one entry of WorkloadsKey.
const (
	WorkloadAccountID       = "accountId"
	WorkloadRoleArn         = "roleArn"
	WorkloadCI              = "ci"
	WorkloadIssuer          = "issuer"
	WorkloadAudience        = "audience"
	WorkloadSubjects        = "subjects"
	WorkloadSubjectPatterns = "subjectPatterns"
	// WorkloadSnippet is the CI configuration that assumes the role: for
	// GitHub Actions the configure-aws-credentials step, for GitLab the
	// id_tokens and assume-role-with-web-identity lines.
	WorkloadSnippet = "snippet"
)
