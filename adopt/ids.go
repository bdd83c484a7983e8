package adopt

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"iam-layout/handover"
)

// Type tokens of the resources the program creates. (Tests hold them to the
// program's registrations: a type the program registers and this file does
// not know fails the plan.)
const (
	typeRole            = "aws:iam/role:Role"
	typeRolePolicy      = "aws:iam/rolePolicy:RolePolicy"
	typeRoleAttachment  = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeGroup           = "aws:iam/group:Group"
	typePolicy          = "aws:iam/policy:Policy"
	typeGroupAttachment = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
	typeUser            = "aws:iam/user:User"
	typeUserMembership  = "aws:iam/userGroupMembership:UserGroupMembership"
	typeGroupMembership = "aws:iam/groupMembership:GroupMembership"
	typeStackSet        = "aws:cloudformation/stackSet:StackSet"
	typeStackSetInst    = handover.StackSetInstanceType
	typeOIDCProvider    = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
)

// Why some resources are left to `pulumi up`.
const (
	whyIdentityCenter = "IAM Identity Center gives its resources IDs (permission set, group and user IDs) that cannot be known from the stack file: " +
		"import it with `pulumi import` and the ID from the AWS console or CLI, or let `pulumi up` create it (creating an assignment that exists is refused by AWS; delete the old one after)"
	whyServiceManagedInstance = "a SERVICE_MANAGED stack instance has no import ID that names its account (the AWS provider reads every instance of the StackSet under one ID; docs/stacksets-handover.md): " +
		"`pulumi up` creates it, and CloudFormation's CreateStackInstances takes an instance that exists as one to bring up to date"
	whyGroupMembership = "aws:iam/groupMembership cannot be imported (the AWS provider has no import for it); `pulumi up` creates it, adding the declared members, who are members already, and evicting nobody"
)

// importID is the ID a resource's `pulumi import` takes, from its inputs
// (formats: the "Import" sections of pulumi-aws v6.83.4's Go SDK, and
// ../shared/IAM-FACTS.md, "The real engine"), or why it has none offline.
func importID(r registration) (id, skip string, err error) {
	str := func(k string) string {
		if v, ok := r.inputs[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	// missing fails when an input the ID is made of is empty: the ID would
	// name another resource, or none.
	missing := func(parts ...string) error {
		for _, part := range parts {
			if part == "" {
				return fmt.Errorf("an input its import ID needs is missing: %v", r.inputs)
			}
		}
		return nil
	}
	switch r.typ {
	case typeRole, typeGroup, typeUser, typeStackSet:
		return str("name"), "", missing(str("name"))
	case typeRolePolicy:
		return str("role") + ":" + str("name"), "", missing(str("role"), str("name"))
	case typeRoleAttachment:
		return str("role") + "/" + str("policyArn"), "", missing(str("role"), str("policyArn"))
	case typeGroupAttachment:
		return str("group") + "/" + str("policyArn"), "", missing(str("group"), str("policyArn"))
	case typePolicy, typeOIDCProvider:
		arn := ""
		if v, ok := r.state["arn"]; ok && v.IsString() {
			arn = v.StringValue()
		}
		return arn, "", missing(arn)
	case typeUserMembership:
		groups := stringList(r.inputs["groups"])
		return str("user") + "/" + strings.Join(groups, "/"), "", missing(str("user"), strings.Join(groups, ""))
	case typeGroupMembership:
		return "", whyGroupMembership, nil
	case typeStackSetInst:
		if str("accountId") == "" {
			return "", whyServiceManagedInstance, nil
		}
		return handover.InstanceID(str("stackSetName"), str("accountId"), str("region")), "", missing(str("stackSetName"), str("region"))
	}
	if strings.HasPrefix(r.typ, "aws:ssoadmin/") || strings.HasPrefix(r.typ, "aws:identitystore/") {
		return "", whyIdentityCenter, nil
	}
	return "", "", fmt.Errorf("no import ID is known for type %s: add it to adopt/ids.go", r.typ)
}

func stringList(v resource.PropertyValue) []string {
	if !v.IsArray() {
		return nil
	}
	out := make([]string, 0, len(v.ArrayValue()))
	for _, e := range v.ArrayValue() {
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}
