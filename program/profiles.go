package program

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"iam-layout/awssettings"
	"iam-layout/contract"
	"iam-layout/layout"
	"iam-layout/profiles"
)

// perUserOutputWarning is the size of the per-user outputs past which the
// program suggests turning them off: stack outputs live in the state file,
// which every `pulumi up` reads and writes whole.
const perUserOutputWarning = 4 << 20

// renderProfiles starts rendering what people and tools need to use the
// layout and returns a function that waits for it. The values are plain
// strings computed from the layout, not from the created resources: role
// ARNs follow from account, path and name, and the offline command
// (cmd/iam-layout) must print the very same bytes without deploying. Being
// independent of the documents and the resources, they are rendered while
// the documents are built and checked, on a core that work leaves free,
// and while the resources are registered (docs/scale.md).
func renderProfiles(ctx *pulumi.Context, l *layout.Layout) func() *profiles.Rendered {
	// The stack's region is the profiles' last fallback, as it is the
	// providers' (see readAWSSettings).
	region := config.New(ctx, awssettings.Namespace).Get(awssettings.KeyRegion)
	done := make(chan *profiles.Rendered, 1)
	go func() {
		if l.Profiles.PerUserOutputs {
			done <- profiles.Render(l, region)
		} else {
			done <- profiles.RenderShared(l, region)
		}
	}()
	return func() *profiles.Rendered { return <-done }
}

// exportProfiles exports the renderings of renderProfiles.
func exportProfiles(ctx *pulumi.Context, l *layout.Layout, r *profiles.Rendered) error {
	// Without IAM access there is no IAM role to profile: the IAM
	// renderings are not exported at all rather than exported empty.
	if l.IAMAccess() {
		ctx.Export(contract.AWSConfigKey, pulumi.String(r.AWSConfig))
		ctx.Export(contract.AWSConfigureCommandsKey, pulumi.String(r.ConfigureCommands))
		ctx.Export(contract.SwitchRoleURLsKey, pulumi.ToStringMapMap(r.SwitchRoleURLs))
		ctx.Export(contract.ExtendSwitchRolesConfigKey, pulumi.String(r.ExtendSwitchRolesConfig))
		ctx.Export(contract.ConsoleExclusionsKey, exclusionsOutput(r.ConsoleExclusions))
	}
	if l.IdentityCenterAccess() {
		ctx.Export(contract.SSOConfigKey, pulumi.String(r.SSOConfig))
		ctx.Export(contract.SSOConsoleURLsKey, pulumi.ToStringMapMap(r.SSOConsoleURLs))
	}
	if !l.Profiles.PerUserOutputs {
		return nil
	}
	if l.IAMAccess() {
		ctx.Export(contract.AWSConfigByUserKey, pulumi.ToStringMap(r.AWSConfigByUser))
		ctx.Export(contract.AWSConfigureCommandsByUserKey, pulumi.ToStringMap(r.ConfigureCommandsByUser))
	}
	if l.IdentityCenterAccess() {
		ctx.Export(contract.SSOConfigByUserKey, pulumi.ToStringMap(r.SSOConfigByUser))
	}
	ctx.Export(contract.AccessMatrixKey, pulumi.String(r.AccessMatrix))
	ctx.Export(contract.AccessMatrixMermaidKey, pulumi.String(r.AccessMatrixMermaid))
	if size := r.PerUserSize(); size > perUserOutputWarning {
		return ctx.Log.Warn(fmt.Sprintf("the per-user outputs hold %d MB of text, all of it in the stack's state: set profiles.perUserOutputs to false and hand people their profiles with `go run ./cmd/iam-layout profiles --stack %s --user NAME`", size>>20, ctx.Stack()), nil)
	}
	return nil
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
