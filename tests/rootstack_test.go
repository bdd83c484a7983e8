package tests

import (
	"reflect"
	"strings"
	"testing"

	"iam-layout/stackfile"
)

// rootStackFile is the root stack of a split organization as a person writes
// it: groups and people, no account and no role (docs/scale.md, "Beyond one
// stack").
const rootStackFile = `config:
  aws:region: us-east-1
  iam-layout:organization:
    masterAccountId: "012345678901"
    groups:
      platform: {grantedElsewhere: true, mfaSelfService: true}
      sandboxes: {grantedElsewhere: true}
    users:
      alice: {create: true, groups: [platform, sandboxes]}
      carol: {groups: [sandboxes]}
`

func TestARootStackWithoutAccountsRegistersGroupsAndPeopleOnly(t *testing.T) {
	t.Parallel()
	cfg, err := stackfile.Parse([]byte(rootStackFile))
	if err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, cfg)
	for _, typ := range []string{typeProvider, typeAccount, typeRole, typeRoleAttachment, typeRolePolicy, typeStackReference} {
		if got := res.ofType(typ); len(got) != 0 {
			t.Errorf("registered %d %s (first: %s), want none in a stack without accounts", len(got), typ, got[0].Name)
		}
	}
	var groups, users []string
	for _, g := range res.ofType(typeGroup) {
		groups = append(groups, g.Name)
	}
	for _, u := range res.ofType(typeUser) {
		users = append(users, u.Name)
	}
	if want := []string{"platform", "sandboxes"}; !reflect.DeepEqual(groups, want) {
		t.Errorf("groups = %v, want %v", groups, want)
	}
	if want := []string{"alice"}; !reflect.DeepEqual(users, want) {
		t.Errorf("created users = %v, want %v (carol exists already)", users, want)
	}
	memberships := map[string][]string{}
	for _, m := range res.ofType(typeUserMembership) {
		for _, g := range m.Inputs["groups"].ArrayValue() {
			memberships[m.str("user")] = append(memberships[m.str("user")], g.StringValue())
		}
	}
	if want := map[string][]string{"alice": {"platform", "sandboxes"}, "carol": {"sandboxes"}}; !reflect.DeepEqual(memberships, want) {
		t.Errorf("memberships = %v, want %v", memberships, want)
	}
	// No grants here: the OU stacks attach them. The guardrail is the one
	// policy of the management account.
	for _, p := range res.ofType(typePolicy) {
		if strings.Contains(p.Name, "assume-roles") {
			t.Errorf("the root stack grants %s", p.Name)
		}
	}
	if got := res.Exports["groups"].(map[string]any)["sandboxes"].(map[string]any)["arn"]; got != "arn:aws:iam::012345678901:group/sandboxes" {
		t.Errorf("exported sandboxes ARN = %v", got)
	}

	// An OU stack grants to the root's group through the root's outputs.
	ou := mustRun2(t, ouConfig("sandboxes"), map[string]map[string]any{rootStack: res.Exports})
	if _, ok := ou.named(typeGroupAttachment, "sandboxes/sandboxes-assume-roles-ou-sandbox"); !ok {
		t.Error("the OU stack did not attach its grant to the root's group")
	}
}

func TestALayoutDeclaringNothingRegistersNothing(t *testing.T) {
	t.Parallel()
	res := run(t, withOrganization(map[string]any{"masterAccountId": seedMaster}))
	if res.Err == nil || !strings.Contains(res.Err.Error(), "organization: declares nothing to lay out") {
		t.Fatalf("err = %v", res.Err)
	}
	if len(res.Resources) != 0 {
		t.Errorf("%d resources registered, want none", len(res.Resources))
	}
}
