package layoutref

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"iam-layout/contract"
	"iam-layout/layoutref/layoutreftest"
)

const orgStack = "acme/iam-layout/dev"

// seedOutputs are a dev stack's outputs as a consumer reads them (numbers
// arrive as float64).
func seedOutputs() map[string]any {
	return map[string]any{
		contract.VersionKey:         float64(contract.Version),
		contract.MasterAccountIDKey: "012345678901",
		contract.RoleArnsKey: map[string]any{
			"production": map[string]any{
				"AlfieReadOnly":         "arn:aws:iam::123456789012:role/AlfieReadOnly",
				"AlfieDatabaseShutdown": "arn:aws:iam::123456789012:role/AlfieDatabaseShutdown",
			},
			"qa": map[string]any{"AlfieDeployment": "arn:aws:iam::234567890123:role/AlfieDeployment"},
		},
		contract.RolesKey: map[string]any{
			"production": map[string]any{
				"AlfieDatabaseShutdown": map[string]any{
					contract.RoleAccountID:          "123456789012",
					contract.RoleArn:                "arn:aws:iam::123456789012:role/AlfieDatabaseShutdown",
					contract.RoleName:               "AlfieDatabaseShutdown",
					contract.RolePath:               "/",
					contract.RoleMFARequired:        true,
					contract.RoleDestructive:        true,
					contract.RoleMaxSessionDuration: float64(3600),
				},
			},
		},
	}
}

// resolve runs a program that references orgStack (with the given outputs)
// and returns what get's output resolved to, or its error.
func resolve(t *testing.T, outputs map[string]any, get func(*pulumi.StackReference) pulumi.Output) (any, error) {
	t.Helper()
	var value any
	var outErr error
	mocks := &layoutreftest.Mocks{Stacks: map[string]map[string]any{orgStack: outputs}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		ref, err := pulumi.NewStackReference(ctx, orgStack, nil)
		if err != nil {
			return err
		}
		res, err := internals.UnsafeAwaitOutput(ctx.Context(), get(ref))
		value, outErr = res.Value, err
		return nil
	}, pulumi.WithMocks("consumer", "test", mocks))
	if err != nil {
		t.Fatalf("program failed: %v", err)
	}
	return value, outErr
}

func TestRoleArnResolvesTheARNOfTheRoleInTheAccount(t *testing.T) {
	t.Parallel()
	got, err := resolve(t, seedOutputs(), func(ref *pulumi.StackReference) pulumi.Output {
		return RoleArn(ref, "qa", "AlfieDeployment")
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:iam::234567890123:role/AlfieDeployment"; got != want {
		t.Errorf("RoleArn = %v, want %s", got, want)
	}
}

func TestRoleDecodesEveryFieldOfTheRolesOutput(t *testing.T) {
	t.Parallel()
	got, err := resolve(t, seedOutputs(), func(ref *pulumi.StackReference) pulumi.Output {
		return Role(ref, "production", "AlfieDatabaseShutdown")
	})
	if err != nil {
		t.Fatal(err)
	}
	want := RoleDetail{
		Account:            "production",
		AccountID:          "123456789012",
		Arn:                "arn:aws:iam::123456789012:role/AlfieDatabaseShutdown",
		Name:               "AlfieDatabaseShutdown",
		Path:               "/",
		MFARequired:        true,
		Destructive:        true,
		MaxSessionDuration: 3600,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Role = %+v\nwant %+v", got, want)
	}
}

func TestRoleDetailAccessorsReadTheirField(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		get  func(RoleDetailOutput) pulumi.Output
		want any
	}{
		"Arn":                {func(o RoleDetailOutput) pulumi.Output { return o.Arn() }, "arn:aws:iam::123456789012:role/AlfieDatabaseShutdown"},
		"AccountID":          {func(o RoleDetailOutput) pulumi.Output { return o.AccountID() }, "123456789012"},
		"MFARequired":        {func(o RoleDetailOutput) pulumi.Output { return o.MFARequired() }, true},
		"MaxSessionDuration": {func(o RoleDetailOutput) pulumi.Output { return o.MaxSessionDuration() }, 3600},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := resolve(t, seedOutputs(), func(ref *pulumi.StackReference) pulumi.Output {
				return tc.get(Role(ref, "production", "AlfieDatabaseShutdown"))
			})
			if err != nil || got != tc.want {
				t.Errorf("%s = %v, %v; want %v", name, got, err, tc.want)
			}
		})
	}
}

func TestMasterAccountIDAndVersionResolveFromTheirOutputs(t *testing.T) {
	t.Parallel()
	got, err := resolve(t, seedOutputs(), func(ref *pulumi.StackReference) pulumi.Output { return MasterAccountID(ref) })
	if err != nil || got != "012345678901" {
		t.Errorf("MasterAccountID = %v, %v", got, err)
	}
	got, err = resolve(t, seedOutputs(), func(ref *pulumi.StackReference) pulumi.Output { return Version(ref) })
	if err != nil || got != contract.Version {
		t.Errorf("Version = %v, %v", got, err)
	}
}

func TestMissingKeysFailTheOutputNamingTheKeyAndWhatExists(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		edit func(map[string]any)
		get  func(*pulumi.StackReference) pulumi.Output
		want []string
	}{
		"unknown account": {
			get:  func(ref *pulumi.StackReference) pulumi.Output { return RoleArn(ref, "staging", "AlfieDeployment") },
			want: []string{orgStack, `output roleArns has no account "staging"`, "(accounts: production, qa)"},
		},
		"unknown role": {
			get:  func(ref *pulumi.StackReference) pulumi.Output { return RoleArn(ref, "production", "AlfieAdmin") },
			want: []string{`output roleArns has no role "AlfieAdmin" in account "production"`, "(roles there: AlfieDatabaseShutdown, AlfieReadOnly)"},
		},
		"role detail of an unknown role": {
			get:  func(ref *pulumi.StackReference) pulumi.Output { return Role(ref, "production", "AlfieReadOnlyy") },
			want: []string{`output roles has no role "AlfieReadOnlyy" in account "production"`, "(roles there: AlfieDatabaseShutdown)"},
		},
		"no roleArns output": {
			edit: func(o map[string]any) { delete(o, contract.RoleArnsKey) },
			get:  func(ref *pulumi.StackReference) pulumi.Output { return RoleArn(ref, "qa", "AlfieDeployment") },
			want: []string{"has no output roleArns", "(outputs: contractVersion, masterAccountId, roles)"},
		},
		"a role detail field missing": {
			edit: func(o map[string]any) {
				delete(o[contract.RolesKey].(map[string]any)["production"].(map[string]any)["AlfieDatabaseShutdown"].(map[string]any), contract.RoleArn)
			},
			get: func(ref *pulumi.StackReference) pulumi.Output {
				return Role(ref, "production", "AlfieDatabaseShutdown")
			},
			want: []string{"output roles.production.AlfieDatabaseShutdown has no field arn"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			outputs := seedOutputs()
			if tc.edit != nil {
				tc.edit(outputs)
			}
			got, err := resolve(t, outputs, tc.get)
			if err == nil {
				t.Fatalf("resolved to %v, want an error", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not say %q", err, w)
				}
			}
		})
	}
}

func TestAnotherContractVersionFailsEveryAccessor(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		version any
		want    string
	}{
		"newer":     {float64(contract.Version + 1), "has output contract version 2, this consumer reads version 1"},
		"absent":    {nil, "has no output contractVersion: is it an iam-layout stack"},
		"not whole": {1.5, "output contractVersion is 1.5, not a whole number"},
	}
	accessors := map[string]func(*pulumi.StackReference) pulumi.Output{
		"RoleArn": func(ref *pulumi.StackReference) pulumi.Output { return RoleArn(ref, "qa", "AlfieDeployment") },
		"Role": func(ref *pulumi.StackReference) pulumi.Output {
			return Role(ref, "production", "AlfieDatabaseShutdown")
		},
		"MasterAccountID": func(ref *pulumi.StackReference) pulumi.Output { return MasterAccountID(ref) },
		"Version":         func(ref *pulumi.StackReference) pulumi.Output { return Version(ref) },
	}
	for name, tc := range cases {
		for accessor, get := range accessors {
			t.Run(name+"/"+accessor, func(t *testing.T) {
				t.Parallel()
				outputs := seedOutputs()
				delete(outputs, contract.VersionKey)
				if tc.version != nil {
					outputs[contract.VersionKey] = tc.version
				}
				got, err := resolve(t, outputs, get)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("got %v, %v; want an error saying %q", got, err, tc.want)
				}
			})
		}
	}
}
