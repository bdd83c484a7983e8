package tests

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"iam-layout/contract"
	"iam-layout/layout"
	"iam-layout/layoutref"
	"iam-layout/layoutref/layoutreftest"
)

// consumerStack is how another stack names the organization stack.
const consumerStack = "organization/iam-layout/dev"

// readAsConsumer runs a consumer program whose StackReference returns
// outputs, and returns what get resolved to, or its error.
func readAsConsumer(t *testing.T, outputs map[string]any, get func(*pulumi.StackReference) pulumi.Output) (any, error) {
	t.Helper()
	var value any
	var outErr error
	mocks := &layoutreftest.Mocks{Stacks: map[string]map[string]any{consumerStack: outputs}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		ref, err := pulumi.NewStackReference(ctx, consumerStack, nil)
		if err != nil {
			return err
		}
		res, err := internals.UnsafeAwaitOutput(context.Background(), get(ref))
		value, outErr = res.Value, err
		return nil
	}, pulumi.WithMocks("consumer", "test", mocks))
	if err != nil {
		t.Fatalf("consumer program failed: %v", err)
	}
	return value, outErr
}

// The program's real outputs, read back through layoutref: the contract the
// program writes is the one the consumer package reads.
func TestLayoutrefReadsEveryRoleTheProgramExports(t *testing.T) {
	t.Parallel()
	cfg := devConfig(t)
	res := mustRun(t, cfg)
	l, err := layout.Load([]byte(cfg[project+":organization"]))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range l.Roles {
		t.Run(r.Key(), func(t *testing.T) {
			t.Parallel()
			arn, err := readAsConsumer(t, res.Exports, func(ref *pulumi.StackReference) pulumi.Output {
				return layoutref.RoleArn(ref, r.Account.Name, r.Name)
			})
			if err != nil || arn != r.ARN {
				t.Errorf("RoleArn = %v, %v; want %s", arn, err, r.ARN)
			}
			detail, err := readAsConsumer(t, res.Exports, func(ref *pulumi.StackReference) pulumi.Output {
				return layoutref.Role(ref, r.Account.Name, r.Name)
			})
			want := layoutref.RoleDetail{
				Account: r.Account.Name, AccountID: r.Account.ID, Arn: r.ARN, Name: r.Name, Path: r.Path,
				MFARequired: r.RequireMFA, Destructive: r.Destructive, MaxSessionDuration: r.MaxSessionDuration,
			}
			if err != nil || detail != want {
				t.Errorf("Role = %+v, %v\nwant %+v", detail, err, want)
			}
		})
	}
	t.Run("missing role", func(t *testing.T) {
		t.Parallel()
		_, err := readAsConsumer(t, res.Exports, func(ref *pulumi.StackReference) pulumi.Output {
			return layoutref.RoleArn(ref, "production", "AlfieFullAccess")
		})
		want := `output ` + contract.RoleArnsKey + ` has no role "AlfieFullAccess" in account "production" (roles there: AlfieDatabaseShutdown, AlfieReadOnly)`
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v\nwant it to say %s", err, want)
		}
	})
}
