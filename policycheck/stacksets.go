package policycheck

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/micahhausler/aws-iam-policy/policy"

	"iam-layout/layout"
	"iam-layout/policies"
	"iam-layout/stacksets"
)

// CheckStackSets reads every StackSet template back with goformation, as
// CloudFormation would, and holds each to the layout: exactly one role, with
// the name, path, session, boundary, managed policies, inline policies and
// tags declared, and a trust policy that passes every trust rule. It checks
// that the instances cover each placement once, and the administration
// role's documents.
func CheckStackSets(l *layout.Layout, docs *policies.Documents, sets []stacksets.StackSet) error {
	c := &checker{l: l, actions: assumeActions(l), docs: docs}
	for i := range sets {
		c.stackSet(&sets[i])
	}
	if admin := docs.StackSetAdministration; admin != nil {
		c.administration(admin)
	} else if l.StackSets() && l.Delivery.StackSets.SelfManaged() {
		c.fail("StackSets administration role", "", "has no documents, but SELF_MANAGED StackSets need it")
	}
	if len(c.violations) > 0 {
		return &Error{Violations: c.violations}
	}
	return nil
}

func (c *checker) stackSet(ss *stacksets.StackSet) {
	name := "StackSet " + ss.Name
	if len(ss.Placements) == 0 {
		c.fail(name, "", "delivers no placement")
		return
	}
	r := ss.Placements[0]
	if ss.Name != r.StackSetName || ss.RoleName != r.Name {
		c.fail(name, "", "delivers role %s, whose StackSet is %s", r.Name, r.StackSetName)
	}
	if len(ss.Template) > stacksets.MaxTemplateBody {
		c.fail(name, "", "template is %d bytes, over CloudFormation's %d", len(ss.Template), stacksets.MaxTemplateBody)
	}
	t, err := parseTemplate([]byte(ss.Template))
	if err != nil {
		c.fail(name, ss.Template, "template does not parse: %v", err)
		return
	}
	if len(t.Resources) != 1 {
		c.fail(name, ss.Template, "template holds %d resources, want exactly the role", len(t.Resources))
	}
	role, err := t.GetIAMRoleWithName(stacksets.RoleLogicalID)
	if err != nil {
		c.fail(name, ss.Template, "template has no AWS::IAM::Role %q: %v", stacksets.RoleLogicalID, err)
		return
	}
	want := func(field string, got, declared any) {
		if fmt.Sprint(got) != fmt.Sprint(declared) {
			c.fail(name, ss.Template, "role %s is %v, declared %v", field, got, declared)
		}
	}
	want("name", deref(role.RoleName), r.Name)
	want("path", deref(role.Path), r.Path)
	want("max session", derefInt(role.MaxSessionDuration), r.MaxSessionDuration)
	want("permissions boundary", deref(role.PermissionsBoundary), r.PermissionsBoundary)
	want("description", deref(role.Description), r.Description)
	want("managed policy list", sortedStrings(role.ManagedPolicyArns), r.ManagedPolicyARNs)
	gotTags := map[string]string{}
	for _, tag := range role.Tags {
		gotTags[tag.Key] = tag.Value
	}
	if !maps.Equal(gotTags, r.Tags) && !(len(gotTags) == 0 && len(r.Tags) == 0) {
		c.fail(name, ss.Template, "role tags are %v, declared %v", gotTags, r.Tags)
	}
	trust, err := json.Marshal(role.AssumeRolePolicyDocument)
	switch {
	case err != nil:
		c.fail(name, ss.Template, "trust policy cannot be read: %v", err)
	case r.Workload != nil:
		// One template, one provider ARN per account: read it in each.
		c.workloadTemplateTrust(name, ss, role.AssumeRolePolicyDocument)
	default:
		c.trust(r, string(trust))
	}
	inline := map[string]string{}
	for _, p := range role.Policies {
		text, err := json.Marshal(p.PolicyDocument)
		if err != nil {
			c.fail(name, ss.Template, "inline policy %s cannot be read: %v", p.PolicyName, err)
			continue
		}
		inline[p.PolicyName] = string(text)
		c.generic("inline policy "+p.PolicyName+" of "+name, string(text))
	}
	declared := map[string]string{}
	for _, p := range r.InlinePolicies {
		declared[p.Name] = p.Document
	}
	for _, pname := range sortedKeys(declared, inline) {
		if !sameDocument(inline[pname], declared[pname]) {
			c.fail(name, ss.Template, "inline policy %s is %s, declared %s", pname, orNone(inline[pname]), orNone(declared[pname]))
		}
	}
	c.instances(name, ss)
}

// instances holds the instances to the placements: an instance per
// placement, or the role's OUs; none for an account the role is not placed
// in, none twice.
func (c *checker) instances(name string, ss *stacksets.StackSet) {
	placed := map[string]bool{}
	for _, r := range ss.Placements {
		placed[r.Account.Name] = true
	}
	covered := map[string]int{}
	ous := map[string]bool{}
	for _, in := range ss.Instances {
		switch {
		case in.Account != nil:
			if !placed[in.Account.Name] {
				c.fail(name, "", "has an instance in account %s, where role %s is not placed", in.Account.Name, ss.RoleName)
			}
			covered[in.Account.Name]++
		case in.OrganizationalUnit != "":
			ous[in.OrganizationalUnit] = true
		default:
			c.fail(name, "", "has instance %s with neither account nor OU", in.Key)
		}
	}
	declaredOUs := map[string]bool{}
	for _, ou := range ss.OrganizationalUnits {
		declaredOUs[ou] = true
	}
	if !maps.Equal(ous, declaredOUs) {
		c.fail(name, "", "targets OUs %v, declared %v", slices.Sorted(maps.Keys(ous)), ss.OrganizationalUnits)
	}
	for account := range placed {
		n := covered[account]
		switch {
		case len(declaredOUs) == 0 && n != 1:
			c.fail(name, "", "has %d instances in account %s, want 1", n, account)
		case len(declaredOUs) > 0 && n != 0:
			c.fail(name, "", "has an instance in account %s besides the OU targets that cover it", account)
		}
	}
}

// administration checks the SELF_MANAGED administration role: trusted by
// CloudFormation alone, for this account's iam-layout StackSets alone, and
// allowed nothing but sts:AssumeRole on the execution role.
func (c *checker) administration(admin *policies.StackSetAdministrationDocuments) {
	name := "trust policy of the StackSets administration role"
	doc, err := parse(admin.Trust)
	if err != nil {
		c.fail(name, admin.Trust, "does not parse: %v", err)
	} else {
		for i, st := range doc.Statements.Values() {
			at := fmt.Sprintf("Statement[%d] ", i)
			c.common(name, admin.Trust, at, st, true)
			if st.Effect != policy.EffectAllow {
				continue
			}
			if st.Principal == nil || !slices.Equal(st.Principal.Kinds(), []string{policy.PrincipalKindService}) ||
				!slices.Equal(values(st.Principal.Service()), []string{policies.ServiceCloudFormation}) {
				c.fail(name, admin.Trust, "%smust trust %s and nothing else", at, policies.ServiceCloudFormation)
			}
			if v := st.Condition[policies.OpStringEquals][policies.KeySourceAccount]; v == nil || !sameStrings(v, c.l.MasterAccountID) {
				c.fail(name, admin.Trust, "%smust require %s %s", at, policies.KeySourceAccount, c.l.MasterAccountID)
			}
			if v := st.Condition[policies.OpStringLike][policies.KeySourceArn]; v == nil || !sameStrings(v, policies.StackSetSourceArnPattern(c.l)) {
				c.fail(name, admin.Trust, "%smust require %s %s", at, policies.KeySourceArn, policies.StackSetSourceArnPattern(c.l))
			}
		}
	}
	name = "policy of the StackSets administration role"
	doc, err = parse(admin.Policy)
	if err != nil {
		c.fail(name, admin.Policy, "does not parse: %v", err)
		return
	}
	for i, st := range doc.Statements.Values() {
		at := fmt.Sprintf("Statement[%d] ", i)
		c.common(name, admin.Policy, at, st, false)
		if st.Effect != policy.EffectAllow {
			continue
		}
		if !slices.Equal(values(st.Action), []string{policies.ActionAssumeRole}) {
			c.fail(name, admin.Policy, "%sallows %v, want only %s", at, values(st.Action), policies.ActionAssumeRole)
		}
		if !slices.Equal(values(st.Resource), []string{policies.ExecutionRoleARNPattern(c.l)}) {
			c.fail(name, admin.Policy, "%sallows %v, want only the execution role %s", at, values(st.Resource), policies.ExecutionRoleARNPattern(c.l))
		}
	}
}

// assumeActions are the sts actions trust and grant documents may allow.
func assumeActions(l *layout.Layout) map[string]bool {
	actions := map[string]bool{policies.ActionAssumeRole: true}
	if l.Security.AllowSourceIdentity {
		actions[policies.ActionSetSourceIdentity] = true
	}
	if l.Security.AllowTagSession {
		actions[policies.ActionTagSession] = true
	}
	return actions
}

// sameDocument compares two JSON documents by value.
func sameDocument(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	na, errA := stacksets.Normalise([]byte(a))
	nb, errB := stacksets.Normalise([]byte(b))
	return errA == nil && errB == nil && na == nb
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

func sortedStrings(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

func sortedKeys(ms ...map[string]string) []string {
	set := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			set[k] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
