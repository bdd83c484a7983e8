package tests

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"iam-layout/layout"
	"iam-layout/synthetic"
)

// specConfig is engine config holding a Go-built organization.
func specConfig(t *testing.T, spec *layout.Spec) map[string]string {
	t.Helper()
	return withOrganization(specJSON(spec))
}

// specJSON writes a Spec the way a person would write it in YAML: the keys
// the generated organizations (synthetic.Organization, Random) set.
func specJSON(s *layout.Spec) map[string]any {
	org := map[string]any{"masterAccountId": s.MasterAccountID}
	if s.MFAMaxAgeSeconds != 0 {
		org["mfaMaxAgeSeconds"] = s.MFAMaxAgeSeconds
	}
	accounts := map[string]any{}
	for name, a := range s.Accounts {
		account := map[string]any{"id": a.ID, "environment": a.Environment}
		if a.Protect {
			account["protect"] = true
		}
		accounts[name] = account
	}
	roles := map[string]any{}
	for name, r := range s.Roles {
		role := map[string]any{"accounts": r.Accounts, "destructive": r.Destructive}
		if len(r.ManagedPolicyARNs) > 0 {
			role["managedPolicyArns"] = r.ManagedPolicyARNs
		}
		if len(r.InlinePolicies) > 0 {
			role["inlinePolicies"] = r.InlinePolicies
		}
		if r.Path != "" {
			role["path"] = r.Path
		}
		if r.RequireMFA != nil {
			role["requireMfa"] = *r.RequireMFA
		}
		if r.ExternalID != "" {
			role["externalId"] = r.ExternalID
		}
		if len(r.TrustedAccounts) > 0 {
			role["trustedAccounts"] = r.TrustedAccounts
		}
		roles[name] = role
	}
	groups := map[string]any{}
	for name, g := range s.Groups {
		group := map[string]any{"roles": g.Roles}
		if g.MFASelfService {
			group["mfaSelfService"] = true
		}
		if g.DenyCascadeCreation {
			group["denyCascadeCreation"] = true
		}
		groups[name] = group
	}
	users := map[string]any{}
	for name, u := range s.Users {
		users[name] = map[string]any{"groups": u.Groups, "create": u.Create}
	}
	org["accounts"], org["roles"], org["groups"], org["users"] = accounts, roles, groups, users
	if s.Profiles.PerUserOutputs != nil {
		org["profiles"] = map[string]any{"perUserOutputs": *s.Profiles.PerUserOutputs}
	}
	if sec := s.Security; sec != (layout.SecuritySpec{}) {
		security := map[string]any{
			"requireSessionNameMatchesUser": sec.RequireSessionNameMatchesUser,
			"allowSourceIdentity":           sec.AllowSourceIdentity,
			"allowTagSession":               sec.AllowTagSession,
		}
		if sec.Trust != "" {
			security["trust"] = sec.Trust
		}
		org["security"] = security
	}
	if d := s.Delivery; d.Mode != "" {
		org["delivery"] = d.Mode
	}
	if n := s.Delivery.MaxProviders; n != 0 {
		org["maxProviders"] = n
	}
	return org
}

func TestAGeneratedOrganizationSplitsLargeGrantsOverSeveralPolicies(t *testing.T) {
	t.Parallel()
	res := mustRun(t, specConfig(t, synthetic.Organization(synthetic.Options{Accounts: 300, Groups: 20, Users: 40})))
	var names []string
	granted := map[string]bool{}
	for _, p := range res.ofType(typePolicy) {
		if !strings.HasPrefix(p.Name, "auditors-assume-roles") {
			continue
		}
		names = append(names, p.Name)
		if size := layout.PolicySize(p.str("policy")); size > layout.DefaultManagedPolicySize {
			t.Errorf("%s is %d characters", p.Name, size)
		}
		for _, st := range allows(t, p.str("policy")) {
			for _, arn := range st.Resource.Values() {
				granted[arn] = true
			}
		}
		if _, ok := res.named(typeGroupAttachment, "auditors/"+p.Name); !ok {
			t.Errorf("%s is not attached", p.Name)
		}
	}
	if len(names) < 2 {
		t.Fatalf("auditors' 300 grants fit in %v: the test needs a split", names)
	}
	if len(granted) != 300 {
		t.Errorf("auditors are granted %d roles over %d policies, want 300", len(granted), len(names))
	}
}

func TestAGroupBeyondIAMsCeilingFailsBeforeAnythingIsRegistered(t *testing.T) {
	t.Parallel()
	res := run(t, specConfig(t, synthetic.Organization(synthetic.Options{Accounts: 1500, Groups: 20, Users: 5})))
	if res.Err == nil || !strings.Contains(res.Err.Error(), "groups.auditors.roles: grants 1500 roles, more than 10 managed policies") {
		t.Fatalf("err = %v", res.Err)
	}
	if len(res.Resources) != 0 {
		t.Errorf("%d resources registered, want none", len(res.Resources))
	}
}

func TestGuardrailPoliciesExistOnceAndAttachToTheGroupsThatOptIn(t *testing.T) {
	t.Parallel()
	res := mustRun(t, mutate(t, func(o map[string]any) {
		for _, g := range []string{"alfie-developers", "alfie-operators"} {
			obj(o, "groups", g)["mfaSelfService"] = true
		}
		obj(o, "groups", "alfie-developers")["denyCascadeCreation"] = true
	}))
	var shared []string
	for _, p := range res.ofType(typePolicy) {
		if strings.HasPrefix(p.Name, "iam-layout-") {
			shared = append(shared, p.Name)
			if !strings.Contains(p.Parent, typeGuardrails) || p.str("path") != "/iam-layout/" {
				t.Errorf("%s: parent %s path %s", p.Name, p.Parent, p.str("path"))
			}
		}
	}
	sort.Strings(shared)
	if want := []string{"iam-layout-deny-cascade-creation", "iam-layout-mfa-self-service"}; !reflect.DeepEqual(shared, want) {
		t.Fatalf("shared policies = %v, want %v", shared, want)
	}
	attached := map[string]string{}
	for _, a := range res.ofType(typeGroupAttachment) {
		if strings.Contains(a.str("policyArn"), ":policy/iam-layout/") {
			attached[a.Name] = a.str("policyArn")
		}
	}
	want := map[string]string{
		"alfie-developers/iam-layout-mfa-self-service":      "arn:aws:iam::012345678901:policy/iam-layout/iam-layout-mfa-self-service",
		"alfie-operators/iam-layout-mfa-self-service":       "arn:aws:iam::012345678901:policy/iam-layout/iam-layout-mfa-self-service",
		"alfie-developers/iam-layout-deny-cascade-creation": "arn:aws:iam::012345678901:policy/iam-layout/iam-layout-deny-cascade-creation",
	}
	if !reflect.DeepEqual(attached, want) {
		t.Errorf("guardrail attachments = %v\nwant %v", attached, want)
	}
	// The self-service Deny is the one place BoolIfExists belongs.
	p, _ := res.named(typePolicy, "iam-layout-mfa-self-service")
	var doc struct {
		Statement []struct {
			Effect    string
			NotAction []string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(p.str("policy")), &doc); err != nil {
		t.Fatal(err)
	}
	deny := doc.Statement[len(doc.Statement)-1]
	if deny.Effect != "Deny" || deny.Condition["BoolIfExists"]["aws:MultiFactorAuthPresent"] != "false" {
		t.Errorf("self-service deny = %+v", deny)
	}
	for _, a := range deny.NotAction {
		if a == "sts:AssumeRole" {
			t.Errorf("the deny exempts sts:AssumeRole: roles could be assumed without MFA")
		}
	}
}

func TestSessionOptionsReachBothSidesOfTheTrust(t *testing.T) {
	t.Parallel()
	res := mustRun(t, mutate(t, func(o map[string]any) {
		o["security"] = map[string]any{"requireSessionNameMatchesUser": true, "allowSourceIdentity": true, "allowTagSession": true}
	}))
	wantActions := []string{"sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"}
	for _, r := range res.ofType(typeRole) {
		for _, st := range allows(t, r.str("assumeRolePolicy")) {
			if got := st.Action.Values(); !reflect.DeepEqual(got, wantActions) {
				t.Errorf("%s trust actions = %v", r.Name, got)
			}
		}
	}
	for _, p := range res.ofType(typePolicy) {
		for _, st := range allows(t, p.str("policy")) {
			if got := st.Action.Values(); !reflect.DeepEqual(got, wantActions) {
				t.Errorf("%s actions = %v", p.Name, got)
			}
			pin := st.Condition["StringEquals"]["sts:RoleSessionName"]
			if pin == nil {
				t.Fatalf("%s has no session-name pin", p.Name)
			}
			if got, _, _ := pin.Values(); !reflect.DeepEqual(got, []string{"${aws:username}"}) {
				t.Errorf("%s pins the session name to %v", p.Name, got)
			}
		}
	}
}

func TestThirdPartyRolesTrustTheVendorOnlyWithTheExternalID(t *testing.T) {
	t.Parallel()
	res := mustRun(t, mutate(t, func(o map[string]any) {
		obj(o, "roles")["VendorAudit"] = map[string]any{
			"accounts": []any{"production"}, "externalId": "vendor-7f3a", "trustedAccounts": []any{"999988887777"},
			"managedPolicyArns": []any{"arn:aws:iam::aws:policy/SecurityAudit"},
		}
	}))
	r, ok := res.named(typeRole, "production/VendorAudit")
	if !ok {
		t.Fatal("no vendor role")
	}
	cond := `"Condition":{"StringEquals":{"sts:ExternalId":"vendor-7f3a"}}`
	assertEquivalent(t, "vendor trust", r.str("assumeRolePolicy"), `{"Version":"2012-10-17","Statement":[
		{"Sid":"TrustManagementAccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole",`+cond+`},
		{"Sid":"TrustThirdParties","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole",`+cond+`}]}`)
}

func TestProtectedAccountsProtectTheirRoles(t *testing.T) {
	t.Parallel()
	res := mustRun(t, mutate(t, func(o map[string]any) {
		obj(o, "accounts", "production")["protect"] = true
		obj(o, "accounts", "qa")["retainOnDelete"] = true
	}))
	for _, r := range res.ofType(typeRole) {
		account := strings.SplitN(r.Name, "/", 2)[0]
		if r.Protect != (account == "production") || r.RetainOnDelete != (account == "qa") {
			t.Errorf("%s: protect %v retainOnDelete %v", r.Name, r.Protect, r.RetainOnDelete)
		}
	}
	// A retained role keeps what gives it access: its attachments and
	// inline policies are retained with it.
	for _, typ := range []string{typeRoleAttachment, typeRolePolicy} {
		for _, r := range res.ofType(typ) {
			account := strings.SplitN(r.Name, "/", 2)[0]
			if r.RetainOnDelete != (account == "qa") {
				t.Errorf("%s %s: retainOnDelete %v", typ, r.Name, r.RetainOnDelete)
			}
		}
	}
}

func TestRenamedAccountKeysAndGroupsKeepTheirResources(t *testing.T) {
	t.Parallel()
	res := mustRun(t, mutate(t, func(o map[string]any) {
		accounts := obj(o, "accounts")
		prod := accounts["production"].(map[string]any)
		delete(accounts, "production")
		prod["aliases"] = []any{"prod"}
		accounts["live"] = prod
		for _, r := range []string{"AlfieReadOnly", "AlfieDatabaseShutdown"} {
			obj(o, "roles", r)["accounts"] = []any{"live"}
			delete(obj(o, "roles", r), "profileName")
		}
		obj(o, "roles", "AlfieDatabaseShutdown")["application"] = "alfie-db"
		obj(o, "groups", "alfie-operators")["roles"] = []any{"live/AlfieDatabaseShutdown"}
		groups := obj(o, "groups")
		g := groups["alfie-developers"].(map[string]any)
		delete(groups, "alfie-developers")
		g["aliases"] = []any{"alfie-developers"}
		groups["alfie-engineers"] = g
		for _, u := range []string{"alice", "bob", "carol"} {
			user := obj(o, "users", u)
			var gs []any
			for _, name := range user["groups"].([]any) {
				if name == "alfie-developers" {
					name = "alfie-engineers"
				}
				gs = append(gs, name)
			}
			user["groups"] = gs
		}
	}))
	want := map[string][]string{
		typeAccount + " live":                                         {"prod"},
		typeProvider + " live":                                        {"prod"},
		typeRole + " live/AlfieReadOnly":                              {"prod/AlfieReadOnly"},
		typeRoleAttachment + " live/AlfieReadOnly/aws/ReadOnlyAccess": {"prod/AlfieReadOnly/aws/ReadOnlyAccess"},
		typeRolePolicy + " live/AlfieDatabaseShutdown/rds-shutdown":   {"prod/AlfieDatabaseShutdown/rds-shutdown"},
		typeGroupComponent + " alfie-engineers":                       {"alfie-developers"},
		typeGroup + " alfie-engineers":                                {"alfie-developers"},
	}
	for key, aliases := range want {
		parts := strings.SplitN(key, " ", 2)
		rec, ok := res.named(parts[0], parts[1])
		if !ok {
			t.Errorf("%s was not created", key)
			continue
		}
		if !reflect.DeepEqual(rec.AliasNames, aliases) {
			t.Errorf("%s aliases = %v, want %v", key, rec.AliasNames, aliases)
		}
	}
	if g, _ := res.named(typeGroup, "alfie-engineers"); g.str("name") != "alfie-engineers" {
		t.Errorf("group name = %q: the alias makes it an in-place rename", g.str("name"))
	}
}
