package tests

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/cli"
	"iam-layout/contract"
	"iam-layout/program"
	"iam-layout/stackfile"
)

// ssoStackConfig is the engine config of the shipped Pulumi.sso.yaml.
func ssoStackConfig(t testing.TB) map[string]string {
	t.Helper()
	cfg, err := stackfile.Read("..", "sso")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// ssoOrg is the sso stack's organization as a mutable value.
func ssoOrg(t testing.TB) map[string]any {
	t.Helper()
	var org map[string]any
	if err := json.Unmarshal([]byte(ssoStackConfig(t)[project+":"+program.ConfigKey]), &org); err != nil {
		t.Fatal(err)
	}
	return org
}

// idcTypes are the custom resource types of Identity Center.
var idcTypes = []string{typePermissionSet, typeManagedAttachment, typeCustomerAttachment, typeInlinePolicy, typeBoundaryAttachment,
	typeAccountAssignment, typeIdentityStoreGroup, typeIdentityStoreUser, typeIdentityStoreMember}

// runSSO runs a config against fresh mocks and returns them too.
func runSSO(t *testing.T, cfg map[string]string, setup func(m *awsMocks)) (*result, *awsMocks) {
	t.Helper()
	m := newMocks(seedMaster)
	if setup != nil {
		setup(m)
	}
	return runMocks(t, cfg, m), m
}

func mustRunSSO(t *testing.T, cfg map[string]string, setup func(m *awsMocks)) (*result, *awsMocks) {
	t.Helper()
	res, m := runSSO(t, cfg, setup)
	if res.Err != nil {
		t.Fatalf("program failed: %v", res.Err)
	}
	return res, m
}

func TestSSOStackRegistersExactlyItsPermissionSetsAttachmentsAndAssignments(t *testing.T) {
	t.Parallel()
	res, m := mustRunSSO(t, ssoStackConfig(t), nil)
	var got []string
	for _, rec := range res.Resources {
		got = append(got, rec.Type+" "+rec.Name)
	}
	sort.Strings(got)
	want := []string{
		"aws:identitystore/group:Group alfie-operators",
		"aws:identitystore/groupMembership:GroupMembership alfie-operators/alice",
		"aws:identitystore/user:User alice",
		"aws:ssoadmin/accountAssignment:AccountAssignment alfie-developers/development/AlfieFullAccess",
		"aws:ssoadmin/accountAssignment:AccountAssignment alfie-developers/production/AlfieReadOnly",
		"aws:ssoadmin/accountAssignment:AccountAssignment alfie-developers/qa/AlfieDeployment",
		"aws:ssoadmin/accountAssignment:AccountAssignment alfie-operators/production/AlfieDatabaseShutdown",
		"aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment AlfieDeployment/customer/alfie/AlfieDeployExtras",
		"aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment AlfieDeployment/aws/PowerUserAccess",
		"aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment AlfieFullAccess/aws/AdministratorAccess",
		"aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment AlfieReadOnly/aws/ReadOnlyAccess",
		"aws:ssoadmin/permissionSet:PermissionSet AlfieDatabaseShutdown",
		"aws:ssoadmin/permissionSet:PermissionSet AlfieDeployment",
		"aws:ssoadmin/permissionSet:PermissionSet AlfieFullAccess",
		"aws:ssoadmin/permissionSet:PermissionSet AlfieReadOnly",
		"aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy AlfieDatabaseShutdown/inline",
		"aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment AlfieFullAccess/boundary",
		"iam-layout:organization:IdentityCenter identity-center",
		"iam-layout:organization:IdentityCenterGroup alfie-developers",
		"iam-layout:organization:IdentityCenterGroup alfie-operators",
		"iam-layout:organization:PermissionSet AlfieDatabaseShutdown",
		"iam-layout:organization:PermissionSet AlfieDeployment",
		"iam-layout:organization:PermissionSet AlfieFullAccess",
		"iam-layout:organization:PermissionSet AlfieReadOnly",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("resources:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Permission sets: what the role definitions say.
	psArn := map[string]string{}
	for _, ps := range res.ofType(typePermissionSet) {
		psArn[ps.Name] = ps.State["arn"].StringValue()
		if ps.str("instanceArn") != mockInstanceArn || ps.str("name") != ps.Name {
			t.Errorf("permission set %s: instance %q name %q", ps.Name, ps.str("instanceArn"), ps.str("name"))
		}
		session, relay, tags := "PT8H", "", map[string]any(nil)
		if ps.Name == "AlfieDatabaseShutdown" {
			session, relay, tags = "PT1H", "https://us-east-1.console.aws.amazon.com/rds/home", map[string]any{"iam-layout:destructive": "true"}
		}
		if ps.str("sessionDuration") != session || ps.str("relayState") != relay {
			t.Errorf("permission set %s: session %q relay %q, want %q %q", ps.Name, ps.str("sessionDuration"), ps.str("relayState"), session, relay)
		}
		var gotTags map[string]any
		if v, ok := ps.Inputs["tags"]; ok {
			gotTags = v.Mappable().(map[string]any)
		}
		if !reflect.DeepEqual(gotTags, tags) {
			t.Errorf("permission set %s: tags %v, want %v", ps.Name, gotTags, tags)
		}
	}
	for _, a := range res.ofType(typeManagedAttachment) {
		role, key, _ := strings.Cut(a.Name, "/")
		if a.str("permissionSetArn") != psArn[role] || a.str("managedPolicyArn") != "arn:aws:iam::"+key[:3]+":policy/"+key[4:] {
			t.Errorf("managed attachment %s: %s on %s", a.Name, a.str("managedPolicyArn"), a.str("permissionSetArn"))
		}
	}
	cm, _ := res.named(typeCustomerAttachment, "AlfieDeployment/customer/alfie/AlfieDeployExtras")
	if ref := cm.Inputs["customerManagedPolicyReference"].Mappable(); !reflect.DeepEqual(ref, map[string]any{"name": "AlfieDeployExtras", "path": "/alfie/"}) || cm.str("permissionSetArn") != psArn["AlfieDeployment"] {
		t.Errorf("customer managed reference = %v on %s", ref, cm.str("permissionSetArn"))
	}
	b, _ := res.named(typeBoundaryAttachment, "AlfieFullAccess/boundary")
	if pb := b.Inputs["permissionsBoundary"].Mappable(); !reflect.DeepEqual(pb, map[string]any{"customerManagedPolicyReference": map[string]any{"name": "AlfieBoundary", "path": "/alfie/"}}) {
		t.Errorf("boundary = %v", pb)
	}
	inline, _ := res.named(typeInlinePolicy, "AlfieDatabaseShutdown/inline")
	assertEquivalent(t, "merged inline policy", inline.str("inlinePolicy"), `{"Version":"2012-10-17","Statement":[
		{"Sid":"StopAndDeleteAlfieDatabases","Effect":"Allow","Action":["rds:StopDBInstance","rds:DeleteDBInstance","rds:StopDBCluster","rds:DeleteDBCluster"],
		 "Resource":["arn:aws:rds:*:123456789012:db:alfie-*","arn:aws:rds:*:123456789012:cluster:alfie-*"]},
		{"Sid":"SeeDatabases","Effect":"Allow","Action":["rds:DescribeDBInstances","rds:DescribeDBClusters"],"Resource":"*"}]}`)

	// Assignments: the looked-up group and the created one, by ID; each
	// waits for its permission set's policies; production's are protected.
	developers, operators := storeID("group", "Alfie Developers"), storeID("group", "Alfie Operators")
	wantAssignments := map[string][3]string{
		"alfie-developers/development/AlfieFullAccess":     {developers, "345678901234", "AlfieFullAccess"},
		"alfie-developers/production/AlfieReadOnly":        {developers, "123456789012", "AlfieReadOnly"},
		"alfie-developers/qa/AlfieDeployment":              {developers, "234567890123", "AlfieDeployment"},
		"alfie-operators/production/AlfieDatabaseShutdown": {operators, "123456789012", "AlfieDatabaseShutdown"},
	}
	for _, a := range res.ofType(typeAccountAssignment) {
		w := wantAssignments[a.Name]
		if a.str("principalId") != w[0] || a.str("principalType") != "GROUP" || a.str("targetId") != w[1] ||
			a.str("targetType") != "AWS_ACCOUNT" || a.str("permissionSetArn") != psArn[w[2]] || a.str("instanceArn") != mockInstanceArn {
			t.Errorf("assignment %s = %v", a.Name, a.Inputs.Mappable())
		}
		if production := w[1] == "123456789012"; a.Protect != production {
			t.Errorf("assignment %s: protect %v, want %v (production is protected)", a.Name, a.Protect, production)
		}
		deps := map[string]bool{}
		for _, d := range a.Dependencies {
			deps[d] = true
		}
		for _, rec := range res.Resources {
			if rec.Custom && strings.Contains(rec.URN, typePermissionSetComponent+"$") && (rec.Name == w[2] || strings.HasPrefix(rec.Name, w[2]+"/")) && !deps[rec.URN] {
				t.Errorf("assignment %s does not wait for %s", a.Name, rec.URN)
			}
		}
	}
	group, _ := res.named(typeIdentityStoreGroup, "alfie-operators")
	user, _ := res.named(typeIdentityStoreUser, "alice")
	member, _ := res.named(typeIdentityStoreMember, "alfie-operators/alice")
	if group.str("displayName") != "Alfie Operators" || group.str("identityStoreId") != mockStoreID {
		t.Errorf("group = %v", group.Inputs.Mappable())
	}
	wantUser := map[string]any{
		"identityStoreId": mockStoreID, "userName": "alice@example.com", "displayName": "Alice Liddell",
		"name":   map[string]any{"givenName": "Alice", "familyName": "Liddell"},
		"emails": map[string]any{"value": "alice@example.com", "primary": true, "type": "work"},
	}
	if got := user.Inputs.Mappable(); !reflect.DeepEqual(got, wantUser) {
		t.Errorf("user = %v\nwant %v", got, wantUser)
	}
	if member.str("groupId") != operators || member.str("memberId") != storeID("user", "alice@example.com") {
		t.Errorf("membership = %v", member.Inputs.Mappable())
	}
	// The instance was looked up once, the existing group by its display
	// name; nothing else was read.
	var calls []string
	for _, inv := range m.invokes {
		calls = append(calls, inv.Token+" "+nested(inv.Args, "alternateIdentifier", "uniqueAttribute", "attributeValue"))
	}
	if want := []string{invokeGetInstances + " ", invokeGetGroup + " Alfie Developers"}; !reflect.DeepEqual(calls, want) {
		t.Errorf("invokes = %q, want %q", calls, want)
	}
}

func TestIdentityCenterOnlyStackCreatesNoProviderAndNoIAMResource(t *testing.T) {
	t.Parallel()
	res, _ := mustRunSSO(t, ssoStackConfig(t), nil)
	for _, rec := range res.Resources {
		if rec.Type == typeProvider || strings.HasPrefix(rec.Type, "aws:iam/") || rec.ProviderID != "" {
			t.Errorf("registered %s %s (provider %q): an Identity Center-only stack needs no provider and no IAM resource", rec.Type, rec.Name, rec.ProviderID)
		}
	}
	for _, key := range []string{contract.RoleArnsKey, contract.RolesKey, contract.GroupsKey} {
		if got, ok := res.Exports[key].(map[string]any); !ok || len(got) != 0 {
			t.Errorf("output %s = %#v, want {} (no IAM role or group exists)", key, res.Exports[key])
		}
	}
	for _, key := range []string{contract.AWSConfigKey, contract.AWSConfigByUserKey, contract.AWSConfigureCommandsKey, contract.SwitchRoleURLsKey, contract.ExtendSwitchRolesConfigKey, contract.ConsoleExclusionsKey} {
		if _, ok := res.Exports[key]; ok {
			t.Errorf("output %s is exported, but there are no IAM roles to profile", key)
		}
	}
	for _, key := range []string{contract.SSOConfigKey, contract.SSOConfigByUserKey, contract.SSOConsoleURLsKey, contract.PermissionSetsKey, contract.IdentityCenterKey, contract.AccessMatrixKey, contract.VersionKey} {
		if _, ok := res.Exports[key]; !ok {
			t.Errorf("output %s is missing", key)
		}
	}
	if res.Exports[contract.VersionKey] != float64(1) {
		t.Errorf("contract version = %v: the Identity Center outputs are additions", res.Exports[contract.VersionKey])
	}
	ic := res.Exports[contract.IdentityCenterKey].(map[string]any)
	if ic["instanceArn"] != mockInstanceArn || ic["identityStoreId"] != mockStoreID || ic["startUrl"] != "https://d-1234567890.awsapps.com/start" {
		t.Errorf("identityCenter output = %v", ic)
	}
}

func TestIdentityCenterInAnotherRegionGetsOneManagementAccountProvider(t *testing.T) {
	t.Parallel()
	org := ssoOrg(t)
	obj(org, "identityCenter")["region"] = "eu-west-1"
	res, m := mustRunSSO(t, withOrganization(org), nil)
	providers := res.ofType(typeProvider)
	if len(providers) != 1 {
		t.Fatalf("%d providers, want exactly one (Identity Center's region differs from the stack's)", len(providers))
	}
	p := providers[0]
	ar, assumes := p.Inputs["assumeRole"]
	if p.Name != program.IdentityCenterProviderName || p.str("region") != "eu-west-1" || assumes && !ar.IsNull() {
		t.Errorf("provider %s: region %q, assumeRole %v; want %s in eu-west-1 assuming nothing", p.Name, p.str("region"), ar, program.IdentityCenterProviderName)
	}
	id := "provider-" + program.IdentityCenterProviderName
	for _, rec := range res.Resources {
		for _, typ := range idcTypes {
			if rec.Type == typ && (rec.ProviderID != id || rec.AccountID != seedMaster) {
				t.Errorf("%s %s: provider %q account %s, want %s in the management account", rec.Type, rec.Name, rec.ProviderID, rec.AccountID, id)
			}
		}
	}
	for _, inv := range m.invokes {
		if !strings.HasSuffix(inv.Provider, "::"+id) {
			t.Errorf("invoke %s went through %q, want Identity Center's provider", inv.Token, inv.Provider)
		}
	}
}

// urnInputs indexes a run's registrations: URN to inputs, protect and
// dependencies as JSON.
func urnInputs(t *testing.T, res *result) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, rec := range res.Resources {
		data, err := json.Marshal(map[string]any{"inputs": rec.Inputs.Mappable(), "protect": rec.Protect, "provider": rec.ProviderID})
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := out[rec.URN]; dup {
			t.Fatalf("two resources share the URN %s", rec.URN)
		}
		out[rec.URN] = string(data)
	}
	return out
}

// diffURNs returns the URNs only in a, only in b, and in both with other
// inputs.
func diffURNs(a, b map[string]string) (onlyA, onlyB, changed []string) {
	for urn, in := range a {
		switch other, ok := b[urn]; {
		case !ok:
			onlyA = append(onlyA, urn)
		case other != in:
			changed = append(changed, urn)
		}
	}
	for urn := range b {
		if _, ok := a[urn]; !ok {
			onlyB = append(onlyB, urn)
		}
	}
	sort.Strings(onlyA)
	sort.Strings(onlyB)
	sort.Strings(changed)
	return onlyA, onlyB, changed
}

const assignmentURN = "urn:pulumi:dev::iam-layout::iam-layout:organization:IdentityCenter$iam-layout:organization:IdentityCenterGroup$aws:ssoadmin/accountAssignment:AccountAssignment::"

// Adding or removing one assignment changes no other: URNs come from config
// keys, so no other assignment is replaced and nobody loses access while
// the update runs (the churn aws-ia/terraform-aws-iam-identity-center #33
// and cloudposse/terraform-aws-sso #29 describe).
func TestAddingOrRemovingAnAssignmentChangesNoOtherResource(t *testing.T) {
	t.Parallel()
	// The base: the sso stack plus an auditors group on AlfieReadOnly, so
	// the permission set outlives the assignment removed below.
	base := ssoOrg(t)
	obj(base, "groups")["alfie-auditors"] = map[string]any{"roles": []any{"AlfieReadOnly"}}
	obj(base, "identityCenter", "groups")["alfie-auditors"] = map[string]any{"create": true}
	before := urnInputs(t, mustRun(t, withOrganization(base)))

	cases := map[string]struct {
		edit          func(org map[string]any)
		added, gone   []string
		changedInputs []string
	}{
		"add a role to a group": {
			edit: func(org map[string]any) {
				obj(org, "groups", "alfie-auditors")["roles"] = []any{"AlfieReadOnly", "AlfieDeployment"}
			},
			added: []string{assignmentURN + "alfie-auditors/qa/AlfieDeployment"},
		},
		"remove a role from a group": {
			edit: func(org map[string]any) {
				obj(org, "groups", "alfie-developers")["roles"] = []any{"AlfieFullAccess", "AlfieDeployment"}
			},
			gone: []string{assignmentURN + "alfie-developers/production/AlfieReadOnly"},
		},
		"list the roles the other way round": {
			edit: func(org map[string]any) {
				obj(org, "groups", "alfie-developers")["roles"] = []any{"AlfieReadOnly", "AlfieDeployment", "AlfieFullAccess"}
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var org map[string]any
			data, _ := json.Marshal(base)
			_ = json.Unmarshal(data, &org)
			tc.edit(org)
			after := urnInputs(t, mustRun(t, withOrganization(org)))
			gone, added, changed := diffURNs(before, after)
			if !reflect.DeepEqual(gone, tc.gone) || !reflect.DeepEqual(added, tc.added) || len(changed) > 0 {
				t.Errorf("gone %v\nadded %v\nchanged %v\nwant gone %v, added %v and nothing changed", gone, added, changed, tc.gone, tc.added)
			}
		})
	}
}

func TestBothModeKeepsEveryIAMResourceAndOutputAndAddsIdentityCenter(t *testing.T) {
	t.Parallel()
	iam := mustRun(t, devConfig(t))
	org := devOrganization(t)
	org["identityCenter"] = map[string]any{
		"access": "both", "startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "ssoSession": "alfie",
		"groups": map[string]any{"alfie-developers": map[string]any{"displayName": "Alfie Developers"}},
	}
	both, _ := mustRunSSO(t, withOrganization(org), nil)
	gone, added, changed := diffURNs(urnInputs(t, iam), urnInputs(t, both))
	if len(gone) > 0 || len(changed) > 0 {
		t.Errorf("both mode changed the IAM layout: gone %v, changed %v", gone, changed)
	}
	for _, urn := range added {
		if !strings.Contains(urn, typeIdentityCenter) {
			t.Errorf("both mode added %s outside Identity Center", urn)
		}
	}
	if len(both.ofType(typeAccountAssignment)) != 3 || len(both.ofType(typePermissionSet)) != 3 {
		t.Errorf("both mode: %d assignments and %d permission sets, want alfie-developers' 3 and 3", len(both.ofType(typeAccountAssignment)), len(both.ofType(typePermissionSet)))
	}
	for key, value := range iam.Exports {
		if key == contract.AccessMatrixKey || key == contract.AccessMatrixMermaidKey {
			continue // they show both kinds of access now
		}
		if !reflect.DeepEqual(both.Exports[key], value) {
			t.Errorf("output %s changed in both mode", key)
		}
	}
	for _, key := range []string{contract.SSOConfigKey, contract.SSOConfigByUserKey, contract.SSOConsoleURLsKey, contract.PermissionSetsKey} {
		if both.Exports[key] == nil {
			t.Errorf("both mode lacks output %s", key)
		}
	}
	// The dev stack's users alice, bob and carol are all developers.
	if users := both.Exports[contract.SSOConfigByUserKey].(map[string]any); len(users) != 3 {
		t.Errorf("ssoConfigByUser has %d users, want 3", len(users))
	}
}

func TestAccessIAMWithIdentityCenterSettingsChangesNothing(t *testing.T) {
	t.Parallel()
	org := devOrganization(t)
	org["identityCenter"] = map[string]any{
		"access": "iam", "startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "ssoSession": "alfie",
		"groups": map[string]any{"alfie-developers": map[string]any{"displayName": "Alfie Developers"}},
	}
	res, m := mustRunSSO(t, withOrganization(org), nil)
	got := snapshotJSON(t, takeSnapshot(t, res))
	want := snapshotJSON(t, takeSnapshot(t, mustRun(t, devConfig(t))))
	if got != want {
		t.Errorf("access iam with Identity Center settings changed the dev stack")
	}
	if len(m.invokes) != 0 {
		t.Errorf("access iam made invokes: %v", m.invokes)
	}
}

func TestLookupsThatFindNothingAreReportedTogetherBeforeAnythingIsRegistered(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		edit  func(org map[string]any)
		setup func(m *awsMocks)
		want  []string
	}{
		"a missing group and a missing user": {
			edit: func(org map[string]any) {
				obj(org, "users")["dave"] = map[string]any{"groups": []any{"alfie-operators"}}
				obj(org, "identityCenter", "users")["dave"] = map[string]any{"userName": "dave@example.com"}
			},
			setup: func(m *awsMocks) { delete(m.idc.groups, "Alfie Developers") },
			want: []string{
				`identityCenter.groups.alfie-developers.displayName: no group "Alfie Developers" in identity store d-9067c1a2b3`,
				`identityCenter.users.dave.userName: no user "dave@example.com" in identity store d-9067c1a2b3`,
			},
		},
		"no instance": {
			setup: func(m *awsMocks) { m.idc.arns, m.idc.stores = nil, nil },
			want:  []string{"identityCenter.region: no IAM Identity Center instance is enabled in us-east-1"},
		},
		"two instances": {
			setup: func(m *awsMocks) {
				m.idc.arns = append(m.idc.arns, "arn:aws:sso:::instance/ssoins-0123456789abcdef")
				m.idc.stores = append(m.idc.stores, "d-0123456789")
			},
			want: []string{"identityCenter.instanceArn: 2 Identity Center instances answer in us-east-1"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			org := ssoOrg(t)
			if tc.edit != nil {
				tc.edit(org)
			}
			res, _ := runSSO(t, withOrganization(org), tc.setup)
			if res.Err == nil {
				t.Fatal("the run succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, res.Err)
				}
			}
			if len(res.Resources) != 0 {
				t.Errorf("%d resources registered before the lookups failed", len(res.Resources))
			}
		})
	}
}

func TestANamedInstanceIsNotLookedUpAndExistingUsersAre(t *testing.T) {
	t.Parallel()
	org := ssoOrg(t)
	ic := obj(org, "identityCenter")
	ic["instanceArn"], ic["identityStoreId"] = mockInstanceArn, mockStoreID
	// bob joins the group the stack creates as an existing user.
	obj(org, "users", "bob")["groups"] = []any{"alfie-developers", "alfie-operators"}
	obj(ic, "users")["bob"] = map[string]any{"userName": "bob@example.com"}
	res, m := mustRunSSO(t, withOrganization(org), func(m *awsMocks) { m.idc.users["bob@example.com"] = storeID("user", "bob@example.com") })
	var tokens []string
	for _, inv := range m.invokes {
		tokens = append(tokens, inv.Token)
	}
	if want := []string{invokeGetGroup, invokeGetUser}; !reflect.DeepEqual(tokens, want) {
		t.Errorf("invokes = %v, want %v (no instance lookup)", tokens, want)
	}
	bob, ok := res.named(typeIdentityStoreMember, "alfie-operators/bob")
	if !ok || bob.str("memberId") != storeID("user", "bob@example.com") {
		t.Errorf("bob's membership = %v", bob.Inputs)
	}
	if len(res.ofType(typeIdentityStoreUser)) != 1 {
		t.Errorf("an existing user was created")
	}
}

func TestBadIdentityCenterConfigRegistersNothing(t *testing.T) {
	t.Parallel()
	org := ssoOrg(t)
	obj(org, "identityCenter", "permissionSets", "AlfieDatabaseShutdown")["sessionDuration"] = "PT15M"
	obj(org, "identityCenter", "groups")["alfie-admins"] = map[string]any{"create": true}
	res, m := runSSO(t, withOrganization(org), nil)
	if res.Err == nil || !strings.Contains(res.Err.Error(), "invalid organization configuration (2 problems)") {
		t.Fatalf("err = %v", res.Err)
	}
	if len(res.Resources) != 0 || len(m.invokes) != 0 {
		t.Errorf("registered %d resources and made %d invokes for a bad config", len(res.Resources), len(m.invokes))
	}
}

func TestUnknownInvokesStillFail(t *testing.T) {
	t.Parallel()
	m := newMocks(seedMaster)
	if _, err := m.Call(pulumi.MockCallArgs{Token: "aws:iam/getRole:getRole"}); err == nil {
		t.Error("an unknown invoke was answered")
	}
	if _, err := m.Call(pulumi.MockCallArgs{Token: "aws:ssoadmin/getPermissionSet:getPermissionSet"}); err == nil {
		t.Error("an Identity Center invoke the program does not use was answered")
	}
}

func TestSSOOutputsAndOfflineCommandAgreeByteForByte(t *testing.T) {
	t.Parallel()
	res, _ := mustRunSSO(t, ssoStackConfig(t), nil)
	offlineSSO := func(args ...string) string {
		t.Helper()
		var stdout, stderr strings.Builder
		if code := cli.Run(append(args, "--stack", "sso", "--dir", ".."), &stdout, &stderr); code != 0 {
			t.Fatalf("iam-layout %v: exit %d: %s", args, code, stderr.String())
		}
		return stdout.String()
	}
	for key, args := range map[string][]string{
		contract.SSOConfigKey:           {"profiles", "--format", "sso"},
		contract.AccessMatrixKey:        {"matrix"},
		contract.AccessMatrixMermaidKey: {"matrix", "--format", "mermaid"},
	} {
		if got, want := res.Exports[key], offlineSSO(args...); got != want {
			t.Errorf("output %s differs from `iam-layout %v`:\n--- output\n%v\n--- command\n%s", key, args, got, want)
		}
	}
	for user, text := range res.Exports[contract.SSOConfigByUserKey].(map[string]any) {
		if want := offlineSSO("profiles", "--format", "sso", "--user", user); text != want {
			t.Errorf("ssoConfigByUser.%s differs from the command", user)
		}
	}
	var printed any
	if err := json.Unmarshal([]byte(offlineSSO("profiles", "--format", "portal-links")), &printed); err != nil {
		t.Fatal(err)
	}
	if canonical(t, printed) != canonical(t, res.Exports[contract.SSOConsoleURLsKey]) {
		t.Errorf("ssoConsoleUrls differ from the command")
	}
}
