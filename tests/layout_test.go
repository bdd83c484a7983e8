package tests

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	awspolicy "github.com/hashicorp/awspolicyequivalence"
	"github.com/micahhausler/aws-iam-policy/policy"
)

var seedAccounts = map[string]string{
	"development": "345678901234",
	"qa":          "234567890123",
	"production":  "123456789012",
}

func TestSeedOrganizationCreatesExactlyTheDeclaredRolesInEachAccount(t *testing.T) {
	t.Parallel()
	res := mustRun(t, devConfig(t))

	want := map[string][]string{
		"345678901234": {"AlfieFullAccess"},
		"234567890123": {"AlfieDeployment"},
		"123456789012": {"AlfieDatabaseShutdown", "AlfieReadOnly"},
	}
	got := map[string][]string{}
	for _, r := range res.ofType(typeRole) {
		got[r.AccountID] = append(got[r.AccountID], r.str("name"))
	}
	for _, names := range got {
		sort.Strings(names)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("roles by account = %v, want %v", got, want)
	}
}

func TestEachAccountHasOneProviderAssumingItsAccessRole(t *testing.T) {
	t.Parallel()
	res := mustRun(t, devConfig(t))

	providers := res.ofType(typeProvider)
	if len(providers) != len(seedAccounts) {
		t.Fatalf("got %d providers, want one per account (%d)", len(providers), len(seedAccounts))
	}
	idByName := map[string]string{}
	for _, p := range providers {
		id, ok := seedAccounts[p.Name]
		if !ok {
			t.Fatalf("provider %q is not named after an account", p.Name)
		}
		ar := p.Inputs["assumeRole"].ObjectValue()
		if got, want := ar["roleArn"].StringValue(), "arn:aws:iam::"+id+":role/OrganizationAccountAccessRole"; got != want {
			t.Errorf("provider %s assumes %s, want %s", p.Name, got, want)
		}
		if got := p.str("region"); got != "us-east-1" {
			t.Errorf("provider %s region = %q, want the stack's us-east-1", p.Name, got)
		}
		if !strings.Contains(p.Parent, typeAccount) {
			t.Errorf("provider %s parent = %s, want its Account component", p.Name, p.Parent)
		}
		idByName[p.Name] = "provider-" + p.Name
	}
	// Every role and role policy goes through its own account's provider.
	for _, typ := range []string{typeRole, typeRoleAttachment, typeRolePolicy} {
		for _, r := range res.ofType(typ) {
			account := strings.SplitN(r.Name, "/", 2)[0]
			if r.ProviderID != idByName[account] {
				t.Errorf("%s %s uses provider %q, want %q", typ, r.Name, r.ProviderID, idByName[account])
			}
			if !strings.HasSuffix(r.Parent, "::"+account) || !strings.Contains(r.Parent, typeAccount) {
				t.Errorf("%s %s is parented to %s, want the %s Account component", typ, r.Name, r.Parent, account)
			}
		}
	}
	// Management-account resources use the stack's default provider.
	for _, typ := range []string{typeGroup, typePolicy, typeGroupAttachment, typeUser, typeUserMembership} {
		for _, r := range res.ofType(typ) {
			if r.ProviderID != "" {
				t.Errorf("%s %s uses provider %q, want the default (management account) provider", typ, r.Name, r.ProviderID)
			}
		}
	}
}

func trustPolicy(mfa bool) string {
	cond := ""
	if mfa {
		cond = `,"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}`
	}
	return `{"Version":"2012-10-17","Statement":[{"Sid":"TrustManagementAccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole"` + cond + `}]}`
}

func TestTrustPoliciesAreEquivalentToTheExpectedDocuments(t *testing.T) {
	t.Parallel()
	res := mustRun(t, devConfig(t))
	want := map[string]string{
		"development/AlfieFullAccess":      trustPolicy(false),
		"qa/AlfieDeployment":               trustPolicy(false),
		"production/AlfieReadOnly":         trustPolicy(false),
		"production/AlfieDatabaseShutdown": trustPolicy(true),
	}
	roles := res.ofType(typeRole)
	if len(roles) != len(want) {
		t.Fatalf("got %d roles, want %d", len(roles), len(want))
	}
	for _, r := range roles {
		assertEquivalent(t, r.Name+" trust policy", r.str("assumeRolePolicy"), want[r.Name])
	}
}

func TestGroupPoliciesGrantExactlyTheirRoles(t *testing.T) {
	t.Parallel()
	res := mustRun(t, devConfig(t))
	want := map[string]string{
		// The seed's alfie-developers policy, word for word in meaning.
		"alfie-developers-assume-roles": `{"Version":"2012-10-17","Statement":[{"Sid":"AssumeRoles","Effect":"Allow","Action":"sts:AssumeRole","Resource":[
			"arn:aws:iam::123456789012:role/AlfieReadOnly",
			"arn:aws:iam::234567890123:role/AlfieDeployment",
			"arn:aws:iam::345678901234:role/AlfieFullAccess"]}]}`,
		"alfie-operators-assume-roles": `{"Version":"2012-10-17","Statement":[{"Sid":"AssumeRolesWithMFA","Effect":"Allow","Action":"sts:AssumeRole",
			"Resource":"arn:aws:iam::123456789012:role/AlfieDatabaseShutdown",
			"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}`,
	}
	policies := res.ofType(typePolicy)
	if len(policies) != len(want) {
		t.Fatalf("got %d managed policies, want %d", len(policies), len(want))
	}
	for _, p := range policies {
		assertEquivalent(t, p.Name, p.str("policy"), want[p.Name])
		if strings.Contains(p.str("policy"), `"*"`) {
			t.Errorf("%s grants a wildcard: %s", p.Name, p.str("policy"))
		}
		group := strings.TrimSuffix(p.Name, "-assume-roles")
		att, ok := res.named(typeGroupAttachment, group+"/"+p.Name)
		if !ok {
			t.Fatalf("policy %s is not attached to group %s", p.Name, group)
		}
		if att.str("group") != group || att.str("policyArn") != "arn:aws:iam::012345678901:policy/"+p.Name {
			t.Errorf("attachment of %s = group %q policy %q", p.Name, att.str("group"), att.str("policyArn"))
		}
	}
}

// allows returns the Allow statements of a document.
func allows(t *testing.T, doc string) []policy.Statement {
	t.Helper()
	var p policy.Policy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("parsing %s: %v", doc, err)
	}
	var out []policy.Statement
	for _, s := range p.Statements.Values() {
		if s.Effect == policy.EffectAllow {
			out = append(out, s)
		}
	}
	return out
}

// assertMFA checks one Allow statement carries both MFA conditions, under
// operators that do not let key-less callers through.
func assertMFA(t *testing.T, what string, s policy.Statement) {
	t.Helper()
	for op := range s.Condition {
		if strings.HasSuffix(op, "IfExists") {
			t.Errorf("%s: an Allow uses %s, which lets long-term keys without MFA through", what, op)
		}
	}
	present := s.Condition["Bool"]["aws:MultiFactorAuthPresent"]
	if present == nil {
		t.Fatalf("%s: Allow without Bool aws:MultiFactorAuthPresent: %+v", what, s.Condition)
	}
	if strs, _, _ := present.Values(); !reflect.DeepEqual(strs, []string{"true"}) {
		t.Errorf("%s: aws:MultiFactorAuthPresent = %v, want true", what, strs)
	}
	age := s.Condition["NumericLessThan"]["aws:MultiFactorAuthAge"]
	if age == nil {
		t.Fatalf("%s: Allow without NumericLessThan aws:MultiFactorAuthAge", what)
	}
	if strs, _, _ := age.Values(); !reflect.DeepEqual(strs, []string{"3600"}) {
		t.Errorf("%s: aws:MultiFactorAuthAge bound = %v, want 3600", what, strs)
	}
}

func TestMFARolesRequireMFAOnEveryAllowAndAreMarkedDestructive(t *testing.T) {
	t.Parallel()
	res := mustRun(t, devConfig(t))
	role, ok := res.named(typeRole, "production/AlfieDatabaseShutdown")
	if !ok {
		t.Fatal("the destructive role was not created")
	}
	for _, s := range allows(t, role.str("assumeRolePolicy")) {
		assertMFA(t, "trust policy", s)
	}
	if got := role.Inputs["maxSessionDuration"].NumberValue(); got != 3600 {
		t.Errorf("destructive max session = %v, want 3600", got)
	}
	if got := role.Inputs["tags"].ObjectValue()["iam-layout:destructive"]; !got.IsString() || got.StringValue() != "true" {
		t.Errorf("destructive tag = %v, want \"true\"", got)
	}
	ordinary, _ := res.named(typeRole, "production/AlfieReadOnly")
	if got := ordinary.Inputs["maxSessionDuration"].NumberValue(); got != 28800 {
		t.Errorf("ordinary max session = %v, want 28800", got)
	}
	// On the group side every statement naming an MFA role carries the
	// condition too.
	for _, p := range res.ofType(typePolicy) {
		for _, s := range allows(t, p.str("policy")) {
			if strings.Contains(strings.Join(s.Resource.Values(), ","), "AlfieDatabaseShutdown") {
				assertMFA(t, p.Name, s)
			}
		}
	}
}

func TestMembershipsAreNonExclusiveAndOnlyOwnedUsersAreCreated(t *testing.T) {
	t.Parallel()
	res := mustRun(t, devConfig(t))
	var users []string
	for _, u := range res.ofType(typeUser) {
		users = append(users, u.str("name"))
	}
	if !reflect.DeepEqual(users, []string{"alice", "bob"}) {
		t.Errorf("created users = %v, want [alice bob] (carol exists elsewhere)", users)
	}
	want := map[string][]string{
		"alice": {"alfie-developers", "alfie-operators"},
		"bob":   {"alfie-developers"},
		"carol": {"alfie-developers"},
	}
	got := map[string][]string{}
	for _, m := range res.ofType(typeUserMembership) {
		for _, g := range m.Inputs["groups"].ArrayValue() {
			got[m.str("user")] = append(got[m.str("user")], g.StringValue())
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("memberships = %v, want %v", got, want)
	}
	for _, rec := range res.Resources {
		switch rec.Type {
		case "aws:iam/groupMembership:GroupMembership", "aws:iam/accessKey:AccessKey", "aws:iam/userLoginProfile:UserLoginProfile":
			t.Errorf("created %s %s: never wanted", rec.Type, rec.Name)
		}
	}
}

func TestOutputsHoldTheRoleArnsAndDetails(t *testing.T) {
	t.Parallel()
	res := mustRun(t, devConfig(t))
	wantArns := map[string]any{
		"development": map[string]any{"AlfieFullAccess": "arn:aws:iam::345678901234:role/AlfieFullAccess"},
		"qa":          map[string]any{"AlfieDeployment": "arn:aws:iam::234567890123:role/AlfieDeployment"},
		"production": map[string]any{
			"AlfieReadOnly":         "arn:aws:iam::123456789012:role/AlfieReadOnly",
			"AlfieDatabaseShutdown": "arn:aws:iam::123456789012:role/AlfieDatabaseShutdown",
		},
	}
	if !reflect.DeepEqual(res.Exports["roleArns"], wantArns) {
		t.Errorf("roleArns = %#v\nwant %#v", res.Exports["roleArns"], wantArns)
	}
	detail := res.Exports["roles"].(map[string]any)["production"].(map[string]any)["AlfieDatabaseShutdown"]
	wantDetail := map[string]any{
		"accountId": "123456789012", "arn": "arn:aws:iam::123456789012:role/AlfieDatabaseShutdown",
		"name": "AlfieDatabaseShutdown", "path": "/", "mfaRequired": true, "destructive": true,
		"maxSessionDuration": float64(3600),
	}
	if !reflect.DeepEqual(detail, wantDetail) {
		t.Errorf("roles.production.AlfieDatabaseShutdown = %#v\nwant %#v", detail, wantDetail)
	}
	groups := res.Exports["groups"].(map[string]any)
	dev := groups["alfie-developers"].(map[string]any)
	if dev["arn"] != "arn:aws:iam::012345678901:group/alfie-developers" {
		t.Errorf("groups.alfie-developers.arn = %v", dev["arn"])
	}
	if got := fmt.Sprint(dev["roleArns"]); !strings.Contains(got, "AlfieFullAccess") || len(dev["roleArns"].([]any)) != 3 {
		t.Errorf("groups.alfie-developers.roleArns = %v, want the three Alfie roles", got)
	}
	if res.Exports["contractVersion"] != float64(1) || res.Exports["masterAccountId"] != seedMaster {
		t.Errorf("contractVersion = %v, masterAccountId = %v", res.Exports["contractVersion"], res.Exports["masterAccountId"])
	}
}

func TestRoleArnsFromMocksMatchWhatAWSWouldAssign(t *testing.T) {
	t.Parallel()
	org := devOrganization(t)
	role := org["roles"].(map[string]any)["AlfieReadOnly"].(map[string]any)
	role["path"] = "/alfie/"
	res := mustRun(t, withOrganization(org))
	r, _ := res.named(typeRole, "production/AlfieReadOnly")
	if got := r.State["arn"].StringValue(); got != "arn:aws:iam::123456789012:role/alfie/AlfieReadOnly" {
		t.Errorf("arn = %s", got)
	}
	arns := res.Exports["roleArns"].(map[string]any)["production"].(map[string]any)
	if arns["AlfieReadOnly"] != "arn:aws:iam::123456789012:role/alfie/AlfieReadOnly" {
		t.Errorf("exported arn = %v", arns["AlfieReadOnly"])
	}
}

func assertEquivalent(t *testing.T, what, got, want string) {
	t.Helper()
	ok, err := awspolicy.PoliciesAreEquivalent(got, want)
	if err != nil {
		t.Fatalf("%s: comparing policies: %v\ngot:  %s", what, err, got)
	}
	if !ok {
		t.Errorf("%s is not equivalent to the expected document\ngot:  %s\nwant: %s", what, got, want)
	}
}
