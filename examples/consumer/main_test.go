package main

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"iam-layout/contract"
	"iam-layout/layoutref/layoutreftest"
)

const orgStack = "organization/iam-layout/dev"

// stsMocks stand in for the AWS provider: STS answers as the role the
// provider assumes.
type stsMocks struct {
	mu        sync.Mutex
	providers map[string]resource.PropertyMap
}

func (m *stsMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.TypeToken != "pulumi:providers:aws" {
		return "", nil, fmt.Errorf("unexpected resource %s: the example only reads", args.TypeToken)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	id := "provider-" + args.Name
	m.providers[id] = args.Inputs
	return id, args.Inputs, nil
}

func (m *stsMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if args.Token != "aws:index/getCallerIdentity:getCallerIdentity" {
		return nil, fmt.Errorf("unexpected invoke %s", args.Token)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	inputs, ok := m.providers[args.Provider[strings.LastIndex(args.Provider, "::")+2:]]
	if !ok {
		return nil, fmt.Errorf("getCallerIdentity without the explicit provider (%q): it would run in the stack's own account", args.Provider)
	}
	roleArn := inputs["assumeRole"].ObjectValue()["roleArn"].StringValue()
	parts := strings.Split(roleArn, ":")
	return resource.NewPropertyMapFromMap(map[string]any{
		"accountId": parts[4],
		"arn":       "arn:aws:sts::" + parts[4] + ":assumed-role/" + strings.TrimPrefix(parts[5], "role/") + "/" + sessionName,
		"userId":    "AROAEXAMPLE:" + sessionName,
	}), nil
}

func orgOutputs() map[string]any {
	role := func(id, name string, mfa bool) map[string]any {
		return map[string]any{
			contract.RoleAccountID: id, contract.RoleArn: "arn:aws:iam::" + id + ":role/" + name,
			contract.RoleName: name, contract.RolePath: "/", contract.RoleMFARequired: mfa,
			contract.RoleDestructive: mfa, contract.RoleMaxSessionDuration: float64(3600),
		}
	}
	return map[string]any{
		contract.VersionKey: float64(contract.Version),
		contract.RolesKey: map[string]any{
			"qa":         map[string]any{"AlfieDeployment": role("234567890123", "AlfieDeployment", false)},
			"production": map[string]any{"AlfieDatabaseShutdown": role("123456789012", "AlfieDatabaseShutdown", true)},
		},
	}
}

// runExample runs the example with the given project config and returns its
// exports, the provider inputs and the run's error.
func runExample(t *testing.T, cfg map[string]string) (map[string]any, []resource.PropertyMap, error) {
	t.Helper()
	sts := &stsMocks{providers: map[string]resource.PropertyMap{}}
	mocks := &layoutreftest.Mocks{Stacks: map[string]map[string]any{orgStack: orgOutputs()}, Other: sts}
	exports := map[string]any{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if err := run(ctx); err != nil {
			return err
		}
		for key, v := range ctx.GetCurrentExportMap() {
			out, err := internals.UnsafeAwaitOutput(context.Background(), pulumi.ToOutput(v))
			if err != nil {
				return err
			}
			exports[key] = out.Value
		}
		return nil
	}, pulumi.WithMocks("iam-layout-consumer", "test", mocks), func(info *pulumi.RunInfo) { info.Config = cfg })
	var providers []resource.PropertyMap
	for _, p := range sts.providers {
		providers = append(providers, p)
	}
	return exports, providers, err
}

func TestExampleAssumesTheRoleItReadsAndAsksSTSThroughIt(t *testing.T) {
	t.Parallel()
	exports, providers, err := runExample(t, map[string]string{
		"iam-layout-consumer:organizationStack": orgStack,
		"aws:region":                            "eu-west-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(providers) != 1 {
		t.Fatalf("got %d providers, want 1", len(providers))
	}
	p := providers[0]
	if got, want := p["assumeRole"].ObjectValue()["roleArn"].StringValue(), "arn:aws:iam::234567890123:role/AlfieDeployment"; got != want {
		t.Errorf("provider assumes %s, want %s", got, want)
	}
	if got := p["region"].StringValue(); got != "eu-west-1" {
		t.Errorf("provider region = %q, want the stack's eu-west-1", got)
	}
	if exports["accountId"] != "234567890123" || exports["roleArn"] != "arn:aws:iam::234567890123:role/AlfieDeployment" {
		t.Errorf("exports = %v", exports)
	}
}

// A LocalStack user's stack: the provider that assumes the role must carry
// every aws: setting, or its calls would go to real AWS.
func TestExampleProviderCarriesTheStacksAWSSettings(t *testing.T) {
	t.Parallel()
	_, providers, err := runExample(t, map[string]string{
		"iam-layout-consumer:organizationStack": orgStack,
		"aws:region":                            "eu-west-1",
		"aws:profile":                           "localstack",
		"aws:accessKey":                         "test",
		"aws:secretKey":                         "test",
		"aws:token":                             "session",
		"aws:endpoints":                         `[{"sts":"http://localhost:4566","iam":"http://localhost:4566"}]`,
		"aws:skipCredentialsValidation":         "true",
		"aws:skipRequestingAccountId":           "true",
		"aws:skipMetadataApiCheck":              "true",
		"aws:skipRegionValidation":              "false",
		"aws:s3UsePathStyle":                    "true",
		"aws:insecure":                          "true",
		"aws:stsRegion":                         "eu-west-1",
		"aws:maxRetries":                        "7",
		"aws:sharedConfigFiles":                 `["/tmp/localstack/config"]`,
		"aws:sharedCredentialsFiles":            `["/tmp/localstack/credentials"]`,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(providers) != 1 {
		t.Fatalf("got %d providers, want 1", len(providers))
	}
	p := providers[0]
	want := map[string]any{
		"region":                    "eu-west-1",
		"profile":                   "localstack",
		"skipCredentialsValidation": true,
		"skipRequestingAccountId":   true,
		"skipMetadataApiCheck":      true,
		"skipRegionValidation":      false,
		"s3UsePathStyle":            true,
		"insecure":                  true,
		"stsRegion":                 "eu-west-1",
		"maxRetries":                float64(7),
		"sharedConfigFiles":         []any{"/tmp/localstack/config"},
		"sharedCredentialsFiles":    []any{"/tmp/localstack/credentials"},
		"endpoints":                 []any{map[string]any{"sts": "http://localhost:4566", "iam": "http://localhost:4566"}},
	}
	for key, w := range want {
		v, ok := p[resource.PropertyKey(key)]
		if !ok {
			t.Errorf("provider: %s not carried over", key)
			continue
		}
		if got := v.Mappable(); !reflect.DeepEqual(got, w) {
			t.Errorf("provider: %s = %#v, want %#v", key, got, w)
		}
	}
	for key, w := range map[string]string{"accessKey": "test", "secretKey": "test", "token": "session"} {
		v := p[resource.PropertyKey(key)]
		if !v.IsSecret() || v.SecretValue().Element.StringValue() != w {
			t.Errorf("provider: %s = %v, want the secret %q", key, v, w)
		}
	}
	if got := p["assumeRole"].ObjectValue()["roleArn"].StringValue(); got != "arn:aws:iam::234567890123:role/AlfieDeployment" {
		t.Errorf("provider assumes %s", got)
	}
}

func TestExampleRefusesWhatItCannotDo(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		cfg  map[string]string
		want string
	}{
		"MFA role": {
			cfg:  map[string]string{"iam-layout-consumer:organizationStack": orgStack, "iam-layout-consumer:account": "production", "iam-layout-consumer:role": "AlfieDatabaseShutdown"},
			want: "role production/AlfieDatabaseShutdown requires MFA",
		},
		"unknown role": {
			cfg:  map[string]string{"iam-layout-consumer:organizationStack": orgStack, "iam-layout-consumer:role": "AlfieAdmin"},
			want: `output roles has no role "AlfieAdmin" in account "qa"`,
		},
		"no organization stack": {
			cfg:  map[string]string{},
			want: "config organizationStack is required",
		},
		"malformed aws: settings, all at once": {
			cfg:  map[string]string{"iam-layout-consumer:organizationStack": orgStack, "aws:skipCredentialsValidation": "yes", "aws:endpoints": `[{"stss":"http://localhost:4566"}]`},
			want: "invalid aws: configuration (2 problem(s)):\n  - aws:endpoints: must be a list of {service: url} objects: json: unknown field \"stss\"\n  - aws:skipCredentialsValidation: must be true or false, got \"yes\"",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, _, err := runExample(t, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant it to say %q", err, tc.want)
			}
		})
	}
}
