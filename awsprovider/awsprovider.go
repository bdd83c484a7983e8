// Package awsprovider gives the explicit AWS providers a stack creates the
// stack's own `aws:` settings.
//
// An explicit aws.Provider inherits nothing from the stack's `aws:`
// configuration: a provider built with only a region ignores aws:profile,
// the credentials, aws:endpoints and the skip flags, so a stack pointed at
// LocalStack would send that provider's calls to real AWS, with whatever
// credentials the machine has. The iam-layout program reaches every child
// account through such providers, and so does any stack that assumes one of
// its roles; both build them from Settings:
//
//	settings, err := awsprovider.Read(ctx)
//	if err != nil {
//		return err // every malformed aws: key at once
//	}
//	provider, err := aws.NewProvider(ctx, "qa", settings.AssumingRole(roleArn, "my-stack"))
//
// Carried over: region, profile, sharedConfigFiles, sharedCredentialsFiles,
// accessKey, secretKey, token (kept secret), endpoints, stsRegion,
// skipCredentialsValidation, skipMetadataApiCheck, skipRegionValidation,
// skipRequestingAccountId, s3UsePathStyle, insecure and maxRetries. Keys
// that describe the stack's own account (allowedAccountIds,
// forbiddenAccountIds, assumeRole) are deliberately not: a provider that
// assumes a role elsewhere would refuse its own account, or assume the wrong
// role. Unset keys stay unset, so the provider's own defaults and credential
// chain apply as they do to the stack's default provider.
package awsprovider

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"iam-layout/awssettings"
)

// Settings are a stack's own AWS provider settings. Zero values and nil
// pointers mean "not set".
type Settings struct {
	Region                 string
	Profile                string
	SharedConfigFiles      []string
	SharedCredentialsFiles []string
	// AccessKey, SecretKey and Token are secret outputs, nil when unset.
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

// Problem is one `aws:` key that cannot be read.
type Problem = awssettings.Problem

// Error lists every `aws:` key Read could not read.
type Error = awssettings.Error

// Read reads the stack's `aws:` settings. A malformed value is not guessed
// at: Read returns an *Error naming every one, since a misread skip flag or
// endpoint would send calls somewhere the stack did not mean. The parsing
// is package awssettings', which the offline audit command shares.
func Read(ctx *pulumi.Context) (Settings, error) {
	c := config.New(ctx, awssettings.Namespace)
	plain, err := awssettings.Parse(c.Get)
	s := Settings{
		Region:                    plain.Region,
		Profile:                   plain.Profile,
		SharedConfigFiles:         plain.SharedConfigFiles,
		SharedCredentialsFiles:    plain.SharedCredentialsFiles,
		StsRegion:                 plain.StsRegion,
		SkipCredentialsValidation: plain.SkipCredentialsValidation,
		SkipMetadataAPICheck:      plain.SkipMetadataAPICheck,
		SkipRegionValidation:      plain.SkipRegionValidation,
		SkipRequestingAccountID:   plain.SkipRequestingAccountID,
		S3UsePathStyle:            plain.S3UsePathStyle,
		Insecure:                  plain.Insecure,
		MaxRetries:                plain.MaxRetries,
		Endpoints:                 providerEndpoints(plain.Endpoints),
	}
	// Credentials stay secret: read them as secret outputs, and only when
	// set, since an empty key would override the provider's own credential
	// chain.
	if plain.AccessKey != "" {
		s.AccessKey = c.GetSecret(awssettings.KeyAccessKey)
	}
	if plain.SecretKey != "" {
		s.SecretKey = c.GetSecret(awssettings.KeySecretKey)
	}
	if plain.Token != "" {
		s.Token = c.GetSecret(awssettings.KeyToken)
	}
	return s, err
}

// providerEndpoints converts the parsed endpoints to the provider's type.
// Their service names are the provider's fields (awssettings keeps its list
// equal to them), so the conversion cannot drop one.
func providerEndpoints(entries []map[string]string) []aws.ProviderEndpoint {
	if len(entries) == 0 {
		return nil
	}
	text, err := json.Marshal(entries)
	if err != nil {
		return nil
	}
	var out []aws.ProviderEndpoint
	if err := json.Unmarshal(text, &out); err != nil {
		return nil
	}
	return out
}

// ProviderArgs are provider arguments carrying the settings. Set AssumeRole
// (or use AssumingRole) to reach another account, and Region to override
// the stack's.
func (s Settings) ProviderArgs() *aws.ProviderArgs {
	args := &aws.ProviderArgs{
		SkipCredentialsValidation: pulumi.BoolPtrFromPtr(s.SkipCredentialsValidation),
		SkipMetadataApiCheck:      pulumi.BoolPtrFromPtr(s.SkipMetadataAPICheck),
		SkipRegionValidation:      pulumi.BoolPtrFromPtr(s.SkipRegionValidation),
		SkipRequestingAccountId:   pulumi.BoolPtrFromPtr(s.SkipRequestingAccountID),
		S3UsePathStyle:            pulumi.BoolPtrFromPtr(s.S3UsePathStyle),
		Insecure:                  pulumi.BoolPtrFromPtr(s.Insecure),
		MaxRetries:                pulumi.IntPtrFromPtr(s.MaxRetries),
	}
	if s.Region != "" {
		args.Region = pulumi.String(s.Region)
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
		// The provider's endpoint type is registered with the SDK, so a
		// plain value converts to its typed output without copying ~300
		// fields.
		args.Endpoints = pulumi.ToOutput(s.Endpoints).(aws.ProviderEndpointArrayOutput)
	}
	return args
}

// AssumingRole are provider arguments carrying the settings that assume
// roleArn, with sessionName shown in the target account's CloudTrail.
func (s Settings) AssumingRole(roleArn pulumi.StringInput, sessionName string) *aws.ProviderArgs {
	args := s.ProviderArgs()
	args.AssumeRole = aws.ProviderAssumeRoleArgs{
		RoleArn:     roleArn,
		SessionName: pulumi.String(sessionName),
	}
	return args
}
