package program

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/components"
	"iam-layout/contract"
	"iam-layout/layout"
)

// sharedGroups reads, for every group this stack grants to but another stack
// owns, the group's name and ARN from the owning stack's outputs. One
// StackReference per owning stack.
func sharedGroups(ctx *pulumi.Context, l *layout.Layout) (map[string]*components.SharedGroup, error) {
	refs := map[string]*pulumi.StackReference{}
	out := map[string]*components.SharedGroup{}
	for _, g := range l.Groups {
		if g.ManagedBy == "" {
			continue
		}
		ref, ok := refs[g.ManagedBy]
		if !ok {
			var err error
			if ref, err = pulumi.NewStackReference(ctx, g.ManagedBy, nil); err != nil {
				return nil, fmt.Errorf("reading the outputs of stack %s: %w", g.ManagedBy, err)
			}
			refs[g.ManagedBy] = ref
		}
		field := func(key string) pulumi.StringOutput {
			return sharedGroupField(ref.GetOutput(pulumi.String(contract.GroupsKey)), g.ManagedBy, g.Name, key)
		}
		out[g.Name] = &components.SharedGroup{Name: field(contract.GroupName), Arn: field(contract.GroupArn)}
	}
	return out, nil
}

// sharedGroupField picks one field of one group from a stack's `groups`
// output. The Apply only extracts data; every decision about the graph was
// made from the configuration.
func sharedGroupField(groups pulumi.AnyOutput, stack, group, key string) pulumi.StringOutput {
	return groups.ApplyT(func(v any) (string, error) {
		all, ok := v.(map[string]any)
		if !ok {
			return "", fmt.Errorf("stack %s exports no %q output: is it an iam-layout stack that has been deployed?", stack, contract.GroupsKey)
		}
		entry, ok := all[group].(map[string]any)
		if !ok {
			names := make([]string, 0, len(all))
			for name := range all {
				names = append(names, name)
			}
			sort.Strings(names)
			return "", fmt.Errorf("stack %s has no group %q (it has: %s)", stack, group, strings.Join(names, ", "))
		}
		value, ok := entry[key].(string)
		if !ok || value == "" {
			return "", fmt.Errorf("stack %s exports group %q without %q: update that stack first", stack, group, key)
		}
		return value, nil
	}).(pulumi.StringOutput)
}
