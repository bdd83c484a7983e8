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
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Namespace is the config namespace of the AWS provider: keys are
// "aws:<key>".
const Namespace = "aws"

// The `aws:` keys carried over.
const (
	KeyRegion                    = "region"
	KeyProfile                   = "profile"
	KeySharedConfigFiles         = "sharedConfigFiles"
	KeySharedCredentialsFiles    = "sharedCredentialsFiles"
	KeyAccessKey                 = "accessKey"
	KeySecretKey                 = "secretKey"
	KeyToken                     = "token"
	KeyEndpoints                 = "endpoints"
	KeyStsRegion                 = "stsRegion"
	KeySkipCredentialsValidation = "skipCredentialsValidation"
	KeySkipMetadataAPICheck      = "skipMetadataApiCheck"
	KeySkipRegionValidation      = "skipRegionValidation"
	KeySkipRequestingAccountID   = "skipRequestingAccountId"
	KeyS3UsePathStyle            = "s3UsePathStyle"
	KeyInsecure                  = "insecure"
	KeyMaxRetries                = "maxRetries"
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
type Problem struct {
	// Key is the full key, e.g. "aws:endpoints".
	Key     string
	Message string
}

// Error lists every `aws:` key Read could not read.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid %s: configuration (%d problem(s)):", Namespace, len(e.Problems))
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  - %s: %s", p.Key, p.Message)
	}
	return b.String()
}

// Read reads the stack's `aws:` settings. A malformed value is not guessed
// at: Read returns an *Error naming every one, since a misread skip flag or
// endpoint would send calls somewhere the stack did not mean.
func Read(ctx *pulumi.Context) (Settings, error) {
	c := config.New(ctx, Namespace)
	r := reader{c: c}
	s := Settings{
		Region:    c.Get(KeyRegion),
		Profile:   c.Get(KeyProfile),
		StsRegion: c.Get(KeyStsRegion),
	}
	s.SharedConfigFiles = r.stringList(KeySharedConfigFiles)
	s.SharedCredentialsFiles = r.stringList(KeySharedCredentialsFiles)
	// Credentials stay secret: read them as secret outputs, and only when
	// set, since an empty key would override the provider's own credential
	// chain.
	if c.Get(KeyAccessKey) != "" {
		s.AccessKey = c.GetSecret(KeyAccessKey)
	}
	if c.Get(KeySecretKey) != "" {
		s.SecretKey = c.GetSecret(KeySecretKey)
	}
	if c.Get(KeyToken) != "" {
		s.Token = c.GetSecret(KeyToken)
	}
	s.SkipCredentialsValidation = r.optionalBool(KeySkipCredentialsValidation)
	s.SkipMetadataAPICheck = r.optionalBool(KeySkipMetadataAPICheck)
	s.SkipRegionValidation = r.optionalBool(KeySkipRegionValidation)
	s.SkipRequestingAccountID = r.optionalBool(KeySkipRequestingAccountID)
	s.S3UsePathStyle = r.optionalBool(KeyS3UsePathStyle)
	s.Insecure = r.optionalBool(KeyInsecure)
	if text := c.Get(KeyMaxRetries); text != "" {
		n, err := strconv.Atoi(text)
		if err != nil || n < 0 {
			r.addf(KeyMaxRetries, "must be a whole number, got %q", text)
		} else {
			s.MaxRetries = &n
		}
	}
	if text := c.Get(KeyEndpoints); text != "" {
		dec := json.NewDecoder(bytes.NewReader([]byte(text)))
		// Unknown service names are typos that would silently send calls
		// to real AWS.
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s.Endpoints); err != nil {
			r.addf(KeyEndpoints, "must be a list of {service: url} objects: %v", err)
		}
	}
	if len(r.problems) > 0 {
		sort.Slice(r.problems, func(i, j int) bool { return r.problems[i].Key < r.problems[j].Key })
		return s, &Error{Problems: r.problems}
	}
	return s, nil
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

// reader reads keys and collects problems.
type reader struct {
	c        *config.Config
	problems []Problem
}

func (r *reader) addf(key, format string, args ...any) {
	r.problems = append(r.problems, Problem{Key: Namespace + ":" + key, Message: fmt.Sprintf(format, args...)})
}

func (r *reader) optionalBool(key string) *bool {
	text := r.c.Get(key)
	if text == "" {
		return nil
	}
	b, err := strconv.ParseBool(text)
	if err != nil {
		r.addf(key, "must be true or false, got %q", text)
		return nil
	}
	return &b
}

func (r *reader) stringList(key string) []string {
	text := r.c.Get(key)
	if text == "" {
		return nil
	}
	var out []string
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		r.addf(key, "must be a list of strings")
	}
	return out
}
