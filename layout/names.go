package layout

import (
	"regexp"
	"strings"
)

// IAM's own patterns (IAM API reference, CreateRole/CreateGroup/CreateUser),
// plus this program's rule for the names it invents keys from.
var (
	iamNameRE      = regexp.MustCompile(`^[\w+=,.@-]+$`)
	iamPathRE      = regexp.MustCompile(`^/$|^/[\x21-\x7E]+/$`)
	accountIDRE    = regexp.MustCompile(`^[0-9]{12}$`)
	keyNameRE      = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	regionRE       = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	policyARNRE    = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::(aws|[0-9]{12}):policy(/|/[\x21-\x7E]*/)[\w+=,.@-]{1,128}$`)
	tagRE          = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	descriptionRE  = regexp.MustCompile(`^[\t\n\r\x20-\x7E\x{A1}-\x{FF}]*$`)
	partitions     = []string{"aws", "aws-cn", "aws-us-gov"}
	maxKeyNameLen  = 50
	maxPathLen     = 512
	maxDescription = 1000
)

func isAccountID(s string) bool { return accountIDRE.MatchString(s) }

// IsPolicyARN reports whether s is a managed policy ARN of any partition.
func IsPolicyARN(s string) bool { return policyARNRE.MatchString(s) }

// checkIAMName reports a problem when name is not a valid IAM name of at most
// max characters.
func checkIAMName(ps *Problems, path, what, name string, max int) {
	switch {
	case name == "":
		ps.Addf(path, "%s must not be empty", what)
	case len(name) > max:
		ps.Addf(path, "%s %q is %d characters long, IAM allows at most %d", what, clip(name), len(name), max)
	case !iamNameRE.MatchString(name):
		ps.Addf(path, "%s %q may only hold letters, digits and + = , . @ _ -", what, clip(name))
	}
}

func checkIAMPath(ps *Problems, path, p string) {
	switch {
	case len(p) > maxPathLen:
		ps.Addf(path, "is %d characters long, IAM allows at most %d", len(p), maxPathLen)
	case !iamPathRE.MatchString(p):
		ps.Addf(path, "%q must start and end with / and hold only printable ASCII without spaces", clip(p))
	}
}

// checkKeyName validates the names this program turns into logical resource
// names and profile names: account names and environment labels.
func checkKeyName(ps *Problems, path, what, name string) {
	switch {
	case len(name) > maxKeyNameLen:
		ps.Addf(path, "%s %q is longer than %d characters", what, clip(name), maxKeyNameLen)
	case !keyNameRE.MatchString(name):
		ps.Addf(path, "%s %q must be lower-case letters, digits and inner hyphens", what, clip(name))
	}
}

func checkPolicyARN(ps *Problems, path, arn, partition string) {
	if !policyARNRE.MatchString(arn) {
		ps.Addf(path, "%q is not a managed policy ARN (arn:%s:iam::aws|<account-id>:policy/[path/]Name)", clip(arn), partition)
		return
	}
	if got := strings.SplitN(arn, ":", 3)[1]; got != partition {
		ps.Addf(path, "%q is in partition %q but the organization is in %q", clip(arn), got, partition)
	}
}

func checkTags(ps *Problems, path string, tags map[string]string) {
	if len(tags) > MaxTagsPerRole {
		ps.Addf(path, "has %d tags, IAM allows at most %d", len(tags), MaxTagsPerRole)
	}
	for k, v := range tags {
		p := joinPath(path, k)
		switch {
		case len(k) == 0 || len(k) > 128 || !tagRE.MatchString(k):
			ps.Addf(p, "tag key must be 1-128 letters, digits, spaces or _ . : / = + - @")
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			ps.Addf(p, "tag keys starting with aws: are reserved by AWS")
		case k == DestructiveTagKey:
			ps.Addf(p, "tag %s is set by the program from `destructive`", DestructiveTagKey)
		}
		if len(v) > 256 || !tagRE.MatchString(v) {
			ps.Addf(p, "tag value must be at most 256 letters, digits, spaces or _ . : / = + - @")
		}
	}
}

func checkSession(ps *Problems, path string, seconds int) {
	if seconds < MinSessionDuration || seconds > MaxSessionDuration {
		ps.Addf(path, "%d is outside %d-%d seconds, the range IAM allows for MaxSessionDuration", seconds, MinSessionDuration, MaxSessionDuration)
	}
}
