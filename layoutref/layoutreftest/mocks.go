// Package layoutreftest helps test programs that read an iam-layout stack
// with layoutref: Pulumi mocks whose StackReference reads return the given
// outputs, as the engine would.
package layoutreftest

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// StackReferenceType is the type token of a stack reference.
const StackReferenceType = "pulumi:pulumi:StackReference"

// Mocks answers StackReference reads from Stacks and hands every other
// resource and invoke to Other; with Other nil they fail, so a test notices
// anything its program was not expected to do.
type Mocks struct {
	// Stacks holds each referenced stack's outputs by stack name
	// ("org/project/stack"), as `pulumi stack output --json` shows them.
	Stacks map[string]map[string]any
	// Other answers everything that is not a stack reference.
	Other pulumi.MockResourceMonitor
}

// NewResource answers a StackReference read with the stack's name, outputs
// and secret output names (none): the state the engine gives one.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.TypeToken != StackReferenceType {
		if m.Other == nil {
			return "", nil, fmt.Errorf("unexpected resource %s %s", args.TypeToken, args.Name)
		}
		return m.Other.NewResource(args)
	}
	name := args.ID
	if name == "" {
		name = args.Name
	}
	outputs, ok := m.Stacks[name]
	if !ok {
		return "", nil, fmt.Errorf("reading stack reference %s: no such stack in the mocks", name)
	}
	return name, resource.PropertyMap{
		"name":              resource.NewStringProperty(name),
		"outputs":           resource.NewObjectProperty(resource.NewPropertyMapFromMap(outputs)),
		"secretOutputNames": resource.NewArrayProperty([]resource.PropertyValue{}),
	}, nil
}

// Call hands invokes to Other, or fails.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if m.Other == nil {
		return nil, fmt.Errorf("unexpected invoke %s", args.Token)
	}
	return m.Other.Call(args)
}
