// Package layoutref reads an iam-layout stack's outputs from another stack,
// typed, through a *pulumi.StackReference. Every accessor first checks the
// referenced stack's contract version against contract.Version, and a
// missing account or role fails the output with an error that names it and
// lists what the stack does have: a consumer never gets an empty ARN.
package layoutref

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/contract"
)

// Version resolves to the referenced stack's contract version, and fails
// unless it is the one this package reads (contract.Version).
func Version(ref *pulumi.StackReference) pulumi.IntOutput {
	return read(ref, func(o outputs) (int, error) {
		return contract.Version, nil
	}).(pulumi.IntOutput)
}

// MasterAccountID resolves to the management account's ID.
func MasterAccountID(ref *pulumi.StackReference) pulumi.StringOutput {
	return read(ref, func(o outputs) (string, error) {
		v, ok := o.values[contract.MasterAccountIDKey]
		if !ok {
			return "", o.missingOutput(contract.MasterAccountIDKey)
		}
		return asString(v, o.stack, contract.MasterAccountIDKey)
	}).(pulumi.StringOutput)
}

// RoleArn resolves to the ARN of role in account, from the roleArns output.
func RoleArn(ref *pulumi.StackReference, account, role string) pulumi.StringOutput {
	return read(ref, func(o outputs) (string, error) {
		v, err := o.role(contract.RoleArnsKey, account, role)
		if err != nil {
			return "", err
		}
		return asString(v, o.stack, contract.RoleArnsKey+"."+account+"."+role)
	}).(pulumi.StringOutput)
}

// Role resolves to the details of role in account, from the roles output.
func Role(ref *pulumi.StackReference, account, role string) RoleDetailOutput {
	return read(ref, func(o outputs) (RoleDetail, error) {
		v, err := o.role(contract.RolesKey, account, role)
		if err != nil {
			return RoleDetail{}, err
		}
		return roleDetail(v, o.stack, account, contract.RolesKey+"."+account+"."+role)
	}).(RoleDetailOutput)
}

// outputs is one reading of the referenced stack.
type outputs struct {
	stack  string
	values map[string]any
}

// read applies get to the referenced stack's outputs once its contract
// version is known to match. One apply over name and outputs together: the
// decision and the value come from the same reading.
func read[T any](ref *pulumi.StackReference, get func(outputs) (T, error)) pulumi.Output {
	return pulumi.All(ref.Name, ref.Outputs).ApplyT(func(args []any) (T, error) {
		var zero T
		stack, _ := args[0].(string)
		values, ok := args[1].(map[string]any)
		if !ok {
			return zero, fmt.Errorf("reading stack %s: its outputs are %T, not an object", stack, args[1])
		}
		o := outputs{stack: stack, values: values}
		if err := o.checkVersion(); err != nil {
			return zero, err
		}
		return get(o)
	})
}

func (o outputs) checkVersion() error {
	v, ok := o.values[contract.VersionKey]
	if !ok {
		return fmt.Errorf("stack %s has no output %s: is it an iam-layout stack, deployed? (outputs: %s)", o.stack, contract.VersionKey, keys(o.values))
	}
	n, err := asInt(v, o.stack, contract.VersionKey)
	if err != nil {
		return err
	}
	if n != contract.Version {
		return fmt.Errorf("stack %s has output contract version %d, this consumer reads version %d: update iam-layout/layoutref to the stack's version", o.stack, n, contract.Version)
	}
	return nil
}

func (o outputs) missingOutput(key string) error {
	return fmt.Errorf("stack %s has no output %s (outputs: %s)", o.stack, key, keys(o.values))
}

// role finds {account: {role: value}}[account][role] in an output.
func (o outputs) role(key, account, role string) (any, error) {
	v, ok := o.values[key]
	if !ok {
		return nil, o.missingOutput(key)
	}
	accounts, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("stack %s: output %s is %T, not {account: {role: ...}}", o.stack, key, v)
	}
	inAccount, ok := accounts[account]
	if !ok {
		return nil, fmt.Errorf("stack %s: output %s has no account %q (accounts: %s)", o.stack, key, account, keys(accounts))
	}
	roles, ok := inAccount.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("stack %s: output %s.%s is %T, not {role: ...}", o.stack, key, account, inAccount)
	}
	r, ok := roles[role]
	if !ok {
		return nil, fmt.Errorf("stack %s: output %s has no role %q in account %q (roles there: %s)", o.stack, key, role, account, keys(roles))
	}
	return r, nil
}

func keys(m map[string]any) string {
	if len(m) == 0 {
		return "none"
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func asString(v any, stack, path string) (string, error) {
	s, ok := v.(string)
	if !ok || s == "" {
		return "", fmt.Errorf("stack %s: output %s is %#v, not a non-empty string", stack, path, v)
	}
	return s, nil
}

// asInt accepts the float64 that outputs carry numbers as, when whole.
func asInt(v any, stack, path string) (int, error) {
	switch n := v.(type) {
	case float64:
		if n == float64(int(n)) {
			return int(n), nil
		}
	case int:
		return n, nil
	}
	return 0, fmt.Errorf("stack %s: output %s is %#v, not a whole number", stack, path, v)
}

func asBool(v any, stack, path string) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("stack %s: output %s is %#v, not true or false", stack, path, v)
	}
	return b, nil
}
