// Package components holds the Pulumi ComponentResources that turn a
// validated layout (package layout) and its documents (package policies) into
// AWS resources. Components decide nothing: every choice that shapes the
// resource graph was made in the pure core, with plain Go values, so no
// decision hides inside an Apply.
package components

import (
	"strings"
)

// Type tokens of the components. They are part of every URN: renaming one
// needs an alias, or every resource below it is replaced.
const (
	AccountType = "iam-layout:organization:Account"
	GroupType   = "iam-layout:organization:Group"
	PeopleType  = "iam-layout:organization:People"
)

// policyKey turns a managed policy ARN into a URN-safe key that is unique per
// ARN: "arn:aws:iam::aws:policy/service-role/X" becomes "aws/service-role/X".
// ARNs cannot be used as logical names as they are: "::" separates URN parts.
func policyKey(arn string) string {
	_, rest, _ := strings.Cut(arn, ":iam::")
	owner, resource, _ := strings.Cut(rest, ":")
	return owner + "/" + strings.TrimPrefix(resource, "policy/")
}
