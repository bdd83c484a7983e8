package policies

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/micahhausler/aws-iam-policy/policy"

	"iam-layout/layout"
)

func TestAWorkloadTrustIsExactAndHasNoSetOperator(t *testing.T) {
	t.Parallel()
	l, err := layout.Load([]byte(`{"masterAccountId":"012345678901",
	  "accounts":{"qa":{"id":"234567890123"}},
	  "groups":{"testers":{}},
	  "workloads":{"Release":{"ci":"gitlab","repository":"acme/app","branches":["main"],"gitTags":["v*"],
	    "allowPatterns":"Release","destructive":false,"requireMfa":true,"groups":["testers"],"accounts":["qa"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := Build(l)
	if err != nil {
		t.Fatal(err)
	}
	got := docs.Trust["qa/Release"]
	federated := `"Principal":{"Federated":"arn:aws:iam::234567890123:oidc-provider/gitlab.com"}`
	want := `{"Statement":[` +
		`{"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"https://gitlab.com","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}},"Effect":"Allow",` + federated + `,"Sid":"TrustCI"},` +
		`{"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"gitlab.com:aud":"https://gitlab.com"},"StringLike":{"gitlab.com:sub":"project_path:acme/app:ref_type:tag:ref:v*"}},"Effect":"Allow",` + federated + `,"Sid":"TrustCIPatterns"},` +
		`{"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}},"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Sid":"TrustManagementAccount"}` +
		`],"Version":"2012-10-17"}`
	if got != want {
		t.Errorf("trust policy:\n got %s\nwant %s", got, want)
	}
	var doc policy.Policy
	if err := json.Unmarshal([]byte(got), &doc); err != nil {
		t.Fatal(err)
	}
	for _, st := range doc.Statements.Values() {
		for op := range st.Condition {
			if strings.HasPrefix(op, "For") {
				t.Errorf("%s uses %s", st.Sid, op)
			}
		}
	}
	// The StackSet form differs only in the account.
	tmpl, err := Marshal(WorkloadTrust(l, l.Roles[0], AccountIDVariable))
	if err != nil {
		t.Fatal(err)
	}
	if strings.ReplaceAll(tmpl, AccountIDVariable, "234567890123") != got {
		t.Errorf("template form %s", tmpl)
	}
}
