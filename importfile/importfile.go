// Package importfile holds the file `pulumi import --file` reads, and the
// URNs it names, without linking the Pulumi SDK: the offline command writes
// such files for resources that exist in AWS but not yet in a stack's state.
//
// The format is pulumi/pulumi's pkg/cmd/pulumi/import.go (importFile and
// importSpec; the same fields since Pulumi 3.x): a name table mapping names
// to the URNs of existing parents and providers, and the resources to import,
// each a type token, a logical name and the ID the provider's import takes.
// A resource's parent and provider name a name-table entry; a resource
// without a provider is imported through the default provider of its
// package. The engine gives each imported resource the URN a program
// registering it under that name and parent would get, which is what lets a
// later `pulumi up` of that program take it over with no change.
package importfile

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// File is the file `pulumi import --file` reads.
type File struct {
	// NameTable maps the names that Resource.Parent and Resource.Provider
	// use to the URNs of resources already in the stack's state.
	NameTable map[string]string `json:"nameTable,omitempty"`
	// Resources are the resources to import.
	Resources []Resource `json:"resources"`
}

// Resource is one resource to import.
type Resource struct {
	// Type is the resource's type token, e.g.
	// "aws:cloudformation/stackSetInstance:StackSetInstance".
	Type string `json:"type"`
	// Name is the logical name the program registers the resource under.
	Name string `json:"name"`
	// ID is what the provider's import reads the resource by; its format
	// is the resource type's own (its "Import" documentation).
	ID string `json:"id"`
	// Parent names the NameTable entry of the resource's parent; empty for
	// a resource registered directly under the stack.
	Parent string `json:"parent,omitempty"`
	// Provider names the NameTable entry of an explicit provider; empty
	// for the default provider.
	Provider string `json:"provider,omitempty"`
	// Version pins the provider plugin's version; empty for the default.
	Version string `json:"version,omitempty"`
	// Properties lists the input properties to import with; empty means
	// the required ones.
	Properties []string `json:"properties,omitempty"`
}

// RootStackType is the type of the stack's own resource: resources
// registered without a parent are its children, and their URNs do not name
// it.
const RootStackType = "pulumi:pulumi:Stack"

// URN is the URN the engine gives a resource of type typ and logical name
// name, registered in project and stack under the resource whose URN is
// parent ("" for the stack itself): the parent's qualified type, a "$",
// then the resource's type, as pulumi/pulumi's resource.NewURN builds it.
func URN(stack, project, parent, typ, name string) string {
	qualified := typ
	if parent != "" {
		if pt := QualifiedType(parent); pt != "" && pt != RootStackType {
			qualified = pt + "$" + typ
		}
	}
	return "urn:pulumi:" + stack + "::" + project + "::" + qualified + "::" + name
}

// QualifiedType is a URN's qualified type: its type preceded by its
// ancestors' types, "$"-separated. It is "" when urn is not a URN.
func QualifiedType(urn string) string {
	parts, ok := split(urn)
	if !ok {
		return ""
	}
	return parts[2]
}

// Name is a URN's logical name ("" when urn is not a URN).
func Name(urn string) string {
	parts, ok := split(urn)
	if !ok {
		return ""
	}
	return parts[3]
}

// split cuts a URN into stack, project, qualified type and name. Stack,
// project and type tokens cannot hold "::", so the name, which may, is
// everything after the third separator.
func split(urn string) ([]string, bool) {
	rest, ok := strings.CutPrefix(urn, "urn:pulumi:")
	if !ok {
		return nil, false
	}
	parts := strings.SplitN(rest, "::", 4)
	if len(parts) != 4 {
		return nil, false
	}
	return parts, true
}

// Check reports what `pulumi import` would refuse in f: a resource without
// a type, name or ID, a parent or provider missing from the name table, two
// resources of one type and name under one parent, or a name-table entry
// that is not a URN. Every problem is reported.
func (f *File) Check() error {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(f.NameTable)) {
		if _, ok := split(f.NameTable[name]); !ok {
			problems = append(problems, fmt.Sprintf("nameTable.%s: %q is not a URN", name, f.NameTable[name]))
		}
	}
	seen := map[string]int{}
	for i, r := range f.Resources {
		at := fmt.Sprintf("resources[%d]", i)
		if r.Type == "" || r.Name == "" || r.ID == "" {
			problems = append(problems, fmt.Sprintf("%s: needs a type, a name and an ID (got %q, %q, %q)", at, r.Type, r.Name, r.ID))
		}
		for _, ref := range [][2]string{{"parent", r.Parent}, {"provider", r.Provider}} {
			if _, ok := f.NameTable[ref[1]]; ref[1] != "" && !ok {
				problems = append(problems, fmt.Sprintf("%s: %s %q is not in the name table", at, ref[0], ref[1]))
			}
		}
		key := f.NameTable[r.Parent] + "|" + r.Type + "|" + r.Name
		if j, dup := seen[key]; dup {
			problems = append(problems, fmt.Sprintf("%s: same type, name and parent as resources[%d]", at, j))
		}
		seen[key] = i
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid import file:\n  - %s", strings.Join(problems, "\n  - "))
	}
	return nil
}
