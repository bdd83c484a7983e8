package tests

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/micahhausler/aws-iam-policy/policy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// What IAM does with OIDC providers and the trust policies naming them, as
// far as the program can get it wrong.

var thumbprintPattern = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)

// createOIDCProvider does what CreateOpenIDConnectProvider would: an https
// URL without port, query or fragment, one provider per URL and account,
// client IDs and (optional) thumbprints in IAM's bounds; the ARN is the URL
// without its scheme.
func (m *awsMocks) createOIDCProvider(rec *recorded, state resource.PropertyMap) (string, resource.PropertyMap, error) {
	host, err := m.addOIDCProvider(rec.AccountID, rec.str("url"), stringList(rec.Inputs["clientIdLists"]), stringList(rec.Inputs["thumbprintLists"]))
	if err != nil {
		return "", nil, err
	}
	arn := fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", rec.AccountID, host)
	state["arn"] = resource.NewStringProperty(arn)
	return arn, state, nil
}

// addOIDCProvider records a provider created in an account.
func (m *awsMocks) addOIDCProvider(account, rawURL string, clientIDs, thumbprints []string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.Port() != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("ValidationError: url %q must begin with https:// and have no port, query or fragment", rawURL)
	}
	if len(clientIDs) == 0 || len(clientIDs) > 100 {
		return "", fmt.Errorf("ValidationError: %d client IDs", len(clientIDs))
	}
	if len(thumbprints) > 5 {
		return "", fmt.Errorf("LimitExceeded: %d thumbprints", len(thumbprints))
	}
	for _, t := range thumbprints {
		if !thumbprintPattern.MatchString(t) {
			return "", fmt.Errorf("ValidationError: thumbprint %q", t)
		}
	}
	host := strings.TrimPrefix(rawURL, "https://")
	if m.oidcProviders == nil {
		m.oidcProviders = map[string]map[string]bool{}
	}
	if m.oidcProviders[account] == nil {
		m.oidcProviders[account] = map[string]bool{}
	}
	if m.oidcProviders[account][host] {
		return "", fmt.Errorf("EntityAlreadyExists: Provider with url %s already exists in account %s", rawURL, account)
	}
	m.oidcProviders[account][host] = true
	return host, nil
}

// checkTrustPrincipals refuses a trust policy naming a user of the
// management account that does not exist, or whose federated principal is
// not an OIDC provider that exists in the role's account: IAM validates
// principals when it creates the role (aws-secure-environment-accelerator
// #1136: "Invalid principal in policy"). For GitHub's provider it also
// applies IAM's own rule that the trust must evaluate the sub claim, not
// scoped to all (the error quoted in nulib/treetop-discovery #8).
func (m *awsMocks) checkTrustPrincipals(account, text string) error {
	var doc policy.Policy
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return fmt.Errorf("MalformedPolicyDocument: %v", err)
	}
	for _, st := range doc.Statements.Values() {
		if st.Principal != nil && st.Principal.AWS() != nil {
			// A closed trust's users must exist already, or have been
			// created before the role.
			for _, arn := range st.Principal.AWS().Values() {
				if strings.HasPrefix(arn, "arn:aws:iam::"+m.master+":user/") && !m.existingUsers[arn] {
					return fmt.Errorf("MalformedPolicyDocument: Invalid principal in policy: \"AWS\":%q (no such user yet)", arn)
				}
			}
		}
		if st.Principal == nil || st.Principal.Federated() == nil {
			continue
		}
		for _, arn := range st.Principal.Federated().Values() {
			prefix := "arn:aws:iam::" + account + ":oidc-provider/"
			host, ok := strings.CutPrefix(arn, prefix)
			if !ok || !m.oidcProviders[account][host] {
				return fmt.Errorf("MalformedPolicyDocument: Invalid principal in policy: \"Federated\":%q (account %s has no such OIDC provider)", arn, account)
			}
			if strings.HasPrefix(host, "token.actions.githubusercontent.com") && !evaluatesSubject(st, host+":sub") {
				return fmt.Errorf("InvalidRequest: Trust policy with trusted principal %s must evaluate, using StringEquals, StringLike or StringEqualsIgnoreCase, %s:sub which is not scoped to all", arn, host)
			}
		}
	}
	return nil
}

func evaluatesSubject(st policy.Statement, key string) bool {
	for _, op := range []string{"StringEquals", "StringLike", "StringEqualsIgnoreCase"} {
		v := st.Condition[op][key]
		if v == nil {
			continue
		}
		values, _, _ := v.Values()
		if len(values) > 0 && !slices.Contains(values, "*") {
			return true
		}
	}
	return false
}

// resolveTemplateIntrinsics resolves what CloudFormation would in a
// template's trust policy for one account: Fn::Sub of a plain string with
// ${AWS::AccountId} and ${AWS::Partition}. Anything else is refused, as a
// real stack would fail on it.
func resolveTemplateIntrinsics(v any, account string) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		if sub, ok := t["Fn::Sub"]; ok {
			s, isString := sub.(string)
			if len(t) != 1 || !isString {
				return nil, fmt.Errorf("ValidationError: Fn::Sub must be alone and hold a string here, got %v", t)
			}
			s = strings.NewReplacer("${AWS::AccountId}", account, "${AWS::Partition}", "aws").Replace(s)
			if strings.Contains(s, "${") {
				return nil, fmt.Errorf("ValidationError: unresolved variable in %q", s)
			}
			return s, nil
		}
		out := map[string]any{}
		for k, e := range t {
			if strings.HasPrefix(k, "Fn::") || k == "Ref" {
				return nil, fmt.Errorf("ValidationError: unexpected intrinsic %s in a trust policy", k)
			}
			r, err := resolveTemplateIntrinsics(e, account)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			r, err := resolveTemplateIntrinsics(e, account)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}
