package components

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ProviderSettings are the stack's own AWS provider settings. Explicit
// providers do not inherit the stack's `aws:` configuration, so each account's
// provider is given these, or a stack pointed at a local AWS-compatible
// endpoint (LocalStack) would send its child-account calls to real AWS.
type ProviderSettings struct {
	Region                    string
	Profile                   string
	SharedConfigFiles         []string
	SharedCredentialsFiles    []string
	AccessKey                 pulumi.StringInput
	SecretKey                 pulumi.StringInput
	Token                     pulumi.StringInput
	Endpoints                 []aws.ProviderEndpoint
	StsRegion                 string
	SkipCredentialsValidation *bool
	SkipMetadataAPICheck      *bool
	SkipRegionValidation      *bool
	SkipRequestingAccountID   *bool
	S3UsePathStyle            *bool
	Insecure                  *bool
	MaxRetries                *int
}

// SessionName is the session name the program's providers use when they
// assume an account's access role, so CloudTrail shows who made the change.
const SessionName = "iam-layout"

// providerArgs builds the arguments of the provider that reaches one account
// by assuming its access role.
func (s ProviderSettings) providerArgs(accessRoleARN, region string) *aws.ProviderArgs {
	if region == "" {
		region = s.Region
	}
	args := &aws.ProviderArgs{
		AssumeRole: aws.ProviderAssumeRoleArgs{
			RoleArn:     pulumi.String(accessRoleARN),
			SessionName: pulumi.String(SessionName),
		},
		SkipCredentialsValidation: pulumi.BoolPtrFromPtr(s.SkipCredentialsValidation),
		SkipMetadataApiCheck:      pulumi.BoolPtrFromPtr(s.SkipMetadataAPICheck),
		SkipRegionValidation:      pulumi.BoolPtrFromPtr(s.SkipRegionValidation),
		SkipRequestingAccountId:   pulumi.BoolPtrFromPtr(s.SkipRequestingAccountID),
		S3UsePathStyle:            pulumi.BoolPtrFromPtr(s.S3UsePathStyle),
		Insecure:                  pulumi.BoolPtrFromPtr(s.Insecure),
		MaxRetries:                pulumi.IntPtrFromPtr(s.MaxRetries),
	}
	if region != "" {
		args.Region = pulumi.String(region)
	}
	if s.Profile != "" {
		args.Profile = pulumi.String(s.Profile)
	}
	if s.StsRegion != "" {
		args.StsRegion = pulumi.String(s.StsRegion)
	}
	if len(s.SharedConfigFiles) > 0 {
		args.SharedConfigFiles = pulumi.ToStringArray(s.SharedConfigFiles)
	}
	if len(s.SharedCredentialsFiles) > 0 {
		args.SharedCredentialsFiles = pulumi.ToStringArray(s.SharedCredentialsFiles)
	}
	if s.AccessKey != nil {
		args.AccessKey = s.AccessKey
	}
	if s.SecretKey != nil {
		args.SecretKey = s.SecretKey
	}
	if s.Token != nil {
		args.Token = s.Token
	}
	if len(s.Endpoints) > 0 {
		// The provider's endpoint type is registered with the SDK, so a plain
		// value converts to its typed output without copying ~300 fields.
		args.Endpoints = pulumi.ToOutput(s.Endpoints).(aws.ProviderEndpointArrayOutput)
	}
	return args
}
