package handover

import (
	"strings"
	"testing"

	"iam-layout/layout"
)

// TestAStackWithWorkloadsIsNotHandedOverBlindly: the script and the import
// file adopt roles only; a stack whose workloads have OIDC providers is
// refused with what to do, and its templates stay available.
func TestAStackWithWorkloadsIsNotHandedOverBlindly(t *testing.T) {
	t.Parallel()
	p := plan(t, spec(func(s *layout.Spec) {
		s.Workloads = map[string]layout.WorkloadSpec{"Deploy": {
			CI: layout.CIGitHub, Repository: "acme/app", Branches: []string{"main"},
			Role: layout.RoleSpec{Accounts: []string{s.Roles[firstRole(s)].Accounts[0]}},
		}}
	}), "us-east-1")
	for what, err := range map[string]error{"import file": second(p.ImportFile("iam-layout", "dev")), "hand-over script": second(p.Script("dev"))} {
		if err == nil || !strings.Contains(err.Error(), "workloads: the hand-over tooling does not adopt the CI workloads' OIDC providers (of https://token.actions.githubusercontent.com)") {
			t.Errorf("%s: err = %v", what, err)
		}
	}
	if _, ok := p.Templates()[layout.StackSetName("Deploy", "")]; !ok {
		t.Error("no template for the workload's role")
	}
}

func firstRole(s *layout.Spec) string {
	for name := range s.Roles {
		return name
	}
	return ""
}
