// Command consumer is an example of another stack using the iam-layout
// stack's outputs: it reads a role with package layoutref and reaches that
// role's account through an explicit AWS provider that assumes it, with the
// stack's own aws: settings carried over by package awsprovider. The only
// thing it does there is ask STS who it is, so `pulumi up` changes nothing.
package main

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"iam-layout/awsprovider"
	"iam-layout/layoutref"
)

// Config keys and defaults (documented in Pulumi.yaml).
const (
	keyOrganizationStack = "organizationStack"
	keyAccount           = "account"
	keyRole              = "role"
	defaultAccount       = "qa"
	defaultRole          = "AlfieDeployment"
	// sessionName shows in the child account's CloudTrail who assumed the
	// role.
	sessionName = "iam-layout-consumer"
)

func main() {
	pulumi.Run(run)
}

func run(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	orgStack := cfg.Get(keyOrganizationStack)
	if orgStack == "" {
		return errors.New("config organizationStack is required: the iam-layout stack to read, e.g. organization/iam-layout/dev")
	}
	account := orDefault(cfg.Get(keyAccount), defaultAccount)
	roleName := orDefault(cfg.Get(keyRole), defaultRole)
	// Explicit providers inherit none of the stack's aws: settings: carry
	// them over (region, profile, credentials, endpoints, skip flags...), or
	// a stack pointed at LocalStack would reach real AWS through this one.
	// Read first, so a malformed one stops the run before anything exists.
	settings, err := awsprovider.Read(ctx)
	if err != nil {
		return err
	}

	ref, err := pulumi.NewStackReference(ctx, orgStack, nil)
	if err != nil {
		return fmt.Errorf("referencing stack %s: %w", orgStack, err)
	}
	// Pulumi's AWS provider cannot prompt for an MFA code (pulumi-aws
	// #1366): refuse an MFA role with a clear error instead of an
	// AccessDenied from STS.
	roleArn := layoutref.Role(ref, account, roleName).ApplyT(func(d layoutref.RoleDetail) (string, error) {
		if d.MFARequired {
			return "", fmt.Errorf("role %s/%s requires MFA, which a Pulumi provider cannot prompt for: use a role without MFA", account, roleName)
		}
		return d.Arn, nil
	}).(pulumi.StringOutput)

	args := settings.AssumingRole(roleArn, sessionName)
	provider, err := aws.NewProvider(ctx, account, args)
	if err != nil {
		return fmt.Errorf("creating provider for account %s: %w", account, err)
	}
	identity := aws.GetCallerIdentityOutput(ctx, aws.GetCallerIdentityOutputArgs{}, pulumi.Provider(provider))

	ctx.Export("roleArn", roleArn)
	ctx.Export("callerArn", identity.Arn())
	ctx.Export("accountId", identity.AccountId())
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
