package policies

import (
	"strings"
	"testing"

	"iam-layout/layout"
)

const org = `{
  "masterAccountId": "012345678901",
  "mfaMaxAgeSeconds": 900,
  "accounts": {"dev": {"id": "345678901234"}, "prod": {"id": "123456789012"}},
  "roles": {
    "ReadOnly": {"accounts": ["dev", "prod"]},
    "Breakglass": {"accounts": ["prod"], "destructive": true}
  },
  "groups": {"oncall": {"roles": ["ReadOnly", "Breakglass"]}}
}`

func load(t *testing.T) *layout.Layout {
	t.Helper()
	l, err := layout.Load([]byte(org))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestDocumentsAreDeterministicAndCompact(t *testing.T) {
	t.Parallel()
	a, err := Build(load(t))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		b, err := Build(load(t))
		if err != nil {
			t.Fatal(err)
		}
		if b.Groups["oncall"][0].Document != a.Groups["oncall"][0].Document || b.Trust["prod/Breakglass"] != a.Trust["prod/Breakglass"] {
			t.Fatal("the same layout produced different documents")
		}
	}
	for key, doc := range a.Trust {
		if strings.ContainsAny(doc, " \n\t") {
			t.Errorf("trust policy of %s holds whitespace: %s", key, doc)
		}
	}
}

func TestGroupGrantSeparatesMFARolesAndNamesEveryARN(t *testing.T) {
	t.Parallel()
	l := load(t)
	docs, err := Build(l)
	if err != nil {
		t.Fatal(err)
	}
	got := docs.Groups["oncall"][0].Document
	want := `{"Statement":[` +
		`{"Action":"sts:AssumeRole","Effect":"Allow","Resource":["arn:aws:iam::345678901234:role/ReadOnly","arn:aws:iam::123456789012:role/ReadOnly"],"Sid":"AssumeRoles"},` +
		`{"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"900"}},"Effect":"Allow","Resource":["arn:aws:iam::123456789012:role/Breakglass"],"Sid":"AssumeRolesWithMFA"}` +
		`],"Version":"2012-10-17"}`
	if got != want {
		t.Errorf("group policy:\n got %s\nwant %s", got, want)
	}
}

func TestThirdPartyTrustCarriesTheExternalIDOnEveryAllow(t *testing.T) {
	t.Parallel()
	l, err := layout.Load([]byte(`{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111"}},
	  "roles":{"Vendor":{"accounts":["a"],"trustedAccounts":["999999999999"],"externalId":"vendor-7f3a","requireMfa":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Marshal(Trust(l, l.Roles[0]))
	if err != nil {
		t.Fatal(err)
	}
	cond := `"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"},"StringEquals":{"sts:ExternalId":"vendor-7f3a"}}`
	want := `{"Statement":[` +
		`{"Action":"sts:AssumeRole",` + cond + `,"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Sid":"TrustManagementAccount"},` +
		`{"Action":"sts:AssumeRole",` + cond + `,"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Sid":"TrustThirdParties"}` +
		`],"Version":"2012-10-17"}`
	if got != want {
		t.Errorf("trust policy:\n got %s\nwant %s", got, want)
	}
}
