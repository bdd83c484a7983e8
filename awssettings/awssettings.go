// Package awssettings reads a stack's `aws:` settings from plain config
// values, without the Pulumi SDK. Package awsprovider turns them into the
// arguments of explicit providers inside a Pulumi program; the audit
// command (package audit) into an AWS SDK configuration, so both honour the
// same keys and refuse the same mistakes.
package awssettings

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Namespace is the config namespace of the AWS provider: keys are
// "aws:<key>".
const Namespace = "aws"

// The `aws:` keys read.
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

// Settings are a stack's own AWS provider settings as plain values. Zero
// values and nil pointers mean "not set".
type Settings struct {
	Region                 string
	Profile                string
	SharedConfigFiles      []string
	SharedCredentialsFiles []string
	// AccessKey, SecretKey and Token are secrets: never print them.
	AccessKey string
	SecretKey string
	Token     string
	// Endpoints are the aws:endpoints entries in order, each a map of
	// service name (as the provider spells it, e.g. "iam") to URL.
	Endpoints                 []map[string]string
	StsRegion                 string
	SkipCredentialsValidation *bool
	SkipMetadataAPICheck      *bool
	SkipRegionValidation      *bool
	SkipRequestingAccountID   *bool
	S3UsePathStyle            *bool
	Insecure                  *bool
	MaxRetries                *int
}

// Endpoint is the URL aws:endpoints gives service ("iam", "sts"), or "".
// A later entry naming the same service wins, as it does in the provider's
// list.
func (s Settings) Endpoint(service string) string {
	url := ""
	for _, e := range s.Endpoints {
		if u := e[service]; u != "" {
			url = u
		}
	}
	return url
}

// Problem is one `aws:` key that cannot be read.
type Problem struct {
	// Key is the full key, e.g. "aws:endpoints".
	Key     string
	Message string
}

// Error lists every `aws:` key that could not be read.
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

// FromConfig reads the settings from engine config ("aws:region" -> value),
// as package stackfile reads it from Pulumi.<stack>.yaml.
func FromConfig(cfg map[string]string) (Settings, error) {
	return Parse(func(key string) string { return cfg[Namespace+":"+key] })
}

// Parse reads the settings through get, which returns the text of a key
// (without the namespace) or "" when it is unset. A malformed value is not
// guessed at: Parse returns an *Error naming every one, since a misread skip
// flag or endpoint would send calls somewhere the stack did not mean. The
// settings read are returned either way.
func Parse(get func(key string) string) (Settings, error) {
	r := reader{get: get}
	s := Settings{
		Region:    get(KeyRegion),
		Profile:   get(KeyProfile),
		StsRegion: get(KeyStsRegion),
		AccessKey: get(KeyAccessKey),
		SecretKey: get(KeySecretKey),
		Token:     get(KeyToken),
	}
	s.SharedConfigFiles = r.stringList(KeySharedConfigFiles)
	s.SharedCredentialsFiles = r.stringList(KeySharedCredentialsFiles)
	s.SkipCredentialsValidation = r.optionalBool(KeySkipCredentialsValidation)
	s.SkipMetadataAPICheck = r.optionalBool(KeySkipMetadataAPICheck)
	s.SkipRegionValidation = r.optionalBool(KeySkipRegionValidation)
	s.SkipRequestingAccountID = r.optionalBool(KeySkipRequestingAccountID)
	s.S3UsePathStyle = r.optionalBool(KeyS3UsePathStyle)
	s.Insecure = r.optionalBool(KeyInsecure)
	if text := get(KeyMaxRetries); text != "" {
		n, err := strconv.Atoi(text)
		if err != nil || n < 0 {
			r.addf(KeyMaxRetries, "must be a whole number, got %q", text)
		} else {
			s.MaxRetries = &n
		}
	}
	s.Endpoints = r.endpoints(get(KeyEndpoints))
	if len(r.problems) > 0 {
		sort.Slice(r.problems, func(i, j int) bool { return r.problems[i].Key < r.problems[j].Key })
		return s, &Error{Problems: r.problems}
	}
	return s, nil
}

// reader reads keys and collects problems.
type reader struct {
	get      func(string) string
	problems []Problem
}

func (r *reader) addf(key, format string, args ...any) {
	r.problems = append(r.problems, Problem{Key: Namespace + ":" + key, Message: fmt.Sprintf(format, args...)})
}

func (r *reader) optionalBool(key string) *bool {
	text := r.get(key)
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
	text := r.get(key)
	if text == "" {
		return nil
	}
	var out []string
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		r.addf(key, "must be a list of strings")
	}
	return out
}

// endpoints reads aws:endpoints: a list of {service: url} objects. Service
// names are matched as the provider matches them (without regard to case)
// and kept in its spelling; an unknown one is a typo that would silently
// send that service's calls to real AWS.
func (r *reader) endpoints(text string) []map[string]string {
	if text == "" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	var raw []map[string]string
	if err := dec.Decode(&raw); err != nil {
		r.addf(KeyEndpoints, "must be a list of {service: url} objects: %v", err)
		return nil
	}
	known := make(map[string]bool, len(EndpointServices))
	for _, name := range EndpointServices {
		known[name] = true
	}
	var unknown []string
	out := make([]map[string]string, len(raw))
	for i, entry := range raw {
		out[i] = make(map[string]string, len(entry))
		for name, url := range entry {
			service := strings.ToLower(name)
			if !known[service] {
				unknown = append(unknown, name)
				continue
			}
			out[i][service] = url
		}
	}
	if len(unknown) > 0 {
		// Worded as the JSON decoder the program used before words it, one
		// field each.
		sort.Strings(unknown)
		for i, name := range unknown {
			unknown[i] = fmt.Sprintf("json: unknown field %q", name)
		}
		r.addf(KeyEndpoints, "must be a list of {service: url} objects: %s", strings.Join(unknown, ", "))
	}
	return out
}
