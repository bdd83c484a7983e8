package layout

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/micahhausler/aws-iam-policy/policy"
)

// A permission set holds one inline policy (a second one silently replaces
// the first, terraform-provider-aws #28113) of at most 32,768 bytes and
// 10,240 characters that are not white space (IAM Identity Center quotas).
const (
	MaxPermissionSetInlineBytes = 32768
	MaxPermissionSetInlineChars = 10240
)

// MergeInlinePolicies merges a role's inline policies (each validated, in
// name order) into the one document a permission set holds: their
// statements, in policy-name order and then document order, under one
// Version. It returns "" for no policies, and a problem instead of a
// document when two statements share a Sid (statement IDs identify a
// statement within its document) or the merged document does not fit.
func MergeInlinePolicies(inline []InlinePolicy) (string, string) {
	if len(inline) == 0 {
		return "", ""
	}
	var statements []policy.Statement
	sidOwner := map[string]string{}
	var clashes []string
	for _, p := range inline {
		var doc policy.Policy
		if err := json.Unmarshal([]byte(p.Document), &doc); err != nil {
			return "", fmt.Sprintf("policy %s cannot be read back: %v", p.Name, err)
		}
		for _, st := range doc.Statements.Values() {
			if st.Sid != "" {
				if other, ok := sidOwner[st.Sid]; ok {
					clashes = append(clashes, fmt.Sprintf("%s and %s both have a statement with Sid %q", other, p.Name, st.Sid))
				}
				sidOwner[st.Sid] = p.Name
			}
			statements = append(statements, st)
		}
	}
	if len(clashes) > 0 {
		return "", "a permission set holds one inline policy, so these are merged into one document, where statement IDs must be unique: " + strings.Join(clashes, "; ") + " (rename one)"
	}
	merged := &policy.Policy{Version: policy.VersionLatest, Statements: policy.NewStatementOrSlice(statements...)}
	out, err := json.Marshal(merged)
	if err != nil {
		return "", fmt.Sprintf("the merged inline policy cannot be encoded: %v", err)
	}
	text := string(out)
	if chars := PolicySize(text); chars > MaxPermissionSetInlineChars || len(text) > MaxPermissionSetInlineBytes {
		return "", fmt.Sprintf("merged into the one inline policy a permission set holds, the %d policies are %d characters (%d bytes), over Identity Center's %d characters (%d bytes): move some statements into a managed policy", len(inline), chars, len(text), MaxPermissionSetInlineChars, MaxPermissionSetInlineBytes)
	}
	return text, ""
}

// isoDurationRE is the subset of ISO-8601 durations a session length needs:
// hours, minutes and seconds.
var isoDurationRE = regexp.MustCompile(`^PT(?:([0-9]{1,5})H)?(?:([0-9]{1,5})M)?(?:([0-9]{1,6})S)?$`)

// SessionDurationISO writes a session length in seconds as the ISO-8601
// duration a permission set takes: 3600 is "PT1H", 5400 "PT1H30M".
func SessionDurationISO(seconds int) string {
	h, m, s := seconds/3600, seconds%3600/60, seconds%60
	out := "PT"
	if h > 0 {
		out += strconv.Itoa(h) + "H"
	}
	if m > 0 {
		out += strconv.Itoa(m) + "M"
	}
	if s > 0 || out == "PT" {
		out += strconv.Itoa(s) + "S"
	}
	return out
}

// ParseSessionDuration reads an ISO-8601 duration of hours, minutes and
// seconds ("PT8H", "PT1H30M") into seconds.
func ParseSessionDuration(text string) (int, bool) {
	m := isoDurationRE.FindStringSubmatch(text)
	if m == nil || text == "PT" {
		return 0, false
	}
	total := 0
	for i, unit := range []int{3600, 60, 1} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			total += n * unit
		}
	}
	return total, true
}
