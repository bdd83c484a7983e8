package tests

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"iam-layout/layout"
	"iam-layout/stackfile"
	"iam-layout/synthetic"
)

// deployment is one run of the program as the state and outputs keep it.
type deployment struct {
	res *result
	// outputs are the stack outputs as a StackReference reads them.
	outputs map[string]any
}

// deploy runs the program under mocks as a `pulumi up` whose last
// deployment left prev (nil: a first deployment).
func deploy(t testing.TB, cfg map[string]string, prev *deployment) *deployment {
	t.Helper()
	var stacks map[string]map[string]any
	if prev != nil {
		stacks = map[string]map[string]any{selfStack: prev.outputs}
	}
	res := runWithStacks(t, cfg, stacks)
	if res.Err != nil {
		t.Fatalf("program failed: %v", res.Err)
	}
	return &deployment{res: res, outputs: res.Exports}
}

// rePreview is what the preview after a deployment shows: every StackSet
// and stack instance attribute the AWS provider would report as changed,
// by resource, comparing the program's new inputs (and their
// ignoreChanges) with the state the provider wrote; and the resources the
// second run adds or drops. honourIgnoreChanges false shows what the
// preview would be without the resources' ignoreChanges.
func rePreview(t *testing.T, before, after *deployment, honourIgnoreChanges bool) (diffs map[string][]string, added, dropped []string) {
	t.Helper()
	diffs = map[string][]string{}
	p := pairUp(before, after)
	for _, b := range p.both {
		prev, r := b[0], b[1]
		var schema map[string]schemaAttr
		switch r.Type {
		case typeStackSet:
			schema = stackSetSchema
		case typeStackSetInst:
			schema = stackSetInstanceSchema
		default:
			continue
		}
		ignore := r.IgnoreChanges
		if !honourIgnoreChanges {
			ignore = nil
		}
		if d := previewDiff(schema, r.Inputs, prev.State, ignore); len(d) > 0 {
			diffs[r.Type+" "+r.Name] = d
		}
	}
	return diffs, p.added, p.dropped
}

// stackSetStacks are stacks delivered by StackSets in both permission
// models, with OU targets, workloads' OIDC providers and a family spread
// over several StackSets.
func stackSetStacks(t *testing.T) map[string]map[string]string {
	t.Helper()
	serviceManaged, err := stackfile.Read("../layout/testdata/stacks", "stacksets-service-managed")
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := stackfile.Read("..", "stacksets")
	if err != nil {
		t.Fatal(err)
	}
	serviceManagedCI := func(org map[string]any) {
		org["stackSets"] = map[string]any{"permissionModel": "SERVICE_MANAGED", "organizationalUnitIds": []any{"r-ab12"}}
	}
	return map[string]map[string]string{
		"SELF_MANAGED, shipped":                      shipped,
		"SERVICE_MANAGED, OU targets":                serviceManaged,
		"SERVICE_MANAGED, dev":                       stackSetsDev(t, serviceManagedCI),
		"SERVICE_MANAGED, CI workloads":              ciConfig(t, "stackSets", serviceManagedCI),
		"SELF_MANAGED, CI workloads":                 ciConfig(t, "stackSets", nil),
		"SELF_MANAGED, 100 accounts, 4 StackSets":    withOrganization(specJSON(withPerUserOutputs(withStackSets(benchOrganization(100)), false))),
		"SERVICE_MANAGED, 100 accounts, 4 StackSets": serviceManaged100(),
	}
}

func serviceManaged100() map[string]string {
	s := withPerUserOutputs(withStackSets(benchOrganization(100)), false)
	org := specJSON(s)
	org["stackSets"] = map[string]any{"permissionModel": "SERVICE_MANAGED", "organizationalUnitIds": []any{"r-ab12"}}
	return withOrganization(org)
}

// TestAStackSetsStackRePreviewsWithNoChange is the issue's "a
// SERVICE_MANAGED stack re-previews with no change against state as the
// provider writes it", for every kind of StackSets stack: deployed once,
// the next preview of the same configuration changes, adds and drops
// nothing.
func TestAStackSetsStackRePreviewsWithNoChange(t *testing.T) {
	t.Parallel()
	for name, cfg := range stackSetStacks(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			first := deploy(t, cfg, nil)
			diffs, added, dropped := rePreview(t, first, deploy(t, cfg, first), true)
			if len(diffs) > 0 || len(added) > 0 || len(dropped) > 0 {
				t.Errorf("the preview after up is not empty:\nchanged %v\nadded %v\ndropped %v", diffs, added, dropped)
			}
		})
	}
}

// TestTheProvidersReadBackWouldDiffForeverWithoutIgnoringIt shows that the
// state above is the provider's (terraform-provider-aws #23464): without
// the ignoreChanges the program gives SERVICE_MANAGED StackSets, each of
// them, and only they, would show [diff: -administrationRoleArn] on every
// preview.
func TestTheProvidersReadBackWouldDiffForeverWithoutIgnoringIt(t *testing.T) {
	t.Parallel()
	for name, cfg := range stackSetStacks(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			first := deploy(t, cfg, nil)
			diffs, _, _ := rePreview(t, first, deploy(t, cfg, first), false)
			for _, ss := range first.res.ofType(typeStackSet) {
				got := diffs[typeStackSet+" "+ss.Name]
				serviceManaged := ss.str("permissionModel") == layout.PermissionServiceManaged
				if serviceManaged != slices.Equal(got, []string{"administrationRoleArn"}) || !serviceManaged && len(got) > 0 {
					t.Errorf("%s (%s): re-preview without ignoreChanges shows %v", ss.Name, ss.str("permissionModel"), got)
				}
				if serviceManaged != slices.Equal(ss.IgnoreChanges, []string{"administrationRoleArn"}) {
					t.Errorf("%s (%s): ignoreChanges %v", ss.Name, ss.str("permissionModel"), ss.IgnoreChanges)
				}
			}
			for key, d := range diffs {
				if !strings.HasPrefix(key, typeStackSet+" ") {
					t.Errorf("%s: %v", key, d)
				}
			}
		})
	}
}

// readBack is how one attribute of a resource comes back from the AWS
// provider, as a deployment's state shows it.
type readBack string

const (
	asSent    readBack = "as sent"
	defaulted readBack = "not sent, the schema's default"
	zeroValue readBack = "not sent, the zero value (no diff)"
	absent    readBack = "not sent, absent"
	ignored   readBack = "differs from what was sent, ignored"
	computed  readBack = "computed only (never diffs)"
)

// TestEveryStackSetAttributeIsCoveredForReadBackChurn goes through every
// attribute of both resources' schemas, in both permission models, and
// says how the state a deployment leaves holds it: only SERVICE_MANAGED's
// administrationRoleArn comes back other than sent, and it is ignored.
// What Read writes (terraform-provider-aws stack_set.go, resourceStackSetRead):
// administration role, ARN, auto-deployment, capabilities, description,
// execution role, managed execution, name, permission model, parameters,
// StackSet ID, template, tags; never callAs or operationPreferences, which
// stay as sent. stack_set_instance.go, resourceStackSetInstanceRead: region
// and StackSet name from the ID; by account ID the account, parameter
// overrides and stack ID; by OUs only the instance summaries; never
// callAs, deploymentTargets, operationPreferences or retainStack. A new
// attribute in the schema, or a read-back that changes, fails here.
func TestEveryStackSetAttributeIsCoveredForReadBackChurn(t *testing.T) {
	t.Parallel()
	want := map[string]map[string]readBack{
		"SELF_MANAGED StackSet": {
			"administrationRoleArn": asSent, "arn": computed, "autoDeployment": absent, "callAs": defaulted,
			"capabilities": asSent, "description": asSent, "executionRoleName": asSent, "managedExecution": asSent,
			"name": asSent, "operationPreferences": asSent, "parameters": zeroValue, "permissionModel": asSent,
			"stackSetId": computed, "tags": zeroValue, "tagsAll": computed, "templateBody": asSent, "templateUrl": absent,
		},
		"SERVICE_MANAGED StackSet": {
			"administrationRoleArn": ignored, "arn": computed, "autoDeployment": asSent, "callAs": defaulted,
			"capabilities": asSent, "description": asSent, "executionRoleName": zeroValue, "managedExecution": asSent,
			"name": asSent, "operationPreferences": asSent, "parameters": zeroValue, "permissionModel": asSent,
			"stackSetId": computed, "tags": zeroValue, "tagsAll": computed, "templateBody": asSent, "templateUrl": absent,
		},
		"SELF_MANAGED instance": {
			"accountId": asSent, "callAs": defaulted, "deploymentTargets": absent, "operationPreferences": absent,
			"organizationalUnitId": computed, "parameterOverrides": zeroValue, "region": asSent, "retainStack": defaulted,
			"stackId": computed, "stackInstanceSummaries": computed, "stackSetName": asSent,
		},
		"SELF_MANAGED instance, retained": {
			"accountId": asSent, "callAs": defaulted, "deploymentTargets": absent, "operationPreferences": absent,
			"organizationalUnitId": computed, "parameterOverrides": zeroValue, "region": asSent, "retainStack": asSent,
			"stackId": computed, "stackInstanceSummaries": computed, "stackSetName": asSent,
		},
		"SERVICE_MANAGED instance": {
			"accountId": absent, "callAs": defaulted, "deploymentTargets": asSent, "operationPreferences": absent,
			"organizationalUnitId": computed, "parameterOverrides": absent, "region": asSent, "retainStack": defaulted,
			"stackId": computed, "stackInstanceSummaries": computed, "stackSetName": asSent,
		},
	}
	self := deploy(t, stackSetsDev(t, func(org map[string]any) { obj(org, "accounts", "qa")["retainOnDelete"] = true }), nil).res
	service := deploy(t, serviceManaged100(), nil).res
	retained, ok := self.named(typeStackSetInst, "qa/AlfieDeployment")
	if !ok {
		t.Fatal("no instance qa/AlfieDeployment")
	}
	samples := map[string]recorded{
		"SELF_MANAGED StackSet":           self.ofType(typeStackSet)[0],
		"SERVICE_MANAGED StackSet":        service.ofType(typeStackSet)[0],
		"SELF_MANAGED instance":           self.ofType(typeStackSetInst)[0],
		"SELF_MANAGED instance, retained": retained,
		"SERVICE_MANAGED instance":        service.ofType(typeStackSetInst)[0],
	}
	for what, rec := range samples {
		schema := stackSetSchema
		if strings.Contains(what, "instance") {
			schema = stackSetInstanceSchema
		}
		if !slices.Equal(slices.Sorted(maps.Keys(want[what])), slices.Sorted(maps.Keys(schema))) {
			t.Errorf("%s: the table covers %v, the schema has %v", what, slices.Sorted(maps.Keys(want[what])), slices.Sorted(maps.Keys(schema)))
		}
		for attr, a := range schema {
			if got := classify(a, attr, rec); got != want[what][attr] {
				t.Errorf("%s %s %s: %s, want %s", what, rec.Name, attr, got, want[what][attr])
			}
		}
	}
}

// classify says how a recorded resource's state holds one attribute.
func classify(a schemaAttr, attr string, rec recorded) readBack {
	key := resource.PropertyKey(attr)
	in, sent := rec.Inputs[key]
	st, stored := rec.State[key]
	switch {
	case a.computed && !a.optional:
		return computed
	case slices.Contains(rec.IgnoreChanges, attr):
		return ignored
	case sent && sameAttr(a, plain(in), plain(st)):
		return asSent
	case sent:
		return readBack(fmt.Sprintf("read back as %v, sent %v", plain(st), plain(in)))
	case a.def != nil && sameAttr(a, a.def, plain(st)):
		return defaulted
	case !stored || st.IsNull():
		return absent
	case zeroToNil(plain(st)) == nil:
		return zeroValue
	}
	return readBack(fmt.Sprintf("not sent, read back as %v", plain(st)))
}

// TestAThousandAccountsRePreviewWithNoChange: at scale, with 96 StackSets,
// the arrangement handed from one deployment to the next keeps every
// instance in place and the preview empty.
func TestAThousandAccountsRePreviewWithNoChange(t *testing.T) {
	t.Parallel()
	cfg := withOrganization(specJSON(withPerUserOutputs(withStackSets(synthetic.Organization(synthetic.Options{Accounts: 1000, Groups: 20, Users: 50, Seed: 3})), false)))
	first := deploy(t, cfg, nil)
	diffs, added, dropped := rePreview(t, first, deploy(t, cfg, first), true)
	if len(diffs) > 0 || len(added) > 0 || len(dropped) > 0 {
		t.Errorf("changed %d, added %v, dropped %v", len(diffs), added, dropped)
	}
}
