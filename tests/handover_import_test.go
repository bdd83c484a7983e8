package tests

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"iam-layout/handover"
	"iam-layout/importfile"
	"iam-layout/layout"
	"iam-layout/program"
	"iam-layout/synthetic"
)

// handoverPlan plans a config's StackSets as the offline command does.
func handoverPlan(t *testing.T, cfg map[string]string) *handover.Plan {
	t.Helper()
	l, err := layout.Load([]byte(cfg[project+":"+program.ConfigKey]))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := handover.NewPlan(l, cfg["aws:region"])
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// withAdoptRoles is an organization's hand-over run: the same
// organization with stackSets.adoptRoles set, keeping its other settings.
func withAdoptRoles(org map[string]any) map[string]any {
	out := maps.Clone(org)
	settings := map[string]any{}
	if s, ok := org["stackSets"].(map[string]any); ok {
		settings = maps.Clone(s)
	}
	settings["adoptRoles"] = true
	out["stackSets"] = settings
	return out
}

// instanceIDRE is the SELF_MANAGED import ID of a StackSetInstance:
// StackSet name, account ID, region.
var instanceIDRE = regexp.MustCompile(`^([A-Za-z][-A-Za-z0-9]{0,127}),([0-9]{12}),([a-z]{2}(?:-[a-z]+)+-[0-9])$`)

// TestTheImportFileNamesExactlyTheInstancesTheProgramRegisters: imported
// with the file, every StackSetInstance of the final stackSets run is
// already in the state under the URN the program gives it, so the final
// `pulumi up` takes it over instead of creating it again; and each ID is
// the one the AWS provider reads that instance by.
func TestTheImportFileNamesExactlyTheInstancesTheProgramRegisters(t *testing.T) {
	t.Parallel()
	dev := devOrganization(t)
	dev["delivery"] = layout.DeliveryStackSets
	devElsewhere := devOrganization(t)
	devElsewhere["delivery"] = layout.DeliveryStackSets
	devElsewhere["stackSets"] = map[string]any{"region": "eu-west-1", "organizationId": "o-a1b2c3d4e5"}
	obj(devElsewhere, "accounts", "production")["protect"] = true
	obj(devElsewhere, "accounts", "qa")["retainOnDelete"] = true
	cases := map[string]struct {
		org    map[string]any
		region string // of the instances
	}{
		"the dev organization":                         {dev, "us-east-1"},
		"instances in their own region, guarded ones":  {devElsewhere, "eu-west-1"},
		"a generated organization of 25 accounts":      {specJSON(synthetic.Organization(synthetic.Options{Accounts: 25, Groups: 4, Users: 6, Delivery: layout.DeliveryStackSets})), "us-east-1"},
		"a generated organization with a stack suffix": {withSuffix(specJSON(synthetic.Organization(synthetic.Options{Accounts: 3, Groups: 2, Users: 2, Delivery: layout.DeliveryStackSets}))), "us-east-1"},
		// Four StackSets a definition: each instance's ID names its own.
		"a generated organization of 100 accounts": {specJSON(synthetic.Organization(synthetic.Options{Accounts: 100, Groups: 20, Users: 6, Delivery: layout.DeliveryStackSets})), "us-east-1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := withOrganization(tc.org)
			// The final run reads the arrangement the hand-over run left.
			handover := deploy(t, withOrganization(withAdoptRoles(tc.org)), nil)
			handoverRun, final := handover.res, deploy(t, cfg, handover).res
			file, err := handoverPlan(t, cfg).ImportFile(project, stack)
			if err != nil {
				t.Fatal(err)
			}
			instances := final.ofType(typeStackSetInst)
			if len(instances) == 0 {
				t.Fatal("the program registered no instance")
			}
			byName := map[string]importfile.Resource{}
			for _, r := range file.Resources {
				if _, dup := byName[r.Name]; dup {
					t.Errorf("%s is in the file twice", r.Name)
				}
				byName[r.Name] = r
			}
			if len(file.Resources) != len(instances) {
				t.Errorf("the file holds %d resources, the program registers %d instances", len(file.Resources), len(instances))
			}
			for _, in := range instances {
				r, ok := byName[in.Name]
				if !ok {
					t.Errorf("instance %s is not in the file", in.Name)
					continue
				}
				parent := file.NameTable[r.Parent]
				if r.Type != in.Type || parent != in.Parent || r.Provider != "" || in.ProviderID != "" {
					t.Errorf("%s: file has type %s, parent %s, provider %q; the program registers %s under %s", in.Name, r.Type, parent, r.Provider, in.Type, in.Parent)
				}
				if urn := importfile.URN(stack, project, parent, r.Type, r.Name); urn != in.URN {
					t.Errorf("%s: the file's resource would be %s, the program's is %s", in.Name, urn, in.URN)
				}
				// The parent exists once the hand-over run is deployed.
				if p, ok := handoverRun.byURN(parent); !ok || p.Type != typeRoleStackSet {
					t.Errorf("%s: parent %s is not a RoleStackSet of the hand-over run", in.Name, parent)
				}
				m := instanceIDRE.FindStringSubmatch(r.ID)
				if m == nil {
					t.Errorf("%s: ID %q is not STACKSET,ACCOUNT,REGION", in.Name, r.ID)
					continue
				}
				if want := []string{in.str("stackSetName"), in.str("accountId"), tc.region}; !slices.Equal(m[1:], want) || in.str("region") != tc.region {
					t.Errorf("%s: ID %q names %v; the instance is %v in %s", in.Name, r.ID, m[1:], want, in.str("region"))
				}
			}
			if len(file.NameTable) != len(final.ofType(typeRoleStackSet)) {
				t.Errorf("the name table has %d parents, the program %d RoleStackSets", len(file.NameTable), len(final.ofType(typeRoleStackSet)))
			}
			// The file's JSON keys are pulumi import's own.
			data, err := json.Marshal(file)
			if err != nil {
				t.Fatal(err)
			}
			var raw struct {
				NameTable map[string]string `json:"nameTable"`
				Resources []map[string]any  `json:"resources"`
			}
			if err := json.Unmarshal(data, &raw); err != nil {
				t.Fatal(err)
			}
			for _, r := range raw.Resources {
				if keys := slices.Sorted(maps.Keys(r)); !slices.Equal(keys, []string{"id", "name", "parent", "type"}) {
					t.Errorf("resource keys %v, want id, name, parent, type", keys)
				}
			}
		})
	}
}

func withSuffix(org map[string]any) map[string]any {
	org["policyNameSuffix"] = "eu"
	return org
}

// TestAPlanTheProgramRefusesGivesNoScriptAndNoImportFile: the offline
// tooling plans and checks as the program does, so a StackSet CloudFormation
// would refuse never reaches a script.
func TestAPlanTheProgramRefusesGivesNoScriptAndNoImportFile(t *testing.T) {
	t.Parallel()
	cfg := stackSetsDev(t, withOversizedTemplate)
	if run(t, cfg).Err == nil {
		t.Fatal("the program accepted the oversized template")
	}
	l, err := layout.Load([]byte(cfg[project+":"+program.ConfigKey]))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := handover.NewPlan(l, cfg["aws:region"])
	if plan != nil || err == nil || !strings.Contains(err.Error(), "roles.AlfieReadOnly: its StackSet template is") {
		t.Errorf("plan %v, err = %v", plan, err)
	}
}
