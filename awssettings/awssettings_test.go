package awssettings

import (
	"errors"
	"reflect"
	"testing"
)

func TestFromConfigReadsTheStacksAWSKeysOnly(t *testing.T) {
	t.Parallel()
	s, err := FromConfig(map[string]string{
		"aws:region": "eu-west-1", "aws:profile": "p", "aws:stsRegion": "eu-west-2",
		"aws:sharedConfigFiles": `["a"]`, "aws:sharedCredentialsFiles": `["b","c"]`,
		"aws:accessKey": "AKIDEXAMPLE", "aws:secretKey": "s", "aws:token": "t",
		"aws:insecure": "true", "aws:maxRetries": "3",
		"aws:endpoints": `[{"iam":"http://one"},{"sts":"http://two","IAM":"http://three"}]`,
		"other:region":  "ignored",
	})
	if err != nil {
		t.Fatal(err)
	}
	yes, three := true, 3
	want := Settings{
		Region: "eu-west-1", Profile: "p", StsRegion: "eu-west-2",
		SharedConfigFiles: []string{"a"}, SharedCredentialsFiles: []string{"b", "c"},
		AccessKey: "AKIDEXAMPLE", SecretKey: "s", Token: "t", Insecure: &yes, MaxRetries: &three,
		Endpoints: []map[string]string{{"iam": "http://one"}, {"sts": "http://two", "iam": "http://three"}},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("settings = %+v\nwant %+v", s, want)
	}
	for service, url := range map[string]string{"iam": "http://three", "sts": "http://two", "s3": ""} {
		if got := s.Endpoint(service); got != url {
			t.Errorf("Endpoint(%s) = %q, want %q (the last entry naming it)", service, got, url)
		}
	}
}

func TestParseReportsEveryMalformedKeyAtOnce(t *testing.T) {
	t.Parallel()
	_, err := FromConfig(map[string]string{
		"aws:maxRetries":           "-1",
		"aws:skipRegionValidation": "maybe",
		"aws:sharedConfigFiles":    "~/.aws/config",
		"aws:endpoints":            `[{"iamm":"http://typo"}]`,
	})
	var bad *Error
	if !errors.As(err, &bad) {
		t.Fatalf("err = %v, want an *Error", err)
	}
	var keys []string
	for _, p := range bad.Problems {
		keys = append(keys, p.Key)
	}
	if want := []string{"aws:endpoints", "aws:maxRetries", "aws:sharedConfigFiles", "aws:skipRegionValidation"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("problems at %v, want %v", keys, want)
	}
}
