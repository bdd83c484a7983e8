package program

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"iam-layout/contract"
	"iam-layout/layout"
	"iam-layout/profiles"
)

// exportProfiles exports what people and tools need to use the layout. The
// values are plain strings computed from the layout, not from the created
// resources: role ARNs follow from account, path and name, and the offline
// command (cmd/iam-layout) must print the very same bytes without deploying.
func exportProfiles(ctx *pulumi.Context, l *layout.Layout) {
	// The stack's region is the profiles' last fallback, as it is the
	// providers' (see readAWSSettings).
	r := profiles.Render(l, config.New(ctx, "aws").Get(awsRegion))
	ctx.Export(contract.AWSConfigKey, pulumi.String(r.AWSConfig))
	ctx.Export(contract.AWSConfigByUserKey, pulumi.ToStringMap(r.AWSConfigByUser))
	ctx.Export(contract.AWSConfigureCommandsKey, pulumi.String(r.ConfigureCommands))
	ctx.Export(contract.AWSConfigureCommandsByUserKey, pulumi.ToStringMap(r.ConfigureCommandsByUser))
	ctx.Export(contract.SwitchRoleURLsKey, pulumi.ToStringMapMap(r.SwitchRoleURLs))
	ctx.Export(contract.ExtendSwitchRolesConfigKey, pulumi.String(r.ExtendSwitchRolesConfig))
	ctx.Export(contract.ConsoleExclusionsKey, exclusionsOutput(r.ConsoleExclusions))
	ctx.Export(contract.AccessMatrixKey, pulumi.String(r.AccessMatrix))
	ctx.Export(contract.AccessMatrixMermaidKey, pulumi.String(r.AccessMatrixMermaid))
}

func exclusionsOutput(byAccount map[string]map[string][]string) pulumi.Map {
	out := make(pulumi.Map, len(byAccount))
	for account, roles := range byAccount {
		m := make(pulumi.Map, len(roles))
		for role, reasons := range roles {
			m[role] = pulumi.ToStringArray(reasons)
		}
		out[account] = m
	}
	return out
}
