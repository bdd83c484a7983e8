package program

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"iam-layout/components"
	"iam-layout/layout"
)

// The stack's `aws:` keys carried over to every account's provider.
const (
	awsRegion                    = "region"
	awsProfile                   = "profile"
	awsSharedConfigFiles         = "sharedConfigFiles"
	awsSharedCredentialsFiles    = "sharedCredentialsFiles"
	awsAccessKey                 = "accessKey"
	awsSecretKey                 = "secretKey"
	awsToken                     = "token"
	awsEndpoints                 = "endpoints"
	awsStsRegion                 = "stsRegion"
	awsSkipCredentialsValidation = "skipCredentialsValidation"
	awsSkipMetadataAPICheck      = "skipMetadataApiCheck"
	awsSkipRegionValidation      = "skipRegionValidation"
	awsSkipRequestingAccountID   = "skipRequestingAccountId"
	awsS3UsePathStyle            = "s3UsePathStyle"
	awsInsecure                  = "insecure"
	awsMaxRetries                = "maxRetries"
)

// readAWSSettings reads the stack's own AWS provider configuration, so the
// explicit per-account providers behave like the default one (same region,
// profile, endpoints and skip flags).
func readAWSSettings(ctx *pulumi.Context, problems *layout.Problems) components.ProviderSettings {
	c := config.New(ctx, "aws")
	s := components.ProviderSettings{
		Region:    c.Get(awsRegion),
		Profile:   c.Get(awsProfile),
		StsRegion: c.Get(awsStsRegion),
	}
	s.SharedConfigFiles = stringList(c, awsSharedConfigFiles, problems)
	s.SharedCredentialsFiles = stringList(c, awsSharedCredentialsFiles, problems)
	// Credentials stay secret: read them as secret outputs, and only when set,
	// since an empty key would override the provider's own credential chain.
	if c.Get(awsAccessKey) != "" {
		s.AccessKey = c.GetSecret(awsAccessKey)
	}
	if c.Get(awsSecretKey) != "" {
		s.SecretKey = c.GetSecret(awsSecretKey)
	}
	if c.Get(awsToken) != "" {
		s.Token = c.GetSecret(awsToken)
	}
	s.SkipCredentialsValidation = optionalBool(c, awsSkipCredentialsValidation, problems)
	s.SkipMetadataAPICheck = optionalBool(c, awsSkipMetadataAPICheck, problems)
	s.SkipRegionValidation = optionalBool(c, awsSkipRegionValidation, problems)
	s.SkipRequestingAccountID = optionalBool(c, awsSkipRequestingAccountID, problems)
	s.S3UsePathStyle = optionalBool(c, awsS3UsePathStyle, problems)
	s.Insecure = optionalBool(c, awsInsecure, problems)
	if text := c.Get(awsMaxRetries); text != "" {
		n, err := strconv.Atoi(text)
		if err != nil || n < 0 {
			problems.Addf("aws:"+awsMaxRetries, "must be a whole number, got %q", text)
		} else {
			s.MaxRetries = &n
		}
	}
	if text := c.Get(awsEndpoints); text != "" {
		dec := json.NewDecoder(bytes.NewReader([]byte(text)))
		// Unknown service names are typos that would silently send calls to
		// real AWS.
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s.Endpoints); err != nil {
			problems.Addf("aws:"+awsEndpoints, "must be a list of {service: url} objects: %v", err)
		}
	}
	return s
}

func optionalBool(c *config.Config, key string, problems *layout.Problems) *bool {
	text := c.Get(key)
	if text == "" {
		return nil
	}
	b, err := strconv.ParseBool(text)
	if err != nil {
		problems.Addf("aws:"+key, "must be true or false, got %q", text)
		return nil
	}
	return &b
}

func stringList(c *config.Config, key string, problems *layout.Problems) []string {
	text := c.Get(key)
	if text == "" {
		return nil
	}
	var out []string
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		problems.Addf("aws:"+key, "must be a list of strings")
	}
	return out
}
