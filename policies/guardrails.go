package policies

import (
	"github.com/micahhausler/aws-iam-policy/policy"

	"iam-layout/layout"
)

// Names of the shared guardrail policies, created once in the management
// account and attached to every group that opts in.
const (
	GuardrailPath             = "/iam-layout/"
	MFASelfServicePolicy      = "iam-layout-mfa-self-service"
	DenyCascadeCreationPolicy = "iam-layout-deny-cascade-creation"
)

// ownUser is the caller's own user ARN, with and without a path.
func ownUser(l *layout.Layout) []string {
	return []string{
		"arn:" + l.Partition + ":iam::" + l.MasterAccountID + ":user/" + VarUsername,
		"arn:" + l.Partition + ":iam::" + l.MasterAccountID + ":user/*/" + VarUsername,
	}
}

// selfServiceActions are what a person needs to enrol and manage their own
// MFA device before having signed in with one.
var selfServiceActions = []string{
	"iam:ChangePassword",
	"iam:CreateVirtualMFADevice",
	"iam:EnableMFADevice",
	"iam:GetAccountPasswordPolicy",
	"iam:GetMFADevice",
	"iam:GetUser",
	"iam:ListMFADevices",
	"iam:ListVirtualMFADevices",
	"iam:ResyncMFADevice",
	"sts:GetSessionToken",
}

// MFASelfService lets people manage their own MFA device and denies
// everything else, assuming roles included, until they sign in with MFA. The
// Deny uses BoolIfExists "false": long-term access keys carry no MFA key at
// all, and IfExists makes the Deny catch them too. (In an Allow the same
// operator would be a hole; in a Deny it is the point.)
func MFASelfService(l *layout.Layout) *policy.Policy {
	mfaDevices := "arn:" + l.Partition + ":iam::" + l.MasterAccountID + ":mfa/*"
	return &policy.Policy{Version: policy.VersionLatest, Statements: policy.NewStatementOrSlice(
		policy.Statement{
			Sid:      "ListMFADevices",
			Effect:   policy.EffectAllow,
			Action:   policy.NewStringOrSlice(true, "iam:ListVirtualMFADevices"),
			Resource: policy.NewStringOrSlice(true, "*"),
		},
		policy.Statement{
			Sid:      "CreateOwnVirtualMFADevice",
			Effect:   policy.EffectAllow,
			Action:   policy.NewStringOrSlice(false, "iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"),
			Resource: policy.NewStringOrSlice(true, mfaDevices),
		},
		policy.Statement{
			Sid:    "ManageOwnMFA",
			Effect: policy.EffectAllow,
			Action: policy.NewStringOrSlice(false,
				"iam:ChangePassword", "iam:DeactivateMFADevice", "iam:EnableMFADevice", "iam:GetMFADevice",
				"iam:GetUser", "iam:ListMFADevices", "iam:ResyncMFADevice"),
			Resource: policy.NewStringOrSlice(false, ownUser(l)...),
		},
		policy.Statement{
			Sid:       "DenyAllButMFASetupWithoutMFA",
			Effect:    policy.EffectDeny,
			NotAction: policy.NewStringOrSlice(false, selfServiceActions...),
			Resource:  policy.NewStringOrSlice(true, "*"),
			Condition: map[string]map[string]*policy.ConditionValue{"BoolIfExists": {KeyMFAPresent: policy.NewConditionValueString(true, "false")}},
		},
	)}
}

// DenyCascadeCreation stops people from minting identities the organization
// does not know about (seed 003's "cascade creation"): no new IAM users, and
// no access keys, passwords or other credentials for anyone but themselves.
func DenyCascadeCreation(l *layout.Layout) *policy.Policy {
	return &policy.Policy{Version: policy.VersionLatest, Statements: policy.NewStatementOrSlice(
		policy.Statement{
			Sid:      "DenyCreatingUsers",
			Effect:   policy.EffectDeny,
			Action:   policy.NewStringOrSlice(true, "iam:CreateUser"),
			Resource: policy.NewStringOrSlice(true, "*"),
		},
		policy.Statement{
			Sid:    "DenyCredentialsForOthers",
			Effect: policy.EffectDeny,
			Action: policy.NewStringOrSlice(false,
				"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:CreateServiceSpecificCredential",
				"iam:UpdateLoginProfile", "iam:UploadSSHPublicKey", "iam:UploadSigningCertificate"),
			NotResource: policy.NewStringOrSlice(false, ownUser(l)...),
		},
	)}
}
