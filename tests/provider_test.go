package tests

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestProvidersCarryOverTheStacksAWSSettings(t *testing.T) {
	t.Parallel()
	// What a LocalStack user sets on the stack.
	cfg := devConfig(t)
	cfg["aws:region"] = "eu-west-1"
	cfg["aws:profile"] = "localstack"
	cfg["aws:accessKey"] = "test"
	cfg["aws:secretKey"] = "test"
	cfg["aws:skipCredentialsValidation"] = "true"
	cfg["aws:skipRequestingAccountId"] = "true"
	cfg["aws:skipMetadataApiCheck"] = "true"
	cfg["aws:skipRegionValidation"] = "false"
	cfg["aws:s3UsePathStyle"] = "true"
	cfg["aws:endpoints"] = `[{"iam":"http://localhost:4566","sts":"http://localhost:4566"}]`

	org := devOrganization(t)
	obj(org, "accounts", "qa")["region"] = "ap-southeast-2"
	cfg[project+":organization"] = withOrganization(org)[project+":organization"]

	res := mustRun(t, cfg)
	providers := res.ofType(typeProvider)
	if len(providers) != 3 {
		t.Fatalf("got %d providers", len(providers))
	}
	for _, p := range providers {
		wantRegion := "eu-west-1"
		if p.Name == "qa" {
			wantRegion = "ap-southeast-2"
		}
		checks := map[string]any{
			"region":                    wantRegion,
			"profile":                   "localstack",
			"skipCredentialsValidation": true,
			"skipRequestingAccountId":   true,
			"skipMetadataApiCheck":      true,
			"skipRegionValidation":      false,
			"s3UsePathStyle":            true,
		}
		for key, want := range checks {
			v, ok := p.Inputs[resource.PropertyKey(key)]
			if !ok {
				t.Errorf("provider %s: %s not carried over", p.Name, key)
				continue
			}
			if got := v.Mappable(); got != want {
				t.Errorf("provider %s: %s = %v, want %v", p.Name, key, got, want)
			}
		}
		for _, key := range []string{"accessKey", "secretKey"} {
			v := p.Inputs[resource.PropertyKey(key)]
			if !v.IsSecret() || v.SecretValue().Element.StringValue() != "test" {
				t.Errorf("provider %s: %s = %v, want the secret \"test\"", p.Name, key, v)
			}
		}
		eps := p.Inputs["endpoints"]
		if !eps.IsArray() || len(eps.ArrayValue()) != 1 {
			t.Fatalf("provider %s: endpoints = %v", p.Name, eps)
		}
		ep := eps.ArrayValue()[0].ObjectValue()
		if ep["iam"].StringValue() != "http://localhost:4566" || ep["sts"].StringValue() != "http://localhost:4566" {
			t.Errorf("provider %s: endpoints = %v", p.Name, ep)
		}
	}
}

func TestProvidersLeaveUnsetSettingsToTheProvidersOwnDefaults(t *testing.T) {
	t.Parallel()
	res := mustRun(t, devConfig(t))
	for _, p := range res.ofType(typeProvider) {
		// skipCredentialsValidation and skipRegionValidation get the SDK's own
		// defaults, the same as the default provider's.
		for _, key := range []string{"profile", "accessKey", "secretKey", "token", "endpoints", "skipRequestingAccountId", "sharedConfigFiles"} {
			if v, ok := p.Inputs[resource.PropertyKey(key)]; ok && !v.IsNull() {
				t.Errorf("provider %s sets %s = %v though the stack does not", p.Name, key, v)
			}
		}
	}
}
