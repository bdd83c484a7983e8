package policies

import (
	"fmt"

	"github.com/micahhausler/aws-iam-policy/policy"

	"iam-layout/layout"
)

// Vocabulary of CI workloads' trust policies.
const (
	ActionAssumeRoleWithWebIdentity = "sts:AssumeRoleWithWebIdentity"

	// SidTrustCI allows the exact subjects, SidTrustCIPatterns the
	// patterns: two statements, because the operators of one statement
	// are ANDed, so a StringEquals and a StringLike on the same `sub` in
	// one statement would demand that a token match both.
	SidTrustCI         = "TrustCI"
	SidTrustCIPatterns = "TrustCIPatterns"

	// AccountIDVariable is CloudFormation's pseudo parameter for the
	// account a stack runs in. A StackSet's template is shared by every
	// account it deploys to, so the provider ARN in a workload's trust
	// policy names its account with it (inside Fn::Sub, package
	// stacksets); WorkloadTrust takes it in place of an account ID.
	AccountIDVariable = "${AWS::AccountId}"
)

// AudienceKey and SubjectKey are the condition keys IAM gives an OIDC
// provider's `aud` and `sub` claims: the issuer's host (and path) as prefix.
func AudienceKey(iss *layout.Issuer) string { return iss.Host + ":aud" }

// SubjectKey is the condition key of the `sub` claim.
func SubjectKey(iss *layout.Issuer) string { return iss.Host + ":sub" }

// WorkloadTrust is the trust policy of a workload's role placed in account
// accountID (AccountIDVariable for a StackSet template): the account's OIDC
// provider of the workload's issuer may sts:AssumeRoleWithWebIdentity, with
// StringEquals on the audience and on the exact subjects, and StringLike
// only on the patterns the workload opted into. No ForAllValues or
// ForAnyValue operator: on a single-valued claim they are true when the key
// is absent (github/docs #15769), which is how the common modules' trusts
// went inert. When the workload names groups, the management account is
// trusted as for any role (Trust), so their members can test the role,
// with MFA where the workload requires it.
func WorkloadTrust(l *layout.Layout, r *layout.Role, accountID string) *policy.Policy {
	w := r.Workload
	federated := layout.OIDCProviderARN(l.Partition, accountID, w.Issuer.Host)
	doc := &policy.Policy{Version: policy.VersionLatest, Statements: policy.NewStatementOrSlice()}
	statement := func(sid, op string, subjects []string) {
		if len(subjects) == 0 {
			return
		}
		doc.Statements.Add(policy.Statement{
			Sid:       sid,
			Effect:    policy.EffectAllow,
			Principal: policy.NewFederatedPrincipal(federated),
			Action:    policy.NewStringOrSlice(true, ActionAssumeRoleWithWebIdentity),
			Condition: webIdentityCondition(w, op, subjects),
		})
	}
	statement(SidTrustCI, OpStringEquals, w.Subjects)
	statement(SidTrustCIPatterns, OpStringLike, w.Patterns)
	if len(w.Testers) > 0 {
		doc.Statements.Add(Trust(l, r).Statements.Values()...)
	}
	return doc
}

// webIdentityCondition requires the audience exactly and the subjects
// under op (StringEquals, or StringLike for patterns).
func webIdentityCondition(w *layout.Workload, op string, subjects []string) map[string]map[string]*policy.ConditionValue {
	c := map[string]map[string]*policy.ConditionValue{
		OpStringEquals: {AudienceKey(w.Issuer): policy.NewConditionValueString(true, w.Audience)},
	}
	if c[op] == nil {
		c[op] = map[string]*policy.ConditionValue{}
	}
	c[op][SubjectKey(w.Issuer)] = policy.NewConditionValueString(len(subjects) == 1, subjects...)
	return c
}

// buildWorkloadTrust renders a workload role placement's trust policy into
// docs and measures it once per definition (the account ID has the same
// length everywhere).
func buildWorkloadTrust(l *layout.Layout, r *layout.Role, docs *Documents, measured map[string]bool, problems *layout.Problems) error {
	text, err := Marshal(WorkloadTrust(l, r, r.Account.ID))
	if err != nil {
		return fmt.Errorf("building trust policy of workload role %s: %w", r.Key(), err)
	}
	docs.Trust[r.Key()] = text
	if !measured[r.Name] {
		measured[r.Name] = true
		if size := layout.PolicySize(text); size > l.Quotas.TrustPolicySize {
			problems.Addf("workloads."+r.Name, "%s", trustTooLarge(l, r, size, ": fewer subjects, or a pattern"))
		}
	}
	return nil
}
