package tests

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	cfniam "github.com/awslabs/goformation/v7/cloudformation/iam"

	"iam-layout/layout"
	"iam-layout/stackfile"
	"iam-layout/synthetic"
)

// withStackSets switches a generated organization to stackSets delivery.
func withStackSets(s *layout.Spec) *layout.Spec {
	s.Delivery.Mode = layout.DeliveryStackSets
	s.Delivery.MaxProviders = 0
	return s
}

// withDefaultBudget puts back the provider budget a generated organization
// lifts to its size.
func withDefaultBudget(s *layout.Spec) *layout.Spec {
	s.Delivery.MaxProviders = 0
	return s
}

// stackSetsDev is the dev organization delivered by StackSets.
func stackSetsDev(t *testing.T, fn func(org map[string]any)) map[string]string {
	t.Helper()
	return mutate(t, func(org map[string]any) {
		org["delivery"] = "stackSets"
		if fn != nil {
			fn(org)
		}
	})
}

// templateRoles parses every StackSet template of a run with goformation,
// as CloudFormation reads it, and returns its role by StackSet name.
func templateRoles(t *testing.T, res *result) map[string]*cfniam.Role {
	t.Helper()
	out := map[string]*cfniam.Role{}
	for _, ss := range res.ofType(typeStackSet) {
		tmpl, err := goformation.ParseJSON([]byte(ss.str("templateBody")))
		if err != nil {
			t.Fatalf("%s: template does not parse: %v", ss.Name, err)
		}
		roles := tmpl.GetAllIAMRoleResources()
		if len(roles) != 1 || len(tmpl.Resources) != 1 {
			t.Fatalf("%s: template holds %d resources, %d roles; want one role", ss.Name, len(tmpl.Resources), len(roles))
		}
		for _, r := range roles {
			out[ss.str("name")] = r
		}
	}
	return out
}

// families groups a run's StackSets by family (their first StackSet's
// name): every StackSet of a family holds the same template.
func families(t *testing.T, res *result) map[string][]recorded {
	t.Helper()
	all := res.ofType(typeStackSet)
	names := map[string]bool{}
	for _, ss := range all {
		names[ss.str("name")] = true
	}
	out := map[string][]recorded{}
	for _, ss := range all {
		name := ss.str("name")
		base := name
		if m := regexp.MustCompile(`^(.+)-s[0-9]+$`).FindStringSubmatch(name); m != nil && names[m[1]] && layout.ShardNumber(m[1], name) > 1 {
			base = m[1]
		}
		out[base] = append(out[base], ss)
	}
	for base, members := range out {
		for _, ss := range members {
			if ss.str("templateBody") != members[0].str("templateBody") {
				t.Errorf("StackSets %s and %s of family %s hold different templates", ss.str("name"), members[0].str("name"), base)
			}
		}
	}
	return out
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAThousandAccountsDeliveredByStackSetsNeedNoAccountProvider is the
// issue's scale claim: the provider processes of stackSets delivery do not
// grow with the organization, and the templates hold exactly the roles the
// layout declares, equal in meaning to providers delivery's.
func TestAThousandAccountsDeliveredByStackSetsNeedNoAccountProvider(t *testing.T) {
	t.Parallel()
	const n = 1000
	opts := synthetic.Options{Accounts: n, Groups: 20, Users: 50, Seed: 3}
	sets := mustRun(t, withOrganization(specJSON(withPerUserOutputs(withStackSets(synthetic.Organization(opts)), false))))
	if got := len(sets.ofType(typeProvider)); got != 0 {
		t.Fatalf("stackSets delivery registered %d pulumi:providers:aws resources, want 0", got)
	}
	if got := len(families(t, sets)); got != 3 {
		t.Errorf("%d StackSet families, want one per role definition (3)", got)
	}
	if got := len(sets.ofType(typeStackSetInst)); got != 3*n {
		t.Errorf("%d stack instances, want one per placement (%d)", got, 3*n)
	}

	providers := mustRun(t, withOrganization(specJSON(withPerUserOutputs(synthetic.Organization(opts), false))))
	if got := len(providers.ofType(typeProvider)); got != n {
		t.Fatalf("providers delivery registered %d providers, want %d", got, n)
	}
	// What providers delivery creates, by role key: the role's inputs, its
	// managed policies and inline policies.
	type declared struct {
		role     recorded
		managed  []string
		inline   map[string]string
		accounts map[string]bool
	}
	byDefinition := map[string]*declared{}
	for _, r := range providers.ofType(typeRole) {
		account, name, _ := strings.Cut(r.Name, "/")
		d := byDefinition[name]
		if d == nil {
			d = &declared{role: r, inline: map[string]string{}, accounts: map[string]bool{}}
			byDefinition[name] = d
		}
		d.accounts[account] = true
	}
	for _, a := range providers.ofType(typeRoleAttachment) {
		if parts := strings.SplitN(a.Name, "/", 3); strings.HasPrefix(parts[0], synthetic.AccountName(0)) {
			byDefinition[parts[1]].managed = append(byDefinition[parts[1]].managed, a.str("policyArn"))
		}
	}
	for _, p := range providers.ofType(typeRolePolicy) {
		if parts := strings.SplitN(p.Name, "/", 3); parts[0] == synthetic.AccountName(0) {
			byDefinition[parts[1]].inline[p.str("name")] = p.str("policy")
		}
	}

	roles := templateRoles(t, sets)
	if fams := families(t, sets); len(fams) != len(byDefinition) {
		t.Fatalf("templates of %d families, providers delivery has %d definitions", len(fams), len(byDefinition))
	}
	for name, d := range byDefinition {
		r, ok := roles[layout.StackSetName(name, "")]
		if !ok {
			t.Errorf("no StackSet delivers role %s", name)
			continue
		}
		if *r.RoleName != name || *r.Path != d.role.str("path") || *r.MaxSessionDuration != int(d.role.Inputs["maxSessionDuration"].NumberValue()) {
			t.Errorf("%s: template role %s%s (max %d) differs from providers delivery's", name, *r.Path, *r.RoleName, *r.MaxSessionDuration)
		}
		assertEquivalent(t, name+" trust", jsonText(t, r.AssumeRolePolicyDocument), d.role.str("assumeRolePolicy"))
		sort.Strings(d.managed)
		if !slices.Equal(sortedCopy(r.ManagedPolicyArns), d.managed) {
			t.Errorf("%s: template managed policies %v, providers delivery %v", name, r.ManagedPolicyArns, d.managed)
		}
		if len(r.Policies) != len(d.inline) {
			t.Errorf("%s: template has %d inline policies, providers delivery %d", name, len(r.Policies), len(d.inline))
		}
		for _, p := range r.Policies {
			assertEquivalent(t, name+" inline "+p.PolicyName, jsonText(t, p.PolicyDocument), d.inline[p.PolicyName])
		}
		tags := map[string]string{}
		for _, tag := range r.Tags {
			tags[tag.Key] = tag.Value
		}
		wantTags := map[string]string{}
		if v := d.role.Inputs["tags"]; v.IsObject() {
			for k, tv := range v.ObjectValue() {
				wantTags[string(k)] = tv.StringValue()
			}
		}
		if !maps.Equal(tags, wantTags) {
			t.Errorf("%s: template tags %v, providers delivery %v", name, tags, wantTags)
		}
	}

	// The roles CloudFormation creates are the roles the outputs name, and
	// the ARNs providers delivery exports.
	var created []string
	for _, r := range sets.CFNRoles {
		created = append(created, r.ARN)
	}
	sort.Strings(created)
	if exported := exportedARNs(t, sets); !slices.Equal(created, exported) {
		t.Errorf("roles created by the instances (%d) differ from the exported ARNs (%d)", len(created), len(exported))
	}
	if !reflect.DeepEqual(sets.Exports["roleArns"], providers.Exports["roleArns"]) {
		t.Errorf("roleArns differ between the deliveries")
	}
}

func exportedARNs(t *testing.T, res *result) []string {
	t.Helper()
	var out []string
	for _, roles := range res.Exports["roleArns"].(map[string]any) {
		for _, arn := range roles.(map[string]any) {
			out = append(out, arn.(string))
		}
	}
	sort.Strings(out)
	return out
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

// TestTheShippedStackSetsStackRunsWithoutAccountProviders runs
// Pulumi.stacksets.yaml as the engine would hand it over.
func TestTheShippedStackSetsStackRunsWithoutAccountProviders(t *testing.T) {
	t.Parallel()
	cfg, err := stackfile.Read("..", "stacksets")
	if err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, cfg)
	if got := len(res.ofType(typeProvider)); got != 0 {
		t.Errorf("%d providers", got)
	}
	want := map[string]int{}
	for _, arn := range exportedARNs(t, res) {
		want[arn]++
	}
	for _, r := range res.CFNRoles {
		want[r.ARN]--
	}
	for arn, n := range want {
		if n != 0 {
			t.Errorf("%s: exported and created by CloudFormation differ by %d", arn, n)
		}
	}
	if len(res.CFNRoles) != 6 || res.Exports["delivery"] != "stackSets" {
		t.Errorf("%d roles created, delivery %v", len(res.CFNRoles), res.Exports["delivery"])
	}
	for _, in := range res.ofType(typeStackSetInst) {
		if in.Protect != strings.HasPrefix(in.Name, "production/") {
			t.Errorf("%s: protect %v", in.Name, in.Protect)
		}
	}
}

// TestStackSetsDeliveryKeepsTheOutputContract runs the seeds' organization
// both ways: every output but delivery is the same, so consumers and people
// see no difference.
func TestStackSetsDeliveryKeepsTheOutputContract(t *testing.T) {
	t.Parallel()
	providers := mustRun(t, devConfig(t))
	sets := mustRun(t, stackSetsDev(t, nil))
	if providers.Exports["delivery"] != "providers" || sets.Exports["delivery"] != "stackSets" {
		t.Errorf("delivery outputs %v and %v", providers.Exports["delivery"], sets.Exports["delivery"])
	}
	for key, want := range providers.Exports {
		if key == "delivery" {
			continue
		}
		if got := sets.Exports[key]; !reflect.DeepEqual(got, want) {
			t.Errorf("output %s differs:\nstackSets: %v\nproviders: %v", key, got, want)
		}
	}
	// And one more: where the StackSet instances are.
	if _, ok := sets.Exports["stackSets"]; !ok || len(sets.Exports) != len(providers.Exports)+1 {
		t.Errorf("%d outputs (stackSets: %v), providers delivery has %d", len(sets.Exports), ok, len(providers.Exports))
	}
}

// TestSelfManagedStackSetsRunThroughALeastPrivilegeAdministrationRole checks
// what the StackSets and their instances ask of CloudFormation.
func TestSelfManagedStackSetsRunThroughALeastPrivilegeAdministrationRole(t *testing.T) {
	t.Parallel()
	res := mustRun(t, stackSetsDev(t, func(org map[string]any) {
		org["stackSets"] = map[string]any{"organizationId": "o-a1b2c3d4e5"}
		obj(org, "accounts", "production")["protect"] = true
		obj(org, "accounts", "qa")["retainOnDelete"] = true
	}))
	admin, ok := res.named(typeRole, "iam-layout-stacksets")
	if !ok {
		t.Fatal("no administration role")
	}
	assertEquivalent(t, "administration trust", admin.str("assumeRolePolicy"), `{"Version":"2012-10-17","Statement":[{
		"Sid":"TrustStackSetsOfThisProgram","Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole",
		"Condition":{"StringEquals":{"aws:SourceAccount":"012345678901"},
		             "StringLike":{"aws:SourceArn":"arn:aws:cloudformation:*:012345678901:stackset/iam-layout-*"}}}]}`)
	pol, ok := res.named(typeRolePolicy, "iam-layout-stacksets/assume-execution-role")
	if !ok {
		t.Fatal("no administration policy")
	}
	assertEquivalent(t, "administration policy", pol.str("policy"), `{"Version":"2012-10-17","Statement":[{
		"Sid":"AssumeExecutionRoles","Effect":"Allow","Action":"sts:AssumeRole",
		"Resource":"arn:aws:iam::*:role/OrganizationAccountAccessRole",
		"Condition":{"StringEquals":{"aws:ResourceOrgID":"o-a1b2c3d4e5"}}}]}`)
	adminARN := admin.State["arn"].StringValue()
	for _, ss := range res.ofType(typeStackSet) {
		if ss.str("permissionModel") != "SELF_MANAGED" || ss.str("administrationRoleArn") != adminARN ||
			ss.str("executionRoleName") != "OrganizationAccountAccessRole" {
			t.Errorf("%s: %v", ss.Name, ss.Inputs)
		}
		if !slices.Equal(stringList(ss.Inputs["capabilities"]), []string{"CAPABILITY_NAMED_IAM"}) {
			t.Errorf("%s: capabilities %v", ss.Name, ss.Inputs["capabilities"])
		}
		prefs := ss.Inputs["operationPreferences"].ObjectValue()
		if prefs["maxConcurrentPercentage"].NumberValue() != 25 || prefs["failureTolerancePercentage"].NumberValue() != 10 {
			t.Errorf("%s: operation preferences %v", ss.Name, prefs)
		}
	}
	for _, in := range res.ofType(typeStackSetInst) {
		account := strings.SplitN(in.Name, "/", 2)[0]
		if in.Protect != (account == "production") || in.RetainOnDelete != (account == "qa") {
			t.Errorf("%s: protect %v, retainOnDelete %v", in.Name, in.Protect, in.RetainOnDelete)
		}
		if retain := in.Inputs["retainStack"]; (account == "qa") != (retain.IsBool() && retain.BoolValue()) {
			t.Errorf("%s: retainStack %v", in.Name, retain)
		}
		if in.str("region") != "us-east-1" {
			t.Errorf("%s: region %q, want the stack's", in.Name, in.str("region"))
		}
	}
}

// TestServiceManagedStackSetsTargetAccountsThroughTheirOUs checks
// SERVICE_MANAGED: no administration role, instances filtered to one
// account, and a role deployed to whole OUs with auto-deployment.
func TestServiceManagedStackSetsTargetAccountsThroughTheirOUs(t *testing.T) {
	t.Parallel()
	res := mustRun(t, stackSetsDev(t, func(org map[string]any) {
		org["stackSets"] = map[string]any{"permissionModel": "SERVICE_MANAGED", "organizationalUnitIds": []any{"r-ab12"}, "region": "eu-west-1"}
		obj(org, "roles", "AlfieReadOnly")["organizationalUnits"] = []any{"ou-ab12-11111111"}
	}))
	if _, ok := res.named(typeRole, "iam-layout-stacksets"); ok {
		t.Error("SERVICE_MANAGED created an administration role")
	}
	for _, in := range res.ofType(typeStackSetInst) {
		dt := in.Inputs["deploymentTargets"].ObjectValue()
		if in.str("region") != "eu-west-1" {
			t.Errorf("%s: region %q", in.Name, in.str("region"))
		}
		switch in.Name {
		case "AlfieReadOnly/ou-ab12-11111111":
			if !slices.Equal(stringList(dt["organizationalUnitIds"]), []string{"ou-ab12-11111111"}) || dt["accounts"].IsArray() {
				t.Errorf("OU instance targets %v", dt)
			}
		case "production/AlfieReadOnly":
			t.Error("a placement covered by the role's OU has an instance of its own")
		default:
			if !slices.Equal(stringList(dt["organizationalUnitIds"]), []string{"r-ab12"}) || len(stringList(dt["accounts"])) != 1 ||
				dt["accountFilterType"].StringValue() != "INTERSECTION" {
				t.Errorf("%s targets %v", in.Name, dt)
			}
		}
	}
	for _, ss := range res.ofType(typeStackSet) {
		auto := ss.Inputs["autoDeployment"].ObjectValue()["enabled"].BoolValue()
		if auto != (ss.Name == "AlfieReadOnly") {
			t.Errorf("%s: auto-deployment %v", ss.Name, auto)
		}
	}
}

// TestAddingAnAccountToARoleTouchesOnlyThatPlacement: the new placement is
// one new instance; the StackSet, its template and every other instance
// keep their inputs. Only the grants of the groups that assume the role
// anywhere change, as they must to name the new ARN.
func TestAddingAnAccountToARoleTouchesOnlyThatPlacement(t *testing.T) {
	t.Parallel()
	before := mustRun(t, stackSetsDev(t, nil))
	after := mustRun(t, stackSetsDev(t, func(org map[string]any) {
		obj(org, "accounts")["staging"] = map[string]any{"id": "456789012345", "environment": "staging"}
		r := obj(org, "roles", "AlfieReadOnly")
		r["accounts"] = append(r["accounts"].([]any), "staging")
	}))
	old := map[string]recorded{}
	for _, r := range before.Resources {
		old[r.URN] = r
	}
	var added, changed []string
	for _, r := range after.Resources {
		prev, ok := old[r.URN]
		switch {
		case !ok:
			added = append(added, r.Type+" "+r.Name)
		case !reflect.DeepEqual(prev.Inputs, r.Inputs):
			changed = append(changed, r.Type+" "+r.Name)
		}
		delete(old, r.URN)
	}
	if len(old) != 0 {
		t.Errorf("resources removed: %v", slices.Collect(maps.Keys(old)))
	}
	if want := []string{typeStackSetInst + " staging/AlfieReadOnly"}; !slices.Equal(added, want) {
		t.Errorf("added %v, want %v", added, want)
	}
	// alfie-developers assumes AlfieReadOnly wherever it is placed.
	if want := []string{typePolicy + " alfie-developers-assume-roles"}; !slices.Equal(changed, want) {
		t.Errorf("changed %v, want %v", changed, want)
	}
}

// TestStackSetsValidationReportsEveryProblemAndRegistersNothing covers the
// delivery keys' refusals, all at once.
func TestStackSetsValidationReportsEveryProblemAndRegistersNothing(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		change func(org map[string]any)
		want   []string
	}{
		"settings without stackSets delivery": {
			func(org map[string]any) {
				org["stackSets"] = map[string]any{"region": "eu-west-1"}
				obj(org, "roles", "AlfieReadOnly")["organizationalUnits"] = []any{"ou-ab12-11111111"}
			},
			[]string{"stackSets: only applies with delivery: stackSets", "roles.AlfieReadOnly.organizationalUnits: only applies with delivery: stackSets"},
		},
		"unknown delivery and a bad budget": {
			func(org map[string]any) { org["delivery"] = "stacksets"; org["maxProviders"] = -1 },
			[]string{`delivery: "stacksets" is not one of providers, stackSets`, "maxProviders: must be at least 1, got -1"},
		},
		"self-managed odds and ends": {
			func(org map[string]any) {
				org["delivery"] = "stackSets"
				org["maxProviders"] = 50
				org["stackSets"] = map[string]any{
					"organizationalUnitIds": []any{"ou-nope"}, "organizationId": "org-1", "region": "Europe",
					"operationPreferences": map[string]any{"maxConcurrentCount": 5, "maxConcurrentPercentage": 10, "failureTolerancePercentage": 101},
				}
				obj(org, "accounts", "qa")["accessRoleName"] = "LegacyAdmin"
			},
			[]string{
				"maxProviders: only applies with delivery: providers",
				"stackSets.organizationalUnitIds: only applies with permissionModel: SERVICE_MANAGED",
				`stackSets.organizationalUnitIds[0]: "ou-nope" is not a root ID`,
				`stackSets.organizationId: "org-1" is not an organization ID`,
				`stackSets.region: "Europe" is not an AWS region name`,
				"stackSets.operationPreferences.maxConcurrentPercentage: set maxConcurrentCount or maxConcurrentPercentage, not both",
				"stackSets.operationPreferences.failureTolerancePercentage: must be a percentage from 0 to 100, got 101",
				`accounts.qa.accessRoleName: is "LegacyAdmin", but SELF_MANAGED StackSets assume one execution role`,
			},
		},
		"service-managed without OUs": {
			func(org map[string]any) {
				org["delivery"] = "stackSets"
				org["stackSets"] = map[string]any{"permissionModel": "SERVICE_MANAGED", "administrationRoleName": "Admin", "adoptRolez": true}
			},
			[]string{
				"stackSets.organizationalUnitIds: is required with permissionModel: SERVICE_MANAGED",
				"stackSets.administrationRoleName: only applies with permissionModel: SELF_MANAGED",
				`stackSets.adoptRolez: unknown key (did you mean "adoptRoles"?)`,
			},
		},
		"colliding StackSet names": {
			func(org map[string]any) {
				org["delivery"] = "stackSets"
				obj(org, "roles")["Alfie.ReadOnly"] = map[string]any{"accounts": []any{"qa"}}
				obj(org, "roles")["Alfie_ReadOnly"] = map[string]any{"accounts": []any{"qa"}}
			},
			[]string{`roles.Alfie_ReadOnly: its StackSet name "iam-layout-Alfie-ReadOnly" is also role Alfie.ReadOnly's`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := run(t, mutate(t, tc.change))
			if res.Err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, res.Err)
				}
			}
			if len(res.Resources) != 0 {
				t.Errorf("%d resources registered before the refusal", len(res.Resources))
			}
		})
	}
}

// withOversizedTemplate makes AlfieReadOnly's StackSet template larger than
// CloudFormation takes, every part of the role within IAM's quotas (raised
// ones included).
func withOversizedTemplate(org map[string]any) {
	tags := map[string]any{}
	for i := 0; i < 50; i++ {
		tags[fmt.Sprintf("%03d%s", i, strings.Repeat("k", 125))] = strings.Repeat("v", 256)
	}
	var managed, trusted, resources []any
	for i := 0; i < 20; i++ {
		managed = append(managed, fmt.Sprintf("arn:aws:iam::123456789012:policy/%sPolicy%d", strings.Repeat("p/", 250), i))
	}
	for i := 0; i < 170; i++ {
		trusted = append(trusted, fmt.Sprintf("9999%08d", i))
	}
	for i := 0; i < 30; i++ {
		resources = append(resources, fmt.Sprintf("arn:aws:s3:::bucket-%02d/%s", i, strings.Repeat("x", 270)))
	}
	org["quotas"] = map[string]any{"trustPolicySize": 8192, "managedPoliciesPerRole": 20}
	r := obj(org, "roles", "AlfieReadOnly")
	r["tags"], r["managedPolicyArns"], r["trustedAccounts"] = tags, managed, trusted
	r["externalId"] = strings.Repeat("e", 1000)
	r["description"] = strings.Repeat("&", 1000)
	r["inlinePolicies"] = map[string]any{"wide": map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": resources}}}}
}

// TestATemplateOverCloudFormationsLimitStopsTheRun: every part of a role
// within IAM's quotas (raised ones included) can still add up to a template
// CloudFormation refuses; the program refuses it first, by its path.
func TestATemplateOverCloudFormationsLimitStopsTheRun(t *testing.T) {
	t.Parallel()
	res := run(t, stackSetsDev(t, withOversizedTemplate))
	if res.Err == nil || !strings.Contains(res.Err.Error(), "roles.AlfieReadOnly: its StackSet template is") ||
		!strings.Contains(res.Err.Error(), "over CloudFormation's 51200") {
		t.Fatalf("err = %v", res.Err)
	}
	if strings.Count(res.Err.Error(), "\n  - ") > 1 {
		t.Errorf("more than the template was refused: %v", res.Err)
	}
	if len(res.Resources) != 0 {
		t.Errorf("%d resources registered", len(res.Resources))
	}
}

// TestTheProviderBudgetRefusesWithTheCostAndTheWaysOut: over maxProviders,
// providers delivery stops before registering anything, with the figures a
// person needs to choose.
func TestTheProviderBudgetRefusesWithTheCostAndTheWaysOut(t *testing.T) {
	t.Parallel()
	res := run(t, mutate(t, func(org map[string]any) { org["maxProviders"] = 2 }))
	if res.Err == nil {
		t.Fatal("three providers were accepted under a budget of two")
	}
	for _, w := range []string{
		"maxProviders: the layout needs 3 account providers, more than the budget of 2",
		"4 pulumi-aws processes", "about 0.7 GB of memory", "6-8 s of provider start-up",
		"delivery: stackSets", "docs/scale.md",
	} {
		if !strings.Contains(res.Err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, res.Err)
		}
	}
	if len(res.Resources) != 0 {
		t.Errorf("%d resources registered", len(res.Resources))
	}
	// The default budget: 20 accounts pass, 21 do not; StackSets take any.
	for n, ok := range map[int]bool{20: true, 21: false} {
		spec := withDefaultBudget(synthetic.Organization(synthetic.Options{Accounts: n, Groups: 2, Users: 1}))
		if err := run(t, specConfig(t, spec)).Err; (err == nil) != ok {
			t.Errorf("%d accounts: err = %v", n, err)
		}
	}
	if err := run(t, specConfig(t, withStackSets(synthetic.Organization(synthetic.Options{Accounts: 21, Groups: 2, Users: 1})))).Err; err != nil {
		t.Errorf("stackSets delivery of 21 accounts: %v", err)
	}
}
