package audit

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"iam-layout/awssettings"
)

// SessionName is the role session name the audit's reads in child accounts
// carry, so CloudTrail tells them from the program's (components.SessionName).
const SessionName = "iam-layout-audit"

// DefaultMaxRetries is how many times a throttled or failed call is retried
// when aws:maxRetries is unset: the AWS provider's own default (25), so the
// audit is as patient as `pulumi up`.
const DefaultMaxRetries = 25

// Service names of aws:endpoints the audit uses.
const (
	serviceIAM = "iam"
	serviceSTS = "sts"
)

// clients are the SDK clients of the management account and the way to
// reach a child account.
type clients struct {
	cfg      aws.Config
	settings awssettings.Settings
	iam      *iam.Client
	sts      *sts.Client
}

// loadConfig builds the SDK configuration from the stack's aws: settings,
// over the SDK's own chain (environment, shared files, profile), the way
// the AWS provider reads them for `pulumi up`. backoff replaces the retry
// delays; nil keeps the SDK's exponential backoff with jitter.
func loadConfig(ctx context.Context, s awssettings.Settings, backoff retry.BackoffDelayer) (aws.Config, error) {
	attempts := DefaultMaxRetries + 1
	if s.MaxRetries != nil {
		attempts = *s.MaxRetries + 1
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = attempts
				// The client-side retry quota would fail calls fast in a
				// throttling storm; the bounded pools already keep the
				// audit within IAM's rate, so retries only back off.
				o.RateLimiter = ratelimit.None
				if backoff != nil {
					o.Backoff = backoff
				}
			})
		}),
	}
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	if s.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(s.Profile))
	}
	if len(s.SharedConfigFiles) > 0 {
		opts = append(opts, config.WithSharedConfigFiles(expandHome(s.SharedConfigFiles)))
	}
	if len(s.SharedCredentialsFiles) > 0 {
		opts = append(opts, config.WithSharedCredentialsFiles(expandHome(s.SharedCredentialsFiles)))
	}
	if s.AccessKey != "" || s.SecretKey != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, s.Token)))
	}
	if s.SkipMetadataAPICheck != nil && *s.SkipMetadataAPICheck {
		opts = append(opts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	if s.Insecure != nil && *s.Insecure {
		opts = append(opts, config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
			t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} // #nosec G402 -- aws:insecure asks for it
		})))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no AWS region: set aws:region in the stack file, or AWS_REGION")
	}
	return cfg, nil
}

// expandHome expands a leading "~/" as the provider does.
func expandHome(paths []string) []string {
	home, err := os.UserHomeDir()
	out := make([]string, len(paths))
	for i, p := range paths {
		if err == nil && strings.HasPrefix(p, "~/") {
			p = filepath.Join(home, p[2:])
		}
		out[i] = p
	}
	return out
}

func newClients(cfg aws.Config, s awssettings.Settings) *clients {
	c := &clients{cfg: cfg, settings: s}
	c.iam = iam.NewFromConfig(cfg, c.iamOptions)
	c.sts = sts.NewFromConfig(cfg, func(o *sts.Options) {
		if u := s.Endpoint(serviceSTS); u != "" {
			o.BaseEndpoint = aws.String(u)
		}
		if s.StsRegion != "" {
			o.Region = s.StsRegion
		}
	})
	return c
}

func (c *clients) iamOptions(o *iam.Options) {
	if u := c.settings.Endpoint(serviceIAM); u != "" {
		o.BaseEndpoint = aws.String(u)
	}
}

// child is an IAM client of a child account: the management account's
// credentials assume accessRoleARN, as the program's providers do.
func (c *clients) child(accessRoleARN string) *iam.Client {
	provider := stscreds.NewAssumeRoleProvider(c.sts, accessRoleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = SessionName
	})
	creds := aws.NewCredentialsCache(provider)
	return iam.NewFromConfig(c.cfg, c.iamOptions, func(o *iam.Options) { o.Credentials = creds })
}
