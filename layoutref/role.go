package layoutref

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/contract"
)

// RoleDetail is one role placement as the roles output describes it.
type RoleDetail struct {
	// Account is the account's name in the layout.
	Account            string
	AccountID          string
	Arn                string
	Name               string
	Path               string
	MFARequired        bool
	Destructive        bool
	MaxSessionDuration int
}

// RoleDetailOutput is an output of a RoleDetail.
type RoleDetailOutput struct{ *pulumi.OutputState }

func init() {
	// Lets ApplyT return a RoleDetailOutput for functions yielding RoleDetail.
	pulumi.RegisterOutputType(RoleDetailOutput{})
}

// ElementType is RoleDetail.
func (RoleDetailOutput) ElementType() reflect.Type {
	return reflect.TypeOf((*RoleDetail)(nil)).Elem()
}

// Arn is the role's ARN.
func (o RoleDetailOutput) Arn() pulumi.StringOutput {
	return o.ApplyT(func(d RoleDetail) string { return d.Arn }).(pulumi.StringOutput)
}

// AccountID is the ID of the role's account.
func (o RoleDetailOutput) AccountID() pulumi.StringOutput {
	return o.ApplyT(func(d RoleDetail) string { return d.AccountID }).(pulumi.StringOutput)
}

// MFARequired tells whether assuming the role needs a recent MFA sign-in.
func (o RoleDetailOutput) MFARequired() pulumi.BoolOutput {
	return o.ApplyT(func(d RoleDetail) bool { return d.MFARequired }).(pulumi.BoolOutput)
}

// MaxSessionDuration is the role's longest session, in seconds.
func (o RoleDetailOutput) MaxSessionDuration() pulumi.IntOutput {
	return o.ApplyT(func(d RoleDetail) int { return d.MaxSessionDuration }).(pulumi.IntOutput)
}

// roleDetail decodes one entry of the roles output, reporting every bad
// field at once.
func roleDetail(v any, stack, account, path string) (RoleDetail, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return RoleDetail{}, fmt.Errorf("stack %s: output %s is %T, not an object", stack, path, v)
	}
	d := RoleDetail{Account: account}
	var errs []error
	field := func(key string) any {
		f, ok := m[key]
		if !ok {
			errs = append(errs, fmt.Errorf("stack %s: output %s has no field %s", stack, path, key))
		}
		return f
	}
	str := func(dst *string, key string) {
		if f := field(key); f != nil {
			s, err := asString(f, stack, path+"."+key)
			*dst = s
			errs = append(errs, err)
		}
	}
	boolean := func(dst *bool, key string) {
		if f := field(key); f != nil {
			b, err := asBool(f, stack, path+"."+key)
			*dst = b
			errs = append(errs, err)
		}
	}
	str(&d.AccountID, contract.RoleAccountID)
	str(&d.Arn, contract.RoleArn)
	str(&d.Name, contract.RoleName)
	str(&d.Path, contract.RolePath)
	boolean(&d.MFARequired, contract.RoleMFARequired)
	boolean(&d.Destructive, contract.RoleDestructive)
	if f := field(contract.RoleMaxSessionDuration); f != nil {
		n, err := asInt(f, stack, path+"."+contract.RoleMaxSessionDuration)
		d.MaxSessionDuration = n
		errs = append(errs, err)
	}
	return d, errors.Join(errs...)
}
