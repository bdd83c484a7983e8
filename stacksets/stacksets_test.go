package stacksets

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"

	"iam-layout/layout"
	"iam-layout/policies"
)

func plan(t *testing.T, spec *layout.Spec) (*layout.Layout, []StackSet) {
	t.Helper()
	l, err := layout.Resolve(spec)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := policies.Build(l)
	if err != nil {
		t.Fatal(err)
	}
	sets, err := Build(l, docs.Trust)
	if err != nil {
		t.Fatal(err)
	}
	return l, sets
}

func spec() *layout.Spec {
	return &layout.Spec{
		MasterAccountID: "012345678901",
		Delivery:        layout.DeliverySpec{Mode: layout.DeliveryStackSets},
		Accounts: map[string]layout.AccountSpec{
			"qa":   {ID: "234567890123"},
			"prod": {ID: "123456789012"},
		},
		Roles: map[string]layout.RoleSpec{
			"ReadOnly": {Accounts: []string{"qa", "prod"}, Tags: map[string]string{"team": "a", "cost": "7"}, Path: "/ops/"},
			"Deploy":   {Accounts: []string{"qa"}, Description: "Deploys <things> & more"},
		},
		Groups: map[string]layout.GroupSpec{"ops": {Roles: []string{"ReadOnly", "Deploy"}}},
	}
}

func TestOneStackSetPerDefinitionAndOneInstancePerPlacement(t *testing.T) {
	t.Parallel()
	_, sets := plan(t, spec())
	if len(sets) != 2 || sets[0].RoleName != "Deploy" || sets[1].RoleName != "ReadOnly" {
		t.Fatalf("StackSets %+v", sets)
	}
	var keys []string
	for _, in := range sets[1].Instances {
		keys = append(keys, in.Key)
	}
	if strings.Join(keys, " ") != "prod/ReadOnly qa/ReadOnly" || sets[1].Name != "iam-layout-ReadOnly" {
		t.Errorf("ReadOnly: %s, instances %v", sets[1].Name, keys)
	}
}

// TestTemplatesAreNormalisedTypedAndStable: the body is what the AWS
// provider stores (sorted keys, no white space), the same on every run, and
// reads back with goformation as the role declared.
func TestTemplatesAreNormalisedTypedAndStable(t *testing.T) {
	t.Parallel()
	_, first := plan(t, spec())
	_, second := plan(t, spec())
	for i := range first {
		if first[i].Template != second[i].Template {
			t.Errorf("%s: template differs between runs", first[i].Name)
		}
		again, err := Normalise([]byte(first[i].Template))
		if err != nil || again != first[i].Template {
			t.Errorf("%s: template is not in normal form", first[i].Name)
		}
	}
	tmpl, err := goformation.ParseJSON([]byte(first[1].Template))
	if err != nil {
		t.Fatal(err)
	}
	role, err := tmpl.GetIAMRoleWithName(RoleLogicalID)
	if err != nil {
		t.Fatal(err)
	}
	if *role.RoleName != "ReadOnly" || *role.Path != "/ops/" || len(role.Tags) != 2 || role.Tags[0].Key != "cost" {
		t.Errorf("role %+v", role)
	}
	if tmpl.Resources[RoleLogicalID] == nil || !strings.Contains(first[1].Template, `"DeletionPolicy":"Delete"`) {
		t.Error("the role has no explicit DeletionPolicy, which CloudFormation's import needs")
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(first[0].Template), &v); err != nil {
		t.Fatal(err)
	}
	desc := v["Resources"].(map[string]any)[RoleLogicalID].(map[string]any)["Properties"].(map[string]any)["Description"]
	if desc != "Deploys <things> & more" {
		t.Errorf("description %q did not survive the escaping", desc)
	}
}

func TestARoleDeployedToOUsHasOUInstancesOnly(t *testing.T) {
	t.Parallel()
	s := spec()
	s.Delivery.StackSets = layout.StackSetsSpec{PermissionModel: layout.PermissionServiceManaged, OrganizationalUnitIDs: []string{"r-ab12"}}
	r := s.Roles["ReadOnly"]
	r.OrganizationalUnits = []string{"ou-ab12-11111111", "ou-ab12-22222222"}
	s.Roles["ReadOnly"] = r
	_, sets := plan(t, s)
	ro := sets[1]
	if len(ro.Placements) != 2 || len(ro.Instances) != 2 || ro.Instances[0].OrganizationalUnit != "ou-ab12-11111111" || ro.Instances[0].Account != nil {
		t.Errorf("instances %+v, placements %d", ro.Instances, len(ro.Placements))
	}
	if d := sets[0]; len(d.Instances) != 1 || d.Instances[0].Account == nil {
		t.Errorf("Deploy instances %+v", d.Instances)
	}
}
