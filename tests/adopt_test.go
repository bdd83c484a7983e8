package tests

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"iam-layout/adopt"
	"iam-layout/importfile"
	"iam-layout/stackfile"
	"iam-layout/synthetic"
)

// TestTheImportPlanNamesEveryResourceAsTheProgramRegistersIt holds the
// offline import plan to the program run under the strict mocks: every
// custom resource the program registers is either in the import file, with
// the same URN (type, name and parent) and its explicit provider, or in
// the skipped list with a reason; every provider, component and stack
// reference is a target to create first; and every ID has its type's
// import format, computed from what the mocks' AWS made of the inputs.
func TestTheImportPlanNamesEveryResourceAsTheProgramRegistersIt(t *testing.T) {
	t.Parallel()
	stackFile := func(name string) map[string]string {
		cfg, err := stackfile.Read("..", name)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	cases := map[string]map[string]string{
		"dev (providers)":          devConfig(t),
		"dev (stackSets)":          stackSetsDev(t, nil),
		"shipped stackSets stack":  stackFile("stacksets"),
		"shipped Identity Center":  stackFile("sso"),
		"shipped CI workloads":     ciConfig(t, "providers", nil),
		"CI workloads (stackSets)": ciConfig(t, "stackSets", nil),
		"removeMembersOnDelete": mutate(t, func(org map[string]any) {
			obj(org, "groups", "alfie-developers")["removeMembersOnDelete"] = true
		}),
		"60 generated accounts": withOrganization(specJSON(withPerUserOutputs(benchOrganization(60), false))),
		"60 generated accounts by StackSets": withOrganization(specJSON(withPerUserOutputs(
			synthetic.Organization(synthetic.Options{Accounts: 60, Groups: 5, Users: 20, Delivery: "stackSets"}), false))),
	}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			plan, err := adopt.Build(adopt.DefaultOrganization, project, stack, cfg)
			if err != nil {
				t.Fatal(err)
			}
			res := mustRun(t, cfg)
			registered := map[string]recorded{}
			var targets []string
			for _, r := range res.Resources {
				if !r.Custom || r.Type == typeStackReference || strings.HasPrefix(r.Type, "pulumi:providers:") {
					targets = append(targets, r.URN)
					continue
				}
				registered[r.URN] = r
			}
			sort.Strings(targets)
			if got := slices.Sorted(slices.Values(plan.Targets)); !slices.Equal(got, targets) {
				t.Errorf("targets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(targets, "\n"))
			}
			seen := map[string]bool{}
			for _, s := range plan.Skipped {
				if _, ok := registered[s.URN]; !ok || s.Reason == "" {
					t.Errorf("skipped %s (%q) is not a registered resource, or has no reason", s.URN, s.Reason)
				}
				seen[s.URN] = true
			}
			for _, f := range plan.File.Resources {
				urn := importfile.URN(stack, project, plan.File.NameTable[f.Parent], f.Type, f.Name)
				r, ok := registered[urn]
				switch {
				case !ok:
					t.Errorf("the file imports %s, which the program does not register", urn)
					continue
				case seen[urn]:
					t.Errorf("%s is both imported and skipped, or imported twice", urn)
				}
				seen[urn] = true
				if provider := plan.File.NameTable[f.Provider]; provider != providerURN(res, r) {
					t.Errorf("%s: provider %q, the program's %q", urn, provider, providerURN(res, r))
				}
				if want := expectedImportID(t, r); f.ID != want {
					t.Errorf("%s: ID %q, want %q", urn, f.ID, want)
				}
			}
			for urn := range registered {
				if !seen[urn] {
					t.Errorf("%s is neither imported nor skipped", urn)
				}
			}
			if err := plan.File.Check(); err != nil {
				t.Error(err)
			}
		})
	}
}

// providerURN is the URN of the explicit provider a resource was
// registered with ("" for the default provider).
func providerURN(res *result, r recorded) string {
	if r.ProviderID == "" {
		return ""
	}
	for _, p := range res.ofType(typeProvider) {
		if p.Name == strings.TrimPrefix(r.ProviderID, "provider-") {
			return p.URN
		}
	}
	return "unknown provider " + r.ProviderID
}

// expectedImportID is the import ID of a registered resource in its type's
// documented format (the "Import" sections of pulumi-aws v6.83.4), from the
// inputs and from the ARNs the mocks' AWS computed.
func expectedImportID(t *testing.T, r recorded) string {
	t.Helper()
	switch r.Type {
	case typeRole, typeGroup, typeUser, typeStackSet:
		return r.str("name")
	case typeRolePolicy:
		return r.str("role") + ":" + r.str("name")
	case typeRoleAttachment:
		return r.str("role") + "/" + r.str("policyArn")
	case typeGroupAttachment:
		return r.str("group") + "/" + r.str("policyArn")
	case typePolicy, typeOIDCProvider:
		return r.State["arn"].StringValue()
	case typeUserMembership:
		return r.str("user") + "/" + strings.Join(stringList(r.Inputs["groups"]), "/")
	case typeStackSetInst:
		return r.str("stackSetName") + "," + r.str("accountId") + "," + r.str("region")
	}
	t.Errorf("%s %s: no import format known to the test", r.Type, r.Name)
	return ""
}

// TestNoRoleSetsTheAttributesThatFightAttachmentsAfterImport: a role that
// sets managedPolicyArns (or inlinePolicies) owns that list exclusively and
// fights the attachments an import brings in (pulumi-aws #2246). The
// program never sets them, in any shipped stack.
func TestNoRoleSetsTheAttributesThatFightAttachmentsAfterImport(t *testing.T) {
	t.Parallel()
	for _, cfg := range []map[string]string{devConfig(t), mutate(t, func(org map[string]any) {
		obj(org, "accounts", "qa")["retainOnDelete"] = true
	})} {
		res := mustRun(t, cfg)
		for _, r := range res.ofType(typeRole) {
			for _, key := range []string{"managedPolicyArns", "inlinePolicies"} {
				if _, set := r.Inputs[resource.PropertyKey(key)]; set {
					t.Errorf("role %s sets %s", r.Name, key)
				}
			}
		}
	}
}
