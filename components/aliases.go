package components

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// formerNames returns an Aliases option naming the resource as it was
// called under each former name of its account, group or user key, so a
// renamed key re-labels resources instead of replacing them. Child URNs
// hold their parent's type but not its name, so only the name is aliased.
func formerNames(formers []string, name func(former string) string) []pulumi.ResourceOption {
	if len(formers) == 0 {
		return nil
	}
	aliases := make([]pulumi.Alias, len(formers))
	for i, f := range formers {
		aliases[i] = pulumi.Alias{Name: pulumi.String(name(f))}
	}
	return []pulumi.ResourceOption{pulumi.Aliases(aliases)}
}

// Renamed is the option a component takes when its key had former names.
func Renamed(formers []string) []pulumi.ResourceOption {
	return formerNames(formers, func(f string) string { return f })
}

// with returns opts followed by more, without touching opts' backing array
// (it is shared by sibling resources).
func with(opts []pulumi.ResourceOption, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	out := make([]pulumi.ResourceOption, 0, len(opts)+len(more))
	return append(append(out, opts...), more...)
}
