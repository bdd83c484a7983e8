package policycheck

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"iam-layout/layout"
	"iam-layout/policies"
	"iam-layout/stacksets"
)

// workloadsOrg has a GitHub workload nobody tests, in two accounts, and a
// GitLab workload with a pattern that a group tests with MFA.
const workloadsOrg = `{"masterAccountId":"012345678901",
  "accounts":{"qa":{"id":"234567890123"},"prod":{"id":"123456789012"}},
  "groups":{"testers":{}},
  "users":{"alice":{"groups":["testers"]}},
  "workloads":{
    "Deploy":{"ci":"github","repository":"acme/app","branches":["main"],"environments":["prod"],"accounts":["qa","prod"]},
    "Release":{"ci":"gitlab","repository":"acme/app","branches":["main"],"gitTags":["v*"],"allowPatterns":"Release","requireMfa":true,"groups":["testers"],"accounts":["qa"]}}}`

func loadWorkloadsOrg(t *testing.T, delivery string) (*layout.Layout, *policies.Documents) {
	t.Helper()
	var org map[string]any
	if err := json.Unmarshal([]byte(workloadsOrg), &org); err != nil {
		t.Fatal(err)
	}
	org["delivery"] = delivery
	raw, err := json.Marshal(org)
	if err != nil {
		t.Fatal(err)
	}
	l, err := layout.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := policies.Build(l)
	if err != nil {
		t.Fatal(err)
	}
	return l, docs
}

const (
	githubSub = "token.actions.githubusercontent.com:sub"
	githubAud = "token.actions.githubusercontent.com:aud"
)

// firstStatement is a trust document's Statement[0] (the web-identity one
// with the exact subjects), as plain JSON values.
func firstStatement(doc map[string]any) map[string]any {
	return doc["Statement"].([]any)[0].(map[string]any)
}

func conditions(st map[string]any) map[string]any { return st["Condition"].(map[string]any) }

func operator(st map[string]any, op string) map[string]any {
	c := conditions(st)
	if c[op] == nil {
		c[op] = map[string]any{}
	}
	return c[op].(map[string]any)
}

// trustMutations break a workload's trust one way each, as a bug (or a
// copied common module) would; want is the rule that must catch it.
var trustMutations = map[string]struct {
	role string
	edit func(doc map[string]any)
	want string
}{
	"subject condition removed": {"Deploy", func(doc map[string]any) {
		delete(operator(firstStatement(doc), "StringEquals"), githubSub)
	}, "has no subject condition on " + githubSub},
	"subject turned into ForAllValues:StringLike": {"Deploy", func(doc map[string]any) {
		st := firstStatement(doc)
		operator(st, "ForAllValues:StringLike")[githubSub] = operator(st, "StringEquals")[githubSub]
		delete(operator(st, "StringEquals"), githubSub)
	}, "uses ForAllValues:StringLike"},
	"audience turned into ForAnyValue:StringEquals": {"Deploy", func(doc map[string]any) {
		st := firstStatement(doc)
		operator(st, "ForAnyValue:StringEquals")[githubAud] = operator(st, "StringEquals")[githubAud]
		delete(operator(st, "StringEquals"), githubAud)
	}, "uses ForAnyValue:StringEquals"},
	"audience removed": {"Deploy", func(doc map[string]any) {
		delete(operator(firstStatement(doc), "StringEquals"), githubAud)
	}, `must require StringEquals ` + githubAud + ` "sts.amazonaws.com"`},
	"subject *": {"Deploy", func(doc map[string]any) {
		operator(firstStatement(doc), "StringEquals")[githubSub] = "*"
	}, `allows the subject "*", which is every token`},
	"an undeclared subject": {"Deploy", func(doc map[string]any) {
		operator(firstStatement(doc), "StringEquals")[githubSub] = []any{"repo:acme/app:ref:refs/heads/main", "repo:evil/app:ref:refs/heads/main"}
	}, `allows the subject "repo:evil/app:ref:refs/heads/main", which the workload does not declare`},
	"a declared subject dropped": {"Deploy", func(doc map[string]any) {
		operator(firstStatement(doc), "StringEquals")[githubSub] = "repo:acme/app:ref:refs/heads/main"
	}, "allows the subjects [repo:acme/app:ref:refs/heads/main], declared"},
	"a pattern without the opt-in": {"Deploy", func(doc map[string]any) {
		st := firstStatement(doc)
		operator(st, "StringLike")[githubSub] = "repo:acme/*"
		delete(operator(st, "StringEquals"), githubSub)
	}, "matches " + githubSub + " with StringLike, but the workload opted into no pattern"},
	"another account's provider": {"Deploy", func(doc map[string]any) {
		firstStatement(doc)["Principal"] = map[string]any{"Federated": "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com"}
	}, "must trust exactly the OIDC provider"},
	"an action besides web identity": {"Deploy", func(doc map[string]any) {
		firstStatement(doc)["Action"] = []any{"sts:AssumeRoleWithWebIdentity", "sts:TagSession"}
	}, "must allow sts:AssumeRoleWithWebIdentity and nothing else"},
	"the management account trusted without testers": {"Deploy", func(doc map[string]any) {
		doc["Statement"] = append(doc["Statement"].([]any), map[string]any{
			"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": map[string]any{"AWS": "arn:aws:iam::012345678901:root"}})
	}, "trusts the management account, but workload Deploy names no group to test it"},
	"the testers' MFA dropped": {"Release", func(doc map[string]any) {
		for _, st := range doc["Statement"].([]any) {
			if m := st.(map[string]any); m["Sid"] == policies.SidTrustManagementAccount {
				delete(m, "Condition")
			}
		}
	}, "grants an MFA role without Bool aws:MultiFactorAuthPresent"},
	"the pattern statement's subject removed": {"Release", func(doc map[string]any) {
		st := doc["Statement"].([]any)[1].(map[string]any)
		delete(operator(st, "StringLike"), "gitlab.com:sub")
	}, "has no subject condition on gitlab.com:sub"},
}

// TestTheCheckerCatchesBrokenWebIdentityTrusts breaks each workload trust
// providers delivery would create.
func TestTheCheckerCatchesBrokenWebIdentityTrusts(t *testing.T) {
	t.Parallel()
	l, docs := loadWorkloadsOrg(t, layout.DeliveryProviders)
	res, err := Check(l, docs)
	if err != nil {
		t.Fatalf("the unbroken documents fail: %v", err)
	}
	// A workload's role nobody's group may assume is reachable: by its CI.
	if len(res.Unreachable) != 0 {
		t.Errorf("unreachable: %v", res.Unreachable)
	}
	for name, m := range trustMutations {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l, docs := loadWorkloadsOrg(t, layout.DeliveryProviders)
			key := "qa/" + m.role
			var doc map[string]any
			if err := json.Unmarshal([]byte(docs.Trust[key]), &doc); err != nil {
				t.Fatal(err)
			}
			m.edit(doc)
			broken, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			docs.Trust[key] = string(broken)
			_, err = Check(l, docs)
			var ce *Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), m.want) {
				t.Errorf("not caught as %q:\n%v", m.want, err)
			}
		})
	}
}

// TestTheCheckerCatchesBrokenWebIdentityTrustsInTemplates breaks the same
// way each workload trust a StackSet template holds, Fn::Sub and all.
func TestTheCheckerCatchesBrokenWebIdentityTrustsInTemplates(t *testing.T) {
	t.Parallel()
	plan := func(t *testing.T) (*layout.Layout, *policies.Documents, []stacksets.StackSet) {
		l, docs := loadWorkloadsOrg(t, layout.DeliveryStackSets)
		sets, err := stacksets.Build(l, docs.Trust)
		if err != nil {
			t.Fatal(err)
		}
		return l, docs, sets
	}
	l, docs, sets := plan(t)
	if err := CheckStackSets(l, docs, sets); err != nil {
		t.Fatalf("the unbroken templates fail: %v", err)
	}
	for name, m := range trustMutations {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l, docs, sets := plan(t)
			for i := range sets {
				if sets[i].RoleName == m.role {
					editTemplate(t, &sets[i], func(props map[string]any) {
						m.edit(props["AssumeRolePolicyDocument"].(map[string]any))
					})
				}
			}
			err := CheckStackSets(l, docs, sets)
			var ce *Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), m.want) {
				t.Errorf("not caught as %q:\n%v", m.want, err)
			}
		})
	}
}

// TestATemplateNamesEachAccountsOwnProvider: the Fn::Sub is what makes a
// shared template name each account's provider; a literal account in its
// place is caught in every other account.
func TestATemplateNamesEachAccountsOwnProvider(t *testing.T) {
	t.Parallel()
	l, docs := loadWorkloadsOrg(t, layout.DeliveryStackSets)
	sets, err := stacksets.Build(l, docs.Trust)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sets {
		if sets[i].RoleName != "Deploy" {
			continue
		}
		editTemplate(t, &sets[i], func(props map[string]any) {
			for _, st := range statements(props) {
				st.(map[string]any)["Principal"] = map[string]any{"Federated": "arn:aws:iam::234567890123:oidc-provider/token.actions.githubusercontent.com"}
			}
		})
	}
	err = CheckStackSets(l, docs, sets)
	if err == nil || !strings.Contains(err.Error(), "StackSet iam-layout-Deploy in account prod: trust policy differs") ||
		strings.Contains(err.Error(), "in account qa: trust policy differs") {
		t.Errorf("err = %v", err)
	}
	// Another intrinsic function than Fn::Sub of the account has no place
	// in a trust policy.
	for i := range sets {
		if sets[i].RoleName == "Deploy" {
			editTemplate(t, &sets[i], func(props map[string]any) {
				statements(props)[0].(map[string]any)["Principal"] = map[string]any{"Federated": map[string]any{"Fn::ImportValue": "provider"}}
			})
		}
	}
	if err := CheckStackSets(l, docs, sets); err == nil || !strings.Contains(err.Error(), "intrinsic function Fn::ImportValue") {
		t.Errorf("err = %v", err)
	}
}

func TestTheCheckerHoldsProviderTemplatesToTheIssuers(t *testing.T) {
	t.Parallel()
	l, _ := loadWorkloadsOrg(t, layout.DeliveryStackSets)
	good := func() []stacksets.ProviderStackSet {
		sets, err := stacksets.BuildOIDCProviders(l)
		if err != nil {
			t.Fatal(err)
		}
		return sets
	}
	if err := CheckOIDCProviderStackSets(l, good()); err != nil {
		t.Fatalf("the unbroken plans fail: %v", err)
	}
	cases := map[string]struct {
		edit func(sets []stacksets.ProviderStackSet) []stacksets.ProviderStackSet
		want string
	}{
		"an issuer without its StackSet": {func(s []stacksets.ProviderStackSet) []stacksets.ProviderStackSet { return s[1:] }, "is missing: issuer"},
		"an account without its instance": {func(s []stacksets.ProviderStackSet) []stacksets.ProviderStackSet {
			for i := range s {
				s[i].Instances = s[i].Instances[:len(s[i].Instances)-1]
			}
			return s
		}, "has 0 instances in account"},
		"a wider audience list": {func(s []stacksets.ProviderStackSet) []stacksets.ProviderStackSet {
			for i := range s {
				iss := *s[i].Issuer
				body, err := stacksets.OIDCProviderTemplate(&iss, append(s[i].ClientIDs, "anyone"))
				if err != nil {
					t.Fatal(err)
				}
				s[i].Template = body
			}
			return s
		}, "provider accepts the audiences"},
		"another URL": {func(s []stacksets.ProviderStackSet) []stacksets.ProviderStackSet {
			iss := *s[0].Issuer
			iss.URL = "https://evil.example.com"
			body, err := stacksets.OIDCProviderTemplate(&iss, s[0].ClientIDs)
			if err != nil {
				t.Fatal(err)
			}
			s[0].Template = body
			return s
		}, `provider URL is "https://evil.example.com"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := CheckOIDCProviderStackSets(l, tc.edit(good()))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("not caught as %q: %v", tc.want, err)
			}
		})
	}
}

// TestAFederatedPrincipalOnAnOrdinaryRoleIsAViolation: only a workload's
// role may trust an OIDC provider.
func TestAFederatedPrincipalOnAnOrdinaryRoleIsAViolation(t *testing.T) {
	t.Parallel()
	l, err := layout.Load([]byte(`{"masterAccountId":"012345678901","accounts":{"qa":{"id":"234567890123"}},
	  "roles":{"ReadOnly":{"accounts":["qa"]}},"groups":{"readers":{"roles":["ReadOnly"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := policies.Build(l)
	if err != nil {
		t.Fatal(err)
	}
	docs.Trust["qa/ReadOnly"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity",
	  "Principal":{"Federated":"arn:aws:iam::234567890123:oidc-provider/token.actions.githubusercontent.com"},
	  "Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"}}}]}`
	_, err = Check(l, docs)
	if err == nil || !strings.Contains(err.Error(), "trusts a Federated principal; only accounts are trusted") {
		t.Errorf("err = %v", err)
	}
}
