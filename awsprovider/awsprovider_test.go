package awsprovider

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// noResources fails any registration or invoke: reading settings registers
// nothing.
type noResources struct{}

func (noResources) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return "", nil, fmt.Errorf("unexpected resource %s", args.TypeToken)
}

func (noResources) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("unexpected invoke %s", args.Token)
}

// read runs Read with the given engine config.
func read(t *testing.T, cfg map[string]string) (Settings, error) {
	t.Helper()
	var s Settings
	var readErr error
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		s, readErr = Read(ctx)
		return nil
	}, pulumi.WithMocks("consumer", "test", noResources{}), func(info *pulumi.RunInfo) { info.Config = cfg })
	if err != nil {
		t.Fatal(err)
	}
	return s, readErr
}

func TestNothingSetIsNothingCarried(t *testing.T) {
	t.Parallel()
	s, err := read(t, map[string]string{"consumer:other": "x"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s, Settings{}) {
		t.Errorf("settings = %+v, want none", s)
	}
	args := s.ProviderArgs()
	if !reflect.DeepEqual(args, Settings{}.ProviderArgs()) || args.Region != nil || args.Profile != nil || args.Endpoints != nil || args.AccessKey != nil || args.SkipCredentialsValidation != nil || args.MaxRetries != nil {
		t.Errorf("provider args set something: %+v", args)
	}
}

func TestReadParsesEveryKey(t *testing.T) {
	t.Parallel()
	s, err := read(t, map[string]string{
		"aws:region": "eu-west-1", "aws:profile": "p", "aws:stsRegion": "eu-west-2",
		"aws:sharedConfigFiles": `["a"]`, "aws:sharedCredentialsFiles": `["b","c"]`,
		"aws:skipCredentialsValidation": "true", "aws:skipMetadataApiCheck": "false",
		"aws:skipRegionValidation": "1", "aws:skipRequestingAccountId": "t",
		"aws:s3UsePathStyle": "TRUE", "aws:insecure": "0", "aws:maxRetries": "0",
		"aws:endpoints": `[{"iam":"http://localhost:4566"}]`,
	})
	if err != nil {
		t.Fatal(err)
	}
	yes, no, zero := true, false, 0
	want := Settings{
		Region: "eu-west-1", Profile: "p", StsRegion: "eu-west-2",
		SharedConfigFiles: []string{"a"}, SharedCredentialsFiles: []string{"b", "c"},
		SkipCredentialsValidation: &yes, SkipMetadataAPICheck: &no, SkipRegionValidation: &yes,
		SkipRequestingAccountID: &yes, S3UsePathStyle: &yes, Insecure: &no, MaxRetries: &zero,
	}
	endpoints := s.Endpoints
	s.Endpoints = nil
	if !reflect.DeepEqual(s, want) {
		t.Errorf("settings = %+v\nwant %+v", s, want)
	}
	if len(endpoints) != 1 || endpoints[0].Iam == nil || *endpoints[0].Iam != "http://localhost:4566" {
		t.Errorf("endpoints = %+v", endpoints)
	}
}

func TestReadReportsEveryMalformedKey(t *testing.T) {
	t.Parallel()
	_, err := read(t, map[string]string{
		"aws:maxRetries":        "-1",
		"aws:insecure":          "maybe",
		"aws:sharedConfigFiles": "~/.aws/config",
		"aws:endpoints":         `{"iam":"http://localhost:4566"}`,
	})
	var bad *Error
	if !errors.As(err, &bad) {
		t.Fatalf("err = %v, want an *Error", err)
	}
	var keys []string
	for _, p := range bad.Problems {
		keys = append(keys, p.Key)
	}
	if want := []string{"aws:endpoints", "aws:insecure", "aws:maxRetries", "aws:sharedConfigFiles"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("problems at %v, want %v", keys, want)
	}
}
