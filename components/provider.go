package components

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/awsprovider"
)

// ProviderSettings are the stack's own AWS provider settings (package
// awsprovider). Explicit providers do not inherit the stack's `aws:`
// configuration, so each account's provider is given these, or a stack
// pointed at a local AWS-compatible endpoint (LocalStack) would send its
// child-account calls to real AWS.
type ProviderSettings struct {
	awsprovider.Settings
}

// SessionName is the session name the program's providers use when they
// assume an account's access role, so CloudTrail shows who made the change.
const SessionName = "iam-layout"

// providerArgs builds the arguments of the provider that reaches one account
// by assuming its access role, in the account's region when it has one.
func (s ProviderSettings) providerArgs(accessRoleARN, region string) *aws.ProviderArgs {
	args := s.AssumingRole(pulumi.String(accessRoleARN), SessionName)
	if region != "" {
		args.Region = pulumi.String(region)
	}
	return args
}
