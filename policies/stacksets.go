package policies

import (
	"github.com/micahhausler/aws-iam-policy/policy"

	"iam-layout/layout"
)

// Vocabulary of the StackSets administration role.
const (
	ServiceCloudFormation = "cloudformation.amazonaws.com"
	KeySourceAccount      = "aws:SourceAccount"
	KeySourceArn          = "aws:SourceArn"
	KeyResourceOrgID      = "aws:ResourceOrgID"
	OpStringLike          = "StringLike"

	// StackSetAdministrationPolicy is the inline policy of the
	// administration role.
	StackSetAdministrationPolicy = "assume-execution-role"

	SidTrustCloudFormation  = "TrustStackSetsOfThisProgram"
	SidAssumeExecutionRoles = "AssumeExecutionRoles"
)

// StackSetSourceArnPattern matches the ARNs of the StackSets this program
// creates in the management account, in any region: CloudFormation names
// the StackSet as aws:SourceArn when it assumes the administration role.
func StackSetSourceArnPattern(l *layout.Layout) string {
	return "arn:" + l.Partition + ":cloudformation:*:" + l.MasterAccountID + ":stackset/" + layout.StackSetNamePrefix + "*"
}

// StackSetAdministrationTrust is the trust policy of the SELF_MANAGED
// administration role: CloudFormation may assume it, but only on behalf of
// this account's StackSets whose names start with iam-layout-. Without the
// two conditions any StackSet in the account, or a confused deputy in
// another, could borrow the role's reach into every child account.
func StackSetAdministrationTrust(l *layout.Layout) *policy.Policy {
	return &policy.Policy{Version: policy.VersionLatest, Statements: policy.NewStatementOrSlice(policy.Statement{
		Sid:       SidTrustCloudFormation,
		Effect:    policy.EffectAllow,
		Principal: policy.NewServicePrincipal(ServiceCloudFormation),
		Action:    policy.NewStringOrSlice(true, ActionAssumeRole),
		Condition: map[string]map[string]*policy.ConditionValue{
			OpStringEquals: {KeySourceAccount: policy.NewConditionValueString(true, l.MasterAccountID)},
			OpStringLike:   {KeySourceArn: policy.NewConditionValueString(true, StackSetSourceArnPattern(l))},
		},
	})}
}

// ExecutionRoleARNPattern is the resource the administration role may
// assume: the execution role, by name, in any account. Listing each
// account's ARN instead would cap the organization at what IAM's policy
// sizes hold (about 150 accounts in a role's 10,240 inline characters), the
// very size StackSets delivery is for; the execution role itself trusts only
// the management account, so the wildcard cannot reach past the accounts
// that trust it, and stackSets.organizationId narrows it to one
// organization.
func ExecutionRoleARNPattern(l *layout.Layout) string {
	return "arn:" + l.Partition + ":iam::*:role/" + l.Delivery.StackSets.ExecutionRoleName
}

// StackSetAdministration is the identity policy of the administration role:
// sts:AssumeRole on the execution role, and nothing else.
func StackSetAdministration(l *layout.Layout) *policy.Policy {
	st := policy.Statement{
		Sid:      SidAssumeExecutionRoles,
		Effect:   policy.EffectAllow,
		Action:   policy.NewStringOrSlice(true, ActionAssumeRole),
		Resource: policy.NewStringOrSlice(true, ExecutionRoleARNPattern(l)),
	}
	if id := l.Delivery.StackSets.OrganizationID; id != "" {
		st.Condition = map[string]map[string]*policy.ConditionValue{
			OpStringEquals: {KeyResourceOrgID: policy.NewConditionValueString(true, id)},
		}
	}
	return &policy.Policy{Version: policy.VersionLatest, Statements: policy.NewStatementOrSlice(st)}
}

// StackSetAdministrationDocuments are the administration role's documents,
// compact JSON.
type StackSetAdministrationDocuments struct {
	Trust, Policy string
}

// buildStackSetAdministration renders the administration role's documents
// when the layout needs the role.
func buildStackSetAdministration(l *layout.Layout) (*StackSetAdministrationDocuments, error) {
	if !l.StackSets() || !l.Delivery.StackSets.SelfManaged() {
		return nil, nil
	}
	trust, err := Marshal(StackSetAdministrationTrust(l))
	if err != nil {
		return nil, err
	}
	pol, err := Marshal(StackSetAdministration(l))
	if err != nil {
		return nil, err
	}
	return &StackSetAdministrationDocuments{Trust: trust, Policy: pol}, nil
}
