// Package profiles renders what people and tools need to use a layout: the
// ~/.aws/config profiles of the organization and of each person, the same as
// `aws configure set` commands, console switch-role links, an
// aws-extend-switch-roles configuration and the access matrix. It knows
// nothing of Pulumi: the stack outputs and the offline command call the same
// functions, so they cannot disagree.
package profiles

// Keys of a ~/.aws/config profile that assumes a role, as the AWS CLI and
// SDKs read them.
const (
	KeyRoleARN          = "role_arn"
	KeySourceProfile    = "source_profile"
	KeyCredentialSource = "credential_source"
	KeyMFASerial        = "mfa_serial"
	KeyDurationSeconds  = "duration_seconds"
	KeyRoleSessionName  = "role_session_name"
	KeyExternalID       = "external_id"
	KeyRegion           = "region"
)

// Keys of an aws-extend-switch-roles profile (the browser extension reads an
// INI text of its own, close to ~/.aws/config).
const (
	KeyAccountID = "aws_account_id"
	KeyRoleName  = "role_name"
	KeyColor     = "color"
)

// sectionPrefix starts every named section: the SDKs do not find a
// `[NAME]` section in ~/.aws/config without it (only [default] has none).
const sectionPrefix = "profile "

// MFADevicePlaceholder stands for a person's MFA device in files that are
// nobody's in particular; by convention the device is named after the user.
const MFADevicePlaceholder = "YOUR-USER-NAME"

// MaxConsolePathAndName is the console's limit on a role's path and name
// together: it cannot switch to a longer one (IAM User Guide, IAM quotas).
const MaxConsolePathAndName = 64

// Console sign-in hosts per partition: the switch-role page lives there.
var signinHosts = map[string]string{
	"aws":        "signin.aws.amazon.com",
	"aws-us-gov": "signin.amazonaws-us-gov.com",
	"aws-cn":     "signin.amazonaws.cn",
}

// Colours of the console header in aws-extend-switch-roles, hex without '#'.
// Destructive roles are red wherever they are, so nobody mistakes the account
// they are in; otherwise the colour says how careful to be.
const (
	ColorDestructive = "d32f2f"
	ColorProduction  = "f57c00"
	ColorStaging     = "fbc02d"
	ColorDevelopment = "388e3c"
	ColorOther       = "1976d2"
)

// environmentColors maps common environment labels to a colour; labels
// outside it get ColorOther.
var environmentColors = map[string]string{
	"production":  ColorProduction,
	"prod":        ColorProduction,
	"staging":     ColorStaging,
	"qa":          ColorStaging,
	"test":        ColorStaging,
	"development": ColorDevelopment,
	"dev":         ColorDevelopment,
	"sandbox":     ColorDevelopment,
}
