package tests

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

const rootStack = "organization/iam-layout/root"

// rootConfig is the management stack of a split organization: it owns the
// groups and the people; grants come from the OU stacks.
func rootConfig() map[string]string {
	return withOrganization(map[string]any{
		"masterAccountId": seedMaster,
		"accounts":        map[string]any{"shared-services": map[string]any{"id": "456789012345"}},
		"roles":           map[string]any{"Break": map[string]any{"accounts": []any{"shared-services"}, "destructive": true}},
		"groups": map[string]any{
			"platform":  map[string]any{"roles": []any{"Break"}},
			"sandboxes": map[string]any{"grantedElsewhere": true, "mfaSelfService": true},
		},
		"users": map[string]any{"ann": map[string]any{"groups": []any{"sandboxes", "platform"}, "create": true}},
	})
}

// ouConfig is one organizational unit's stack: its accounts and roles, and
// grants to the root stack's groups.
func ouConfig(group string) map[string]string {
	return withOrganization(map[string]any{
		"masterAccountId":  seedMaster,
		"policyNameSuffix": "ou-sandbox",
		"accounts": map[string]any{
			"sandbox-ann": map[string]any{"id": "567890123456"},
			"sandbox-bob": map[string]any{"id": "678901234567"},
		},
		"roles": map[string]any{"SandboxAdmin": map[string]any{"accounts": []any{"sandbox-ann", "sandbox-bob"}, "managedPolicyArns": []any{"arn:aws:iam::aws:policy/AdministratorAccess"}}},
		"groups": map[string]any{
			group: map[string]any{"managedBy": rootStack, "roles": []any{"SandboxAdmin"}},
		},
	})
}

func TestAnOrganizationSplitOverStacksSharesTheRootStacksGroups(t *testing.T) {
	t.Parallel()
	root := mustRun(t, rootConfig())
	if _, ok := root.named(typeGroup, "sandboxes"); !ok {
		t.Fatal("the root stack did not create the shared group")
	}
	for _, p := range root.ofType(typePolicy) {
		if strings.HasPrefix(p.Name, "sandboxes-assume-roles") {
			t.Errorf("the root stack grants %s: the grants belong to the OU stacks", p.Name)
		}
	}

	ou := mustRun2(t, ouConfig("sandboxes"), map[string]map[string]any{rootStack: root.Exports})
	if groups := ou.ofType(typeGroup); len(groups) != 0 {
		t.Errorf("the OU stack created groups %v: the root stack owns them", groups[0].Name)
	}
	if users := ou.ofType(typeUserMembership); len(users) != 0 {
		t.Errorf("the OU stack manages memberships")
	}
	var refs []string
	for _, r := range ou.ofType(typeStackReference) {
		if r.Name != selfStack {
			refs = append(refs, r.Name)
		}
	}
	if !reflect.DeepEqual(refs, []string{rootStack}) {
		t.Fatalf("stack references to other stacks = %v, want one to %s", refs, rootStack)
	}
	var names []string
	for _, p := range ou.ofType(typePolicy) {
		names = append(names, p.Name)
		assertEquivalent(t, p.Name, p.str("policy"), `{"Version":"2012-10-17","Statement":[{"Sid":"AssumeRoles","Effect":"Allow","Action":"sts:AssumeRole",
			"Resource":["arn:aws:iam::567890123456:role/SandboxAdmin","arn:aws:iam::678901234567:role/SandboxAdmin"]}]}`)
	}
	sort.Strings(names)
	if !reflect.DeepEqual(names, []string{"sandboxes-assume-roles-ou-sandbox"}) {
		t.Errorf("OU policies = %v, want the stack-suffixed name", names)
	}
	att, ok := ou.named(typeGroupAttachment, "sandboxes/sandboxes-assume-roles-ou-sandbox")
	if !ok || att.str("group") != "sandboxes" {
		t.Fatalf("the OU grant is not attached to the root's group: %+v", att.Inputs)
	}
	if got := ou.Exports["groups"].(map[string]any)["sandboxes"].(map[string]any)["arn"]; got != "arn:aws:iam::012345678901:group/sandboxes" {
		t.Errorf("OU export of the shared group's ARN = %v, want the root stack's", got)
	}
}

func TestASharedGroupMissingFromTheRootStackIsNamed(t *testing.T) {
	t.Parallel()
	root := mustRun(t, rootConfig())
	res := runWithStacks(t, ouConfig("sandbox"), map[string]map[string]any{rootStack: root.Exports})
	want := `stack organization/iam-layout/root has no group "sandbox" (it has: platform, sandboxes)`
	if res.Err == nil || !strings.Contains(res.Err.Error(), want) {
		t.Fatalf("err = %v\nwant it to say %q", res.Err, want)
	}
}

func TestSharedGroupsRejectKeysThatBelongToTheOwningStack(t *testing.T) {
	t.Parallel()
	cfg := withOrganization(map[string]any{
		"masterAccountId": seedMaster,
		"accounts":        map[string]any{"a": map[string]any{"id": "567890123456"}},
		"roles":           map[string]any{"R": map[string]any{"accounts": []any{"a"}}},
		"groups": map[string]any{
			"g": map[string]any{"managedBy": rootStack, "roles": []any{"R"}, "mfaSelfService": true, "path": "/x/"},
			"h": map[string]any{"managedBy": "not a stack", "roles": []any{"R"}},
		},
		"users": map[string]any{"u": map[string]any{"groups": []any{"g"}}},
	})
	res := run(t, cfg)
	for _, want := range []string{
		"groups.g.mfaSelfService: belongs to the stack that owns the group",
		"groups.g.path: belongs to the stack that owns the group",
		`groups.h.managedBy: "not a stack" is not a stack name`,
		`users.u.groups[0]: group "g" is managed by stack organization/iam-layout/root: its members are managed there`,
	} {
		if res.Err == nil || !strings.Contains(res.Err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, res.Err)
		}
	}
	if len(res.Resources) != 0 {
		t.Errorf("%d resources registered", len(res.Resources))
	}
}

func mustRun2(t *testing.T, cfg map[string]string, stacks map[string]map[string]any) *result {
	t.Helper()
	res := runWithStacks(t, cfg, stacks)
	if res.Err != nil {
		t.Fatalf("program failed: %v", res.Err)
	}
	return res
}
