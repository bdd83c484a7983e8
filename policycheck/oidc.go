package policycheck

import (
	"slices"
	"sort"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/intrinsics"

	"iam-layout/layout"
	"iam-layout/stacksets"
)

// CheckOIDCProviderStackSets reads the issuers' StackSet templates back as
// CloudFormation would and holds them to the layout: one StackSet per
// issuer, holding exactly one AWS::IAM::OIDCProvider of the issuer's URL,
// audiences and thumbprints, with one instance in each account whose
// workloads trust the issuer and in no other.
func CheckOIDCProviderStackSets(l *layout.Layout, sets []stacksets.ProviderStackSet) error {
	c := &checker{l: l}
	byName := map[string]*stacksets.ProviderStackSet{}
	for i := range sets {
		byName[sets[i].Name] = &sets[i]
	}
	for _, iss := range l.Issuers {
		name := "StackSet " + iss.StackSetName
		ps := byName[iss.StackSetName]
		if ps == nil {
			c.fail(name, "", "is missing: issuer %s has providers in %d accounts", iss.URL, len(iss.Providers))
			continue
		}
		delete(byName, iss.StackSetName)
		c.providerStackSet(name, iss, ps)
	}
	for n := range byName {
		c.fail("StackSet "+n, "", "delivers an OIDC provider no workload trusts")
	}
	if len(c.violations) > 0 {
		return &Error{Violations: c.violations}
	}
	return nil
}

func (c *checker) providerStackSet(name string, iss *layout.Issuer, ps *stacksets.ProviderStackSet) {
	if len(ps.Template) > stacksets.MaxTemplateBody {
		c.fail(name, "", "template is %d bytes, over CloudFormation's %d", len(ps.Template), stacksets.MaxTemplateBody)
	}
	t, err := parseTemplate([]byte(ps.Template))
	if err != nil {
		c.fail(name, ps.Template, "template does not parse: %v", err)
		return
	}
	if len(t.Resources) != 1 {
		c.fail(name, ps.Template, "template holds %d resources, want exactly the OIDC provider", len(t.Resources))
	}
	p, err := t.GetIAMOIDCProviderWithName(stacksets.OIDCProviderLogicalID)
	if err != nil {
		c.fail(name, ps.Template, "template has no AWS::IAM::OIDCProvider %q: %v", stacksets.OIDCProviderLogicalID, err)
		return
	}
	if got := deref(p.Url); got != iss.URL {
		c.fail(name, ps.Template, "provider URL is %q, the issuer is %q", got, iss.URL)
	}
	var audiences []string
	for _, pr := range iss.Providers {
		for _, id := range pr.ClientIDs {
			if !slices.Contains(audiences, id) {
				audiences = append(audiences, id)
			}
		}
	}
	sort.Strings(audiences)
	if got := sortedStrings(p.ClientIdList); !slices.Equal(got, audiences) {
		c.fail(name, ps.Template, "provider accepts the audiences %v, the issuer's workloads use %v", got, audiences)
	}
	if got := sortedStrings(p.ThumbprintList); !slices.Equal(got, iss.Thumbprints) && !(len(got) == 0 && len(iss.Thumbprints) == 0) {
		c.fail(name, ps.Template, "provider has the thumbprints %v, declared %v", got, iss.Thumbprints)
	}
	want := map[string]bool{}
	for _, pr := range iss.Providers {
		want[pr.Account.Name] = true
	}
	seen := map[string]int{}
	for _, in := range ps.Instances {
		if in.Account == nil {
			c.fail(name, "", "has instance %s without an account", in.Key)
			continue
		}
		if !want[in.Account.Name] {
			c.fail(name, "", "has an instance in account %s, where no workload trusts %s", in.Account.Name, iss.URL)
		}
		seen[in.Account.Name]++
	}
	for account := range want {
		if seen[account] != 1 {
			c.fail(name, "", "has %d instances in account %s, want 1", seen[account], account)
		}
	}
}

// parseTemplate reads a template as CloudFormation receives it. goformation
// would otherwise resolve intrinsic functions itself, putting a placeholder
// account ID (123456789012) where ${AWS::AccountId} stands, which
// CloudFormation resolves per account.
func parseTemplate(body []byte) (*cloudformation.Template, error) {
	return goformation.ParseJSONWithOptions(body, &intrinsics.ProcessorOptions{NoProcess: true})
}
