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
	GroupRoleArns = "roleArns"
)
