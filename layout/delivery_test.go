package layout

import (
	"strings"
	"testing"
)

func TestStackSetNamesHoldOnlyWhatCloudFormationAccepts(t *testing.T) {
	t.Parallel()
	cases := []struct{ role, suffix, want string }{
		{"AlfieReadOnly", "", "iam-layout-AlfieReadOnly"},
		{"ci.deploy+prod@x", "", "iam-layout-ci-deploy-prod-x"},
		{"Admin_", "ou-sandbox", "iam-layout-Admin-ou-sandbox"},
		{"a=b,c", "team.a", "iam-layout-a-b-c-team-a"},
	}
	for _, tc := range cases {
		if got := StackSetName(tc.role, tc.suffix); got != tc.want {
			t.Errorf("StackSetName(%q, %q) = %q, want %q", tc.role, tc.suffix, got, tc.want)
		}
	}
}

func TestDeliveryDefaults(t *testing.T) {
	t.Parallel()
	l := mustLoad(t, minimal)
	if l.Delivery.Mode != DeliveryProviders || l.Delivery.MaxProviders != DefaultMaxProviders || l.Delivery.StackSets != nil {
		t.Errorf("providers defaults: %+v", l.Delivery)
	}
	if n := l.ProviderCount(); n != 2 {
		t.Errorf("ProviderCount = %d, want 2", n)
	}
	text := strings.Replace(minimal, `"masterAccountId"`, `"delivery": "stackSets", "masterAccountId"`, 1)
	l = mustLoad(t, strings.Replace(text, `, "accessRoleName": "AdminAccess"`, "", 1))
	s := l.Delivery.StackSets
	if s == nil || s.PermissionModel != PermissionSelfManaged || s.AdministrationRoleName != DefaultStackSetAdministrationRole ||
		s.AdministrationRoleARN != "arn:aws:iam::012345678901:role/iam-layout-stacksets" || s.ExecutionRoleName != DefaultAccessRoleName {
		t.Fatalf("stackSets defaults: %+v", s)
	}
	p := s.Preferences
	if p.MaxConcurrentCount != nil || *p.MaxConcurrentPercentage != DefaultMaxConcurrentPercentage ||
		p.FailureToleranceCount != nil || *p.FailureTolerancePercentage != DefaultFailureTolerancePercentage {
		t.Errorf("operation preferences: %+v", p)
	}
	for _, r := range l.Roles {
		if r.StackSetName != StackSetName(r.Name, "") {
			t.Errorf("%s: StackSet %q", r.Key(), r.StackSetName)
		}
	}
}

func TestTheProviderBudgetCountsOnlyAccountsWithRoles(t *testing.T) {
	t.Parallel()
	text := strings.Replace(minimal, `"masterAccountId"`, `"maxProviders": 1, "masterAccountId"`, 1)
	_, err := Load([]byte(text))
	if err == nil || !strings.Contains(err.Error(), "maxProviders: the layout needs 2 account providers, more than the budget of 1") {
		t.Fatalf("err = %v", err)
	}
	// An account without roles needs no provider.
	text = strings.Replace(text, `"accounts": {`, `"accounts": {"idle": {"id": "999999999999"},`, 1)
	text = strings.Replace(text, `"maxProviders": 1`, `"maxProviders": 2`, 1)
	if _, err := Load([]byte(text)); err != nil {
		t.Errorf("idle account counted: %v", err)
	}
}

func TestIdentityCenterOnlyNeedsNoProviderAndTakesNoDeliveryKeys(t *testing.T) {
	t.Parallel()
	ic := `"identityCenter": {"access": "identityCenter", "startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "ssoSession": "acme"}, "masterAccountId"`
	text := strings.Replace(minimal, `"masterAccountId"`, `"maxProviders": 1, "delivery": "stackSets", `+ic, 1)
	text = strings.Replace(text, `, "accessRoleName": "AdminAccess"`, "", 1)
	_, err := Load([]byte(text))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"delivery: applies to IAM users, groups and roles", "maxProviders: applies to IAM users, groups and roles"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "account providers, more than the budget") {
		t.Errorf("the budget counted providers Identity Center does not create:\n%v", err)
	}
}

func TestShardNamesReadBackAndNeverTakeAnotherFamilysName(t *testing.T) {
	t.Parallel()
	cases := []struct {
		base   string
		n      int
		name   string
		backAs int
	}{
		{"iam-layout-Admin", 1, "iam-layout-Admin", 1},
		{"iam-layout-Admin", 2, "iam-layout-Admin-s2", 2},
		{"iam-layout-Admin", 32, "iam-layout-Admin-s32", 32},
		{"iam-layout-Admin", MaxShards, "iam-layout-Admin-s4096", MaxShards},
	}
	for _, tc := range cases {
		if got := ShardName(tc.base, tc.n); got != tc.name {
			t.Errorf("ShardName(%q, %d) = %q, want %q", tc.base, tc.n, got, tc.name)
		}
		if got := ShardNumber(tc.base, tc.name); got != tc.backAs {
			t.Errorf("ShardNumber(%q, %q) = %d, want %d", tc.base, tc.name, got, tc.backAs)
		}
	}
	// Names no ShardName of the family makes read as none of its own.
	for _, name := range []string{"iam-layout-Admin-s1", "iam-layout-Admin-s02", "iam-layout-Admin-s4097", "iam-layout-Admin-2", "iam-layout-Admins2", "iam-layout-Other-s2", "iam-layout-Admin-s"} {
		if got := ShardNumber("iam-layout-Admin", name); got != 0 {
			t.Errorf("ShardNumber(iam-layout-Admin, %q) = %d, want 0", name, got)
		}
	}

	org := func(roles ...string) string {
		text := strings.Replace(minimal, `"masterAccountId"`, `"delivery": "stackSets", "masterAccountId"`, 1)
		text = strings.Replace(text, `, "accessRoleName": "AdminAccess"`, "", 1)
		for _, r := range roles {
			text = strings.Replace(text, `"roles": {`, `"roles": {"`+r+`": {"accounts": ["dev"]},`, 1)
		}
		return text
	}
	_, err := Load([]byte(org("Admin", "Admin-s2", "Admin-s1", "Admin-2")))
	if err == nil {
		t.Fatal("a role named like another role's second StackSet was accepted")
	}
	if want := `roles.Admin-s2: its StackSet name "iam-layout-Admin-s2" is the name of StackSet number 2 of role Admin`; !strings.Contains(err.Error(), want) {
		t.Errorf("error lacks %q:\n%v", want, err)
	}
	if n := strings.Count(err.Error(), "\n  - "); n != 1 {
		t.Errorf("%d problems, want only Admin-s2's (s1 and -2 are no StackSet's name):\n%v", n, err)
	}
	// Role names (64) and suffixes (32) cannot reach it; issuers' hosts can.
	for n, tooLong := range map[int]bool{122: false, 123: true} {
		if got := stackSetNameTooLong(strings.Repeat("x", n)); got != tooLong {
			t.Errorf("a %d-character StackSet name too long: %v, want %v (its last StackSet adds -s4096)", n, got, tooLong)
		}
	}
}
