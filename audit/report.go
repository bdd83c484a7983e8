package audit

// FormatVersion is the version of the JSON report. It changes only when a
// field changes meaning or goes away; new fields may be added within a
// version.
const FormatVersion = 1

// MFA contexts the simulator is asked under, as the report names them.
const (
	// NoMFA: the MFA keys are absent, as they are for long-term access keys.
	NoMFA = "no-mfa"
	// FreshMFA: aws:MultiFactorAuthPresent true, aws:MultiFactorAuthAge 1 s.
	FreshMFA = "fresh-mfa"
	// StaleMFA: MFA present, aged the layout's mfaMaxAgeSeconds: the first
	// second a layout MFA condition refuses.
	StaleMFA = "stale-mfa"
)

// Statuses of a trust or a grant document.
const (
	StatusEqual       = "equal"        // equal by meaning to what the program registers
	StatusDiffers     = "differs"      // differences names how
	StatusMissing     = "missing"      // the role or policy does not exist
	StatusNotAttached = "not-attached" // the grant policy exists but is not attached to its group
	StatusUndeclared  = "undeclared"   // named like the program's, attached, but not the program's
)

// Report is what the audit found. Every list is present (empty, never
// null) and sorted, so two runs over the same organization print the same
// bytes; docs/audit.md documents every field.
type Report struct {
	FormatVersion     int    `json:"formatVersion"`
	Stack             string `json:"stack"`
	ManagementAccount string `json:"managementAccount"`
	// Caller is the ARN sts:GetCallerIdentity returned.
	Caller           string `json:"caller"`
	Trust            string `json:"trust"`
	MFAMaxAgeSeconds int    `json:"mfaMaxAgeSeconds"`
	// Accounts are the names of the audited accounts.
	Accounts []string `json:"accounts"`
	// Equal is true when live equals declared: Differences is 0.
	Equal       bool `json:"equal"`
	Differences int  `json:"differences"`
	// Placements are the audited role placements, by key.
	Placements []Placement `json:"placements"`
	// UndeclaredRoles are roles named like a layout role definition in an
	// audited account where the layout does not place it.
	UndeclaredRoles []LiveRole `json:"undeclaredRoles"`
	Groups          []Group    `json:"groups"`
	// Notes are what the audit could not decide or wants read, such as
	// context keys the simulator said it lacked.
	Notes []string `json:"notes"`
}

// Principal is a management-account IAM user or role.
type Principal struct {
	Type string `json:"type"` // "user" or "role"
	Name string `json:"name"`
	ARN  string `json:"arn"`
}

// Access is a principal and the MFA contexts in which something holds.
type Access struct {
	Principal
	MFA []string `json:"mfa"`
}

// Declared is a principal the file grants a placement: a member of a group
// granted it, with those groups and the MFA contexts the file allows.
type Declared struct {
	Principal
	Groups []string `json:"groups"`
	MFA    []string `json:"mfa"`
}

// Denied is a declared principal that cannot assume the placement in some
// of its declared MFA contexts, and why.
type Denied struct {
	Principal
	MFA    []string `json:"mfa"`
	Reason string   `json:"reason"`
}

// Placement is one role definition in one account.
type Placement struct {
	Key        string     `json:"key"`
	Account    string     `json:"account"`
	AccountID  string     `json:"accountId"`
	Role       string     `json:"role"`
	ARN        string     `json:"arn"`
	RequireMFA bool       `json:"requireMfa"`
	Exists     bool       `json:"exists"`
	Declared   []Declared `json:"declared"`
	// Live are who can assume it: the simulator allows them and the trust
	// (equal to the program's) admits them.
	Live           []Access `json:"live"`
	Undeclared     []Access `json:"undeclared"`
	DeclaredDenied []Denied `json:"declaredDenied"`
	// Undecided are principals whose identity policies allow it while the
	// trust differs from the program's: the audit does not guess.
	Undecided []Access `json:"undecided"`
	// RefusedByTrust are principals whose identity policies allow it but
	// whom the trust refuses, in the contexts given (not a difference).
	RefusedByTrust []Access    `json:"refusedByTrust"`
	Trust          TrustReport `json:"trust"`
	// RoleDifferences are the role's own settings that differ from the
	// file: path, maxSessionDuration, permissions boundary, managed and
	// inline policies.
	RoleDifferences []string    `json:"roleDifferences"`
	Workload        *Workload   `json:"workload"`
	ThirdParty      *ThirdParty `json:"thirdParty"`
}

// TrustReport compares the live trust with the program's.
type TrustReport struct {
	Status      string   `json:"status"`
	Differences []string `json:"differences"`
	// Statements are the live trust's principals with their actions and
	// conditions, one entry per principal.
	Statements []TrustStatement `json:"statements"`
}

// TrustStatement is one principal of a live trust.
type TrustStatement struct {
	Effect        string   `json:"effect"`
	PrincipalType string   `json:"principalType"`
	Principal     string   `json:"principal"`
	Actions       []string `json:"actions"`
	Conditions    []string `json:"conditions"`
}

// Workload is a CI workload's role: its OIDC side, declared and live.
type Workload struct {
	Name     string   `json:"name"`
	Declared CIAccess `json:"declared"`
	Live     CIAccess `json:"live"`
}

// CIAccess is who may assume a workload's role with a web identity token.
type CIAccess struct {
	Providers []string `json:"providers"`
	Audiences []string `json:"audiences"`
	Subjects  []string `json:"subjects"`
	Patterns  []string `json:"patterns"`
}

// ThirdParty is a role trusted by other organizations' accounts.
type ThirdParty struct {
	Declared ThirdPartyAccess `json:"declared"`
	Live     ThirdPartyAccess `json:"live"`
}

// ThirdPartyAccess is the accounts trusted and the external IDs required.
type ThirdPartyAccess struct {
	Accounts    []string `json:"accounts"`
	ExternalIDs []string `json:"externalIds"`
}

// LiveRole is a role found live that the file does not place there.
type LiveRole struct {
	Account   string           `json:"account"`
	AccountID string           `json:"accountId"`
	Role      string           `json:"role"`
	ARN       string           `json:"arn"`
	Trust     []TrustStatement `json:"trust"`
}

// Group is a management-account group of the layout.
type Group struct {
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Exists bool   `json:"exists"`
	// ManagedBy is the stack that declares its members, or "".
	ManagedBy string   `json:"managedBy"`
	Members   Members  `json:"members"`
	Grants    []Grant  `json:"grants"`
	Policies  Policies `json:"policies"`
}

// Members compares a group's members.
type Members struct {
	Declared    []string `json:"declared"`
	Live        []string `json:"live"`
	AddedByHand []string `json:"addedByHand"`
	Missing     []string `json:"missing"`
}

// Grant is one of the program's assume-role policies of a group.
type Grant struct {
	Name        string   `json:"name"`
	ARN         string   `json:"arn"`
	Status      string   `json:"status"`
	Differences []string `json:"differences"`
}

// Policies compares a group's other attachments with the file.
type Policies struct {
	// Missing are declared managed policies (managedPolicyArns, guardrails)
	// not attached.
	Missing []string `json:"missing"`
	// Undeclared are managed policies attached and inline policies written
	// that the file does not declare.
	Undeclared []string `json:"undeclared"`
}
