package tests

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// reversedJSON encodes v with every object's keys and every list in reverse
// order: the same organization, written the other way round.
func reversedJSON(v any) string {
	var b bytes.Buffer
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Sort(sort.Reverse(sort.StringSlice(keys)))
			b.WriteByte('{')
			for i, k := range keys {
				if i > 0 {
					b.WriteByte(',')
				}
				kb, _ := json.Marshal(k)
				b.Write(kb)
				b.WriteByte(':')
				walk(t[k])
			}
			b.WriteByte('}')
		case []any:
			b.WriteByte('[')
			for i := range t {
				if i > 0 {
					b.WriteByte(',')
				}
				walk(t[len(t)-1-i])
			}
			b.WriteByte(']')
		default:
			vb, _ := json.Marshal(t)
			b.Write(vb)
		}
	}
	walk(v)
	return b.String()
}

func TestReorderingTheConfigChangesNoURNAndNoInput(t *testing.T) {
	t.Parallel()
	org := devOrganization(t)
	// Policy documents keep their statement order: that is content, not layout.
	cfg := devConfig(t)
	reordered := map[string]string{}
	for k, v := range cfg {
		reordered[k] = v
	}
	docs := obj(org, "roles", "AlfieDatabaseShutdown", "inlinePolicies")
	saved := docs["rds-shutdown"]
	docs["rds-shutdown"] = "PLACEHOLDER"
	text := reversedJSON(org)
	doc, _ := json.Marshal(saved)
	text = strings.Replace(text, `"PLACEHOLDER"`, string(doc), 1)
	reordered[project+":organization"] = text
	if reordered[project+":organization"] == cfg[project+":organization"] {
		t.Fatal("the reordered config is identical: the test proves nothing")
	}

	a, b := mustRun(t, cfg), mustRun(t, reordered)
	index := func(r *result) map[string]string {
		out := map[string]string{}
		for _, rec := range r.Resources {
			inputs, _ := json.Marshal(rec.Inputs.Mappable())
			out[rec.URN] = string(inputs)
		}
		return out
	}
	ia, ib := index(a), index(b)
	if len(ia) != len(a.Resources) {
		t.Fatalf("two resources share a URN")
	}
	if !reflect.DeepEqual(ia, ib) {
		for urn, in := range ia {
			if ib[urn] != in {
				t.Errorf("%s differs:\n  %s\n  %s", urn, in, ib[urn])
			}
		}
		t.Fatalf("reordering changed the resources")
	}
	if !reflect.DeepEqual(a.Exports, b.Exports) {
		t.Errorf("reordering changed the outputs")
	}
}

func TestLogicalNamesComeFromConfigKeys(t *testing.T) {
	t.Parallel()
	res := mustRun(t, devConfig(t))
	var got []string
	for _, rec := range res.Resources {
		got = append(got, rec.Type+" "+rec.Name)
	}
	sort.Strings(got)
	want := []string{
		"aws:iam/group:Group alfie-developers",
		"aws:iam/group:Group alfie-operators",
		"aws:iam/groupPolicyAttachment:GroupPolicyAttachment alfie-developers/alfie-developers-assume-roles",
		"aws:iam/groupPolicyAttachment:GroupPolicyAttachment alfie-operators/alfie-operators-assume-roles",
		"aws:iam/policy:Policy alfie-developers-assume-roles",
		"aws:iam/policy:Policy alfie-operators-assume-roles",
		"aws:iam/role:Role development/AlfieFullAccess",
		"aws:iam/role:Role production/AlfieDatabaseShutdown",
		"aws:iam/role:Role production/AlfieReadOnly",
		"aws:iam/role:Role qa/AlfieDeployment",
		"aws:iam/rolePolicy:RolePolicy production/AlfieDatabaseShutdown/rds-shutdown",
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment development/AlfieFullAccess/aws/AdministratorAccess",
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment production/AlfieReadOnly/aws/ReadOnlyAccess",
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment qa/AlfieDeployment/aws/PowerUserAccess",
		"aws:iam/user:User alice",
		"aws:iam/user:User bob",
		"aws:iam/userGroupMembership:UserGroupMembership alice",
		"aws:iam/userGroupMembership:UserGroupMembership bob",
		"aws:iam/userGroupMembership:UserGroupMembership carol",
		"iam-layout:organization:Account development",
		"iam-layout:organization:Account production",
		"iam-layout:organization:Account qa",
		"iam-layout:organization:Group alfie-developers",
		"iam-layout:organization:Group alfie-operators",
		"iam-layout:organization:People people",
		"pulumi:providers:aws development",
		"pulumi:providers:aws production",
		"pulumi:providers:aws qa",
		// The program reads its own previous outputs (the delivery guard).
		"pulumi:pulumi:StackReference " + selfStack,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("resources:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
