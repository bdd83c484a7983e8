package tests

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// What pulumi-aws v6.83.4 writes into the state of a StackSet and of a
// stack instance, and how it diffs the program's inputs against that state
// on the next preview. Both follow terraform-provider-aws as this version
// bundles it, internal/service/cloudformation: stack_set.go (schema,
// resourceStackSetRead, which Create ends with) and stack_set_instance.go
// (schema, resourceStackSetInstanceRead). pulumi-aws bridges them with the
// Terraform plugin SDK's diff: an optional input left out is compared with
// the zero value unless the attribute is also computed, a default fills an
// input left out, computed-only attributes never diff, and an attribute in
// ignoreChanges is dropped from the diff (the bridge and the engine both
// honour it).

// serviceLinkedAdministrationRole is the role AWS gives every
// SERVICE_MANAGED StackSet; DescribeStackSet returns it as
// AdministrationRoleARN (terraform-provider-aws #23464).
const serviceLinkedAdministrationRole = "aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin"

// schemaAttr is one top-level attribute of a resource's Terraform schema.
type schemaAttr struct {
	optional, computed, forceNew bool
	// def is the schema's Default, filled in for an input left out.
	def any
	// set compares a list as a set (TypeSet).
	set bool
	// jsonEquivalent suppresses diffs between equivalent JSON documents
	// (template_body's SuppressEquivalentJSONOrYAMLDiffs).
	jsonEquivalent bool
	// missingBlockSuppressed suppresses a diff when the input leaves the
	// block out (managed_execution's SuppressMissingOptionalConfigurationBlock).
	missingBlockSuppressed bool
}

// stackSetSchema is aws_cloudformation_stack_set's schema in this version.
var stackSetSchema = map[string]schemaAttr{
	"administrationRoleArn": {optional: true},
	"arn":                   {computed: true},
	"autoDeployment":        {optional: true, forceNew: true},
	"callAs":                {optional: true, def: "SELF"},
	"capabilities":          {optional: true, set: true},
	"description":           {optional: true},
	"executionRoleName":     {optional: true, computed: true},
	"managedExecution":      {optional: true, missingBlockSuppressed: true},
	"name":                  {forceNew: true},
	"operationPreferences":  {optional: true},
	"parameters":            {optional: true},
	"permissionModel":       {optional: true, def: "SELF_MANAGED"},
	"stackSetId":            {computed: true},
	"tags":                  {optional: true},
	"tagsAll":               {computed: true},
	"templateBody":          {optional: true, computed: true, jsonEquivalent: true},
	"templateUrl":           {optional: true},
}

// stackSetInstanceSchema is aws_cloudformation_stack_set_instance's.
var stackSetInstanceSchema = map[string]schemaAttr{
	"accountId":              {optional: true, computed: true, forceNew: true},
	"callAs":                 {optional: true, def: "SELF"},
	"deploymentTargets":      {optional: true, forceNew: true},
	"operationPreferences":   {optional: true},
	"organizationalUnitId":   {computed: true},
	"parameterOverrides":     {optional: true},
	"region":                 {optional: true, computed: true, forceNew: true},
	"retainStack":            {optional: true, def: false},
	"stackId":                {computed: true},
	"stackInstanceSummaries": {computed: true},
	"stackSetName":           {forceNew: true},
}

// withDefaults is the inputs as the provider's Check hands them on: every
// attribute with a default that the program left out set to it.
func withDefaults(schema map[string]schemaAttr, inputs resource.PropertyMap) resource.PropertyMap {
	out := inputs.Copy()
	for k, a := range schema {
		if _, ok := out[resource.PropertyKey(k)]; !ok && a.def != nil {
			out[resource.PropertyKey(k)] = resource.NewPropertyValue(a.def)
		}
	}
	return out
}

// stackSetReadBack is the state a StackSet has after Create, which ends
// with Read: the attributes Read sets come from DescribeStackSet, the rest
// stay as planned (the inputs, defaults filled in).
func stackSetReadBack(rec *recorded, master, arn, id string) resource.PropertyMap {
	state := withDefaults(stackSetSchema, rec.Inputs)
	set := func(k string, v any) { state[resource.PropertyKey(k)] = resource.NewPropertyValue(v) }
	set("arn", arn)
	set("stackSetId", id)
	// AdministrationRoleARN: SELF_MANAGED, the role given; SERVICE_MANAGED,
	// the service-linked role, which Read writes whatever the inputs said.
	if rec.str("permissionModel") == "SERVICE_MANAGED" {
		set("administrationRoleArn", fmt.Sprintf("arn:aws:iam::%s:role/%s", master, serviceLinkedAdministrationRole))
		// ExecutionRoleName is not returned for SERVICE_MANAGED.
		set("executionRoleName", "")
	}
	// AutoDeployment: returned for SERVICE_MANAGED only, RetainStacks...
	// as sent (expandAutoDeployment sends it only when enabled).
	if ad := rec.Inputs["autoDeployment"]; ad.IsObject() {
		enabled := boolField(ad, "enabled")
		set("autoDeployment", map[string]any{"enabled": enabled, "retainStacksOnAccountRemoval": enabled && boolField(ad, "retainStacksOnAccountRemoval")})
	} else {
		delete(state, "autoDeployment")
	}
	caps := stringList(rec.Inputs["capabilities"])
	sort.Strings(caps)
	set("capabilities", caps)
	active := false
	if me := rec.Inputs["managedExecution"]; me.IsObject() {
		active = boolField(me, "active")
	}
	set("managedExecution", map[string]any{"active": active})
	set("parameters", map[string]any{})
	set("tags", map[string]any{})
	set("tagsAll", map[string]any{})
	return state
}

// stackSetInstanceReadBack is the state of a stack instance after Create:
// region and StackSet name parsed from the ID; by account ID
// (SELF_MANAGED) the account, parameter overrides and stack ID that
// DescribeStackInstance returns; by deployment targets (SERVICE_MANAGED)
// only the summaries of the StackSet's instances in those OUs.
func stackSetInstanceReadBack(rec *recorded, stackSet, account, region string, summaries []any) resource.PropertyMap {
	state := withDefaults(stackSetInstanceSchema, rec.Inputs)
	set := func(k string, v any) { state[resource.PropertyKey(k)] = resource.NewPropertyValue(v) }
	set("region", region)
	set("stackSetName", stackSet)
	if rec.Inputs["deploymentTargets"].IsObject() {
		set("stackInstanceSummaries", summaries)
		return state
	}
	set("accountId", account)
	set("organizationalUnitId", "")
	set("parameterOverrides", map[string]any{})
	set("stackId", fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/StackSet-%s-0e1f2a3b/0e1f2a3b-0000-4000-8000-000000000000", region, account, stackSet))
	return state
}

func boolField(v resource.PropertyValue, key string) bool {
	f := v.ObjectValue()[resource.PropertyKey(key)]
	return f.IsBool() && f.BoolValue()
}

// previewDiff is the attributes a preview would show as changed when the
// program sends inputs, with ignoreChanges, against state; a "(replace)"
// mark on those that force a replacement.
func previewDiff(schema map[string]schemaAttr, inputs, state resource.PropertyMap, ignoreChanges []string) []string {
	news := withDefaults(schema, inputs)
	var out []string
	for _, k := range slices.Sorted(maps.Keys(schema)) {
		a := schema[k]
		key := resource.PropertyKey(k)
		if !a.optional && a.computed || slices.Contains(ignoreChanges, k) {
			continue
		}
		n, given := news[key]
		if !given && (a.computed || a.missingBlockSuppressed) {
			continue
		}
		if sameAttr(a, plain(n), plain(state[key])) {
			continue
		}
		if a.forceNew {
			k += " (replace)"
		}
		out = append(out, k)
	}
	return out
}

// sameAttr compares an input with the state as the plugin SDK does: unset
// and the zero value are the same, sets are unordered, and JSON documents
// are compared by value where the schema says so.
func sameAttr(a schemaAttr, in, st any) bool {
	in, st = zeroToNil(in), zeroToNil(st)
	if a.jsonEquivalent {
		if s1, ok := in.(string); ok {
			if s2, ok := st.(string); ok {
				var v1, v2 any
				return json.Unmarshal([]byte(s1), &v1) == nil && json.Unmarshal([]byte(s2), &v2) == nil && reflect.DeepEqual(v1, v2)
			}
		}
	}
	if a.set {
		in, st = sortedAny(in), sortedAny(st)
	}
	return reflect.DeepEqual(in, st)
}

// plain is a property value as a Go value (nil when absent).
func plain(v resource.PropertyValue) any {
	if v.IsNull() {
		return nil
	}
	return v.Mappable()
}

// zeroToNil maps the plugin SDK's zero values to nil, in nested maps too.
func zeroToNil(v any) any {
	switch t := v.(type) {
	case string:
		if t == "" {
			return nil
		}
	case bool:
		if !t {
			return nil
		}
	case float64:
		if t == 0 {
			return nil
		}
	case []any:
		if len(t) == 0 {
			return nil
		}
	case map[string]any:
		out := map[string]any{}
		for k, e := range t {
			if z := zeroToNil(e); z != nil {
				out[k] = z
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return v
}

func sortedAny(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	out := slices.Clone(list)
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}
