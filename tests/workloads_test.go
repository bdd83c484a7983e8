package tests

import (
	"bytes"
	"encoding/json"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/intrinsics"
	"github.com/micahhausler/aws-iam-policy/policy"
	"gopkg.in/yaml.v3"

	"iam-layout/cli"
	"iam-layout/contract"
	"iam-layout/stackfile"
)

// ciConfig is the shipped Pulumi.ci.yaml in the given delivery.
func ciConfig(t *testing.T, delivery string, fn func(org map[string]any)) map[string]string {
	t.Helper()
	cfg, err := stackfile.Read("..", "ci")
	if err != nil {
		t.Fatal(err)
	}
	var org map[string]any
	if err := json.Unmarshal([]byte(cfg[project+":organization"]), &org); err != nil {
		t.Fatal(err)
	}
	org["delivery"] = delivery
	if fn != nil {
		fn(org)
	}
	out := withOrganization(org)
	out["aws:region"] = cfg["aws:region"]
	return out
}

// The made-up accounts of the shipped CI stack.
const (
	devID  = "345678901234"
	qaID   = "234567890123"
	prodID = "123456789012"
)

// webTrust is the trust policy the issue asks for, written out here rather
// than computed with the program's code: the account's provider may
// sts:AssumeRoleWithWebIdentity with StringEquals on the audience and the
// exact subjects, StringLike only on the opted-in patterns.
func webTrust(account, host, audience string, subjects, patterns []string, testers bool) string {
	provider := "arn:aws:iam::" + account + ":oidc-provider/" + host
	var statements []string
	list := func(s []string) string {
		b, _ := json.Marshal(s)
		return string(b)
	}
	if len(subjects) > 0 {
		statements = append(statements, `{"Sid":"TrustCI","Effect":"Allow","Principal":{"Federated":"`+provider+`"},"Action":"sts:AssumeRoleWithWebIdentity",
		  "Condition":{"StringEquals":{"`+host+`:aud":"`+audience+`","`+host+`:sub":`+list(subjects)+`}}}`)
	}
	if len(patterns) > 0 {
		statements = append(statements, `{"Sid":"TrustCIPatterns","Effect":"Allow","Principal":{"Federated":"`+provider+`"},"Action":"sts:AssumeRoleWithWebIdentity",
		  "Condition":{"StringEquals":{"`+host+`:aud":"`+audience+`"},"StringLike":{"`+host+`:sub":`+list(patterns)+`}}}`)
	}
	if testers {
		statements = append(statements, `{"Sid":"TrustManagementAccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole"}`)
	}
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// ciWant is what the shipped CI stack declares: each workload role's trust
// by account/role, and each account's OIDC providers with their audiences.
func ciWant() (trusts map[string]string, providers map[string][]string) {
	github := webTrust(qaID, "token.actions.githubusercontent.com", "sts.amazonaws.com",
		[]string{"repo:alfie-corp/alfie:environment:qa", "repo:alfie-corp/alfie:ref:refs/heads/main"}, nil, true)
	gitlab := func(account string) string {
		return webTrust(account, "gitlab.com", "https://gitlab.com",
			[]string{"project_path:alfie-corp/platform/alfie:ref_type:branch:ref:main"},
			[]string{"project_path:alfie-corp/platform/alfie:ref_type:tag:ref:v*"}, false)
	}
	trusts = map[string]string{
		"qa/AlfieDeployFromGitHub":           github,
		"qa/AlfieReleaseFromGitLab":          gitlab(qaID),
		"development/AlfieReleaseFromGitLab": gitlab(devID),
	}
	providers = map[string][]string{
		qaID + " https://token.actions.githubusercontent.com": {"sts.amazonaws.com"},
		qaID + " https://gitlab.com":                          {"https://gitlab.com"},
		devID + " https://gitlab.com":                         {"https://gitlab.com"},
	}
	return trusts, providers
}

// parsedTrust parses a trust document and checks the rules the issue sets
// for every web-identity statement, whatever the expected document says.
func parsedTrust(t *testing.T, what, text string) *policy.Policy {
	t.Helper()
	var doc policy.Policy
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("%s: trust does not parse: %v\n%s", what, err, text)
	}
	for _, st := range doc.Statements.Values() {
		if st.Principal == nil || st.Principal.Federated() == nil {
			continue
		}
		for op := range st.Condition {
			if strings.HasPrefix(op, "ForAllValues:") || strings.HasPrefix(op, "ForAnyValue:") {
				t.Errorf("%s: %s uses %s", what, st.Sid, op)
			}
		}
		var hasSub bool
		for op, keys := range st.Condition {
			for key := range keys {
				if strings.HasSuffix(key, ":sub") && (op == "StringEquals" || op == "StringLike") {
					hasSub = true
				}
			}
		}
		if !hasSub {
			t.Errorf("%s: %s has no subject condition", what, st.Sid)
		}
	}
	return &doc
}

// TestTheShippedCIStackCreatesExactlyTheDeclaredProvidersAndTrusts runs
// Pulumi.ci.yaml in providers delivery: one OIDC provider per account and
// issuer, without thumbprint, and each workload role trusting exactly it,
// created after it.
func TestTheShippedCIStackCreatesExactlyTheDeclaredProvidersAndTrusts(t *testing.T) {
	t.Parallel()
	res := mustRun(t, ciConfig(t, "providers", nil))
	wantTrusts, wantProviders := ciWant()

	gotProviders := map[string][]string{}
	providerURN := map[string]string{}
	for _, p := range res.ofType(typeOIDCProvider) {
		gotProviders[p.AccountID+" "+p.str("url")] = stringList(p.Inputs["clientIdLists"])
		if tp := p.Inputs["thumbprintLists"]; tp.IsArray() || tp.IsString() {
			t.Errorf("%s sends thumbprints %v: AWS ignores them for GitHub and GitLab.com", p.Name, tp)
		}
		providerURN[p.AccountID+"/"+strings.TrimPrefix(p.str("url"), "https://")] = p.URN
		if account := strings.SplitN(p.Name, "/", 2)[0]; !strings.Contains(p.Parent, typeAccount) || !strings.HasSuffix(p.Parent, "::"+account) ||
			p.ProviderID != "provider-"+account {
			t.Errorf("%s: parent %s, provider %s", p.Name, p.Parent, p.ProviderID)
		}
	}
	if !maps.EqualFunc(gotProviders, wantProviders, slices.Equal[[]string]) {
		t.Errorf("OIDC providers %v, want %v", gotProviders, wantProviders)
	}
	if names := slices.Sorted(maps.Keys(nameSet(res.ofType(typeOIDCProvider)))); !slices.Equal(names, []string{
		"development/oidc/gitlab.com", "qa/oidc/gitlab.com", "qa/oidc/token.actions.githubusercontent.com"}) {
		t.Errorf("provider logical names %v", names)
	}

	seen := 0
	for _, r := range res.ofType(typeRole) {
		want, ok := wantTrusts[r.Name]
		if !ok {
			continue
		}
		seen++
		text := r.str("assumeRolePolicy")
		doc := parsedTrust(t, r.Name, text)
		assertEquivalent(t, r.Name+" trust", text, want)
		// The role waits for the provider its trust names.
		for _, st := range doc.Statements.Values() {
			if st.Principal.Federated() == nil {
				continue
			}
			arn := st.Principal.Federated().Values()[0]
			_, host, _ := strings.Cut(arn, ":oidc-provider/")
			urn := providerURN[r.AccountID+"/"+host]
			if urn == "" || !slices.Contains(r.Dependencies, urn) {
				t.Errorf("%s trusts %s but does not depend on it (depends on %v)", r.Name, arn, r.Dependencies)
			}
		}
	}
	if seen != len(wantTrusts) {
		t.Errorf("%d workload roles, want %d", seen, len(wantTrusts))
	}
}

func nameSet(recs []recorded) map[string]bool {
	out := map[string]bool{}
	for _, r := range recs {
		out[r.Name] = true
	}
	return out
}

// TestTheShippedCIStackDeliveredByStackSets runs Pulumi.ci.yaml in
// stackSets delivery: no per-account provider of any kind; one StackSet
// per issuer holding one AWS::IAM::OIDCProvider with an instance in each
// account that needs it; each workload role's template trust names its
// account's provider through Fn::Sub, so the role CloudFormation creates in
// each account trusts exactly that account's provider, created first.
func TestTheShippedCIStackDeliveredByStackSets(t *testing.T) {
	t.Parallel()
	res := mustRun(t, ciConfig(t, "stackSets", nil))
	wantTrusts, wantProviders := ciWant()
	if n := len(res.ofType(typeProvider)) + len(res.ofType(typeOIDCProvider)); n != 0 {
		t.Errorf("%d per-account providers (aws or OIDC) in stackSets delivery", n)
	}

	gotProviders := map[string][]string{}
	instanceURN := map[string]string{}
	for _, ss := range res.ofType(typeStackSet) {
		tmpl, err := goformation.ParseJSONWithOptions([]byte(ss.str("templateBody")), &intrinsics.ProcessorOptions{NoProcess: true})
		if err != nil {
			t.Fatalf("%s: %v", ss.Name, err)
		}
		oidc := tmpl.GetAllIAMOIDCProviderResources()
		if len(oidc) == 0 {
			continue
		}
		if len(oidc) != 1 || len(tmpl.Resources) != 1 || !strings.HasPrefix(ss.Name, "oidc/") || !strings.Contains(ss.Parent, typeOIDCStackSet) {
			t.Fatalf("%s (parent %s): %d resources, %d OIDC providers; want one", ss.Name, ss.Parent, len(tmpl.Resources), len(oidc))
		}
		for _, p := range oidc {
			if len(p.ThumbprintList) != 0 {
				t.Errorf("%s: thumbprints %v", ss.Name, p.ThumbprintList)
			}
			for _, in := range res.ofType(typeStackSetInst) {
				if in.Parent != ss.Parent {
					continue
				}
				account := seedAccounts[strings.SplitN(in.Name, "/", 2)[0]]
				gotProviders[account+" "+*p.Url] = sortedCopy(p.ClientIdList)
				instanceURN[account+"/"+strings.TrimPrefix(*p.Url, "https://")] = in.URN
			}
		}
	}
	if !maps.EqualFunc(gotProviders, wantProviders, slices.Equal[[]string]) {
		t.Errorf("OIDC providers by instance %v, want %v", gotProviders, wantProviders)
	}

	// The roles CloudFormation created, with the trust each got in its
	// account.
	seen := 0
	for _, r := range res.CFNRoles {
		name := r.ARN[strings.LastIndex(r.ARN, "/")+1:]
		key := accountName(r.AccountID) + "/" + name
		want, ok := wantTrusts[key]
		if !ok {
			continue
		}
		seen++
		parsedTrust(t, key, r.Trust)
		assertEquivalent(t, key+" trust in its account", r.Trust, want)
	}
	if seen != len(wantTrusts) {
		t.Errorf("%d workload roles created by CloudFormation, want %d", seen, len(wantTrusts))
	}
	// The template itself writes the provider with Fn::Sub, never an
	// account ID: one template serves every account.
	for _, ss := range res.ofType(typeStackSet) {
		if body := ss.str("templateBody"); strings.Contains(body, "oidc-provider/") &&
			!strings.Contains(ss.Name, "oidc/") && (!strings.Contains(body, `"Fn::Sub":"arn:aws:iam::${AWS::AccountId}:oidc-provider/`) ||
			strings.Contains(body, ":"+qaID+":oidc-provider") || strings.Contains(body, ":"+devID+":oidc-provider")) {
			t.Errorf("%s: the template does not name the provider through ${AWS::AccountId}:\n%s", ss.Name, body)
		}
	}
	// Each workload role's instance waits for its account's provider
	// instance.
	for _, in := range res.ofType(typeStackSetInst) {
		if _, ok := wantTrusts[in.Name]; !ok {
			continue
		}
		account := seedAccounts[strings.SplitN(in.Name, "/", 2)[0]]
		host := "gitlab.com"
		if strings.HasSuffix(in.Name, "GitHub") {
			host = "token.actions.githubusercontent.com"
		}
		if urn := instanceURN[account+"/"+host]; urn == "" || !slices.Contains(in.Dependencies, urn) {
			t.Errorf("instance %s does not wait for the provider instance %q (depends on %v)", in.Name, urn, in.Dependencies)
		}
	}
}

func accountName(id string) string {
	for name, v := range seedAccounts {
		if v == id {
			return name
		}
	}
	return id
}

// TestBothDeliveriesOfTheCIStackExportTheSameContract: outputs other than
// delivery agree, the workloads output among them, and the workload roles
// are in roleArns and roles like any role.
func TestBothDeliveriesOfTheCIStackExportTheSameContract(t *testing.T) {
	t.Parallel()
	providers := mustRun(t, ciConfig(t, "providers", nil))
	sets := mustRun(t, ciConfig(t, "stackSets", nil))
	for key, want := range providers.Exports {
		if key != "delivery" && !jsonEqual(sets.Exports[key], want) {
			t.Errorf("output %s differs between the deliveries", key)
		}
	}
	if providers.Exports["contractVersion"] != float64(1) {
		t.Errorf("contract version %v", providers.Exports["contractVersion"])
	}
	arns := providers.Exports["roleArns"].(map[string]any)
	if arns["qa"].(map[string]any)["AlfieDeployFromGitHub"] != "arn:aws:iam::234567890123:role/AlfieDeployFromGitHub" ||
		arns["development"].(map[string]any)["AlfieReleaseFromGitLab"] != "arn:aws:iam::345678901234:role/AlfieReleaseFromGitLab" {
		t.Errorf("roleArns %v", arns)
	}
	w := providers.Exports["workloads"].(map[string]any)
	gh := w["AlfieDeployFromGitHub"].(map[string]any)["qa"].(map[string]any)
	if gh["roleArn"] != "arn:aws:iam::234567890123:role/AlfieDeployFromGitHub" || gh["ci"] != "github" ||
		gh["issuer"] != "https://token.actions.githubusercontent.com" || gh["audience"] != "sts.amazonaws.com" || gh["accountId"] != qaID {
		t.Errorf("workloads.AlfieDeployFromGitHub.qa = %v", gh)
	}
	if got := len(w["AlfieReleaseFromGitLab"].(map[string]any)); got != 2 {
		t.Errorf("AlfieReleaseFromGitLab in %d accounts, want 2", got)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestTestersAssumeTheMachinesRoleLikePeoplesRoles (seed 003): the group a
// workload names may assume its role, through the same grant, with MFA
// when the workload is destructive; the role then has a profile, and a
// workload nobody tests has none and warns of nothing.
func TestTestersAssumeTheMachinesRoleLikePeoplesRoles(t *testing.T) {
	t.Parallel()
	res := mustRun(t, ciConfig(t, "providers", func(org map[string]any) {
		obj(org, "workloads")["AlfieProductionDeploy"] = map[string]any{
			"ci": "github", "repository": "alfie-corp/alfie", "environments": []any{"production"},
			"destructive": true, "groups": []any{"alfie-developers"}, "accounts": []any{"production"},
		}
	}))
	grant, ok := res.named(typePolicy, "alfie-developers-assume-roles")
	if !ok {
		t.Fatal("no grant")
	}
	var doc policy.Policy
	if err := json.Unmarshal([]byte(grant.str("policy")), &doc); err != nil {
		t.Fatal(err)
	}
	mfa := map[string]bool{}
	for _, st := range doc.Statements.Values() {
		for _, arn := range st.Resource.Values() {
			mfa[arn] = st.Condition["Bool"]["aws:MultiFactorAuthPresent"] != nil
		}
	}
	for arn, wantMFA := range map[string]bool{
		"arn:aws:iam::234567890123:role/AlfieDeployFromGitHub": false,
		"arn:aws:iam::123456789012:role/AlfieProductionDeploy": true,
	} {
		if got, ok := mfa[arn]; !ok || got != wantMFA {
			t.Errorf("grant of %s: present %v, MFA %v (want %v)", arn, ok, got, wantMFA)
		}
	}
	if _, ok := mfa["arn:aws:iam::234567890123:role/AlfieReleaseFromGitLab"]; ok {
		t.Error("a workload nobody tests is granted")
	}
	role, _ := res.named(typeRole, "production/AlfieProductionDeploy")
	assertEquivalent(t, "destructive workload trust", role.str("assumeRolePolicy"), `{"Version":"2012-10-17","Statement":[
	  {"Sid":"TrustCI","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity",
	   "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:alfie-corp/alfie:environment:production"}}},
	  {"Sid":"TrustManagementAccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole",
	   "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}`)
	config := res.Exports["awsConfig"].(string)
	for profile, want := range map[string]bool{
		"[profile alfie-deploy-from-git-hub-qa]":           true,
		"[profile alfie-production-deploy-production]":     true,
		"[profile alfie-release-from-git-lab-qa]":          false,
		"[profile alfie-release-from-git-lab-development]": false,
	} {
		if strings.Contains(config, profile) != want {
			t.Errorf("awsConfig holds %s: %v, want %v", profile, !want, want)
		}
	}
	links := res.Exports["switchRoleUrls"].(map[string]any)
	if _, ok := links["development"].(map[string]any)["AlfieReleaseFromGitLab"]; ok {
		t.Error("a switch-role link to a role no person may assume")
	}
}

// TestWorkloadRefusalsRegisterNothing: every refusal of the issue, in one
// run of the program, stops it before the first registration.
func TestWorkloadRefusalsRegisterNothing(t *testing.T) {
	t.Parallel()
	res := run(t, ciConfig(t, "stackSets", func(org map[string]any) {
		w := obj(org, "workloads")
		w["NoSubject"] = map[string]any{"ci": "github", "accounts": []any{"qa"}}
		w["Star"] = map[string]any{"ci": "github", "subjects": []any{"*"}, "accounts": []any{"qa"}}
		w["WholeOrg"] = map[string]any{"ci": "github", "repository": "alfie-corp/*", "branches": []any{"main"}, "accounts": []any{"qa"}}
		w["AllBranches"] = map[string]any{"ci": "gitlab", "repository": "alfie-corp/alfie", "branches": []any{"*"}, "accounts": []any{"qa"}}
		w["Copied"] = map[string]any{"ci": "gitlab", "repository": "alfie-corp/alfie", "gitTags": []any{"v*"}, "allowPatterns": "AlfieReleaseFromGitLab", "accounts": []any{"qa"}}
		w["Wrecker"] = map[string]any{"ci": "github", "repository": "alfie-corp/alfie", "branches": []any{"main"}, "destructive": true, "accounts": []any{"production"}}
		w["Plain"] = map[string]any{"ci": "custom", "issuer": "http://ci.example.com", "audience": "aws", "subjects": []any{"x"}, "accounts": []any{"qa"}}
	}))
	if res.Err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		"workloads.NoSubject: names nothing that may assume the role",
		`workloads.Star.subjects[0]: "*" matches every token of the issuer`,
		`workloads.WholeOrg.branches[0]: repository "alfie-corp/*" is every repository of alfie-corp`,
		`workloads.AllBranches.branches[0]: "*" is every branch`,
		`workloads.Copied.allowPatterns: is "AlfieReleaseFromGitLab", not this workload's name "Copied"`,
		"workloads.Wrecker.branches: a destructive workload may be assumed only from protected deployment environments",
		`workloads.Plain.issuer: "http://ci.example.com" is not an https:// URL`,
	} {
		if !strings.Contains(res.Err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, res.Err)
		}
	}
	if len(res.Resources) != 0 {
		t.Errorf("%d resources registered before the refusal", len(res.Resources))
	}
}

// TestAStackWithoutWorkloadsGainsNothing: the dev stack exports no
// workloads and creates no OIDC provider, in either delivery.
func TestAStackWithoutWorkloadsGainsNothing(t *testing.T) {
	t.Parallel()
	for _, res := range []*result{mustRun(t, devConfig(t)), mustRun(t, stackSetsDev(t, nil))} {
		if _, ok := res.Exports["workloads"]; ok {
			t.Error("a stack without workloads exports workloads")
		}
		if n := len(res.ofType(typeOIDCProvider)) + len(res.ofType(typeOIDCStackSet)); n != 0 {
			t.Errorf("%d OIDC resources", n)
		}
	}
}

// TestTheMocksRefuseATrustNamingAMissingProvider keeps the mocks honest:
// a role whose trust names an OIDC provider its account lacks is refused,
// as IAM refuses it.
func TestTheMocksRefuseATrustNamingAMissingProvider(t *testing.T) {
	t.Parallel()
	m := newMocks(seedMaster)
	trust := webTrust(qaID, "token.actions.githubusercontent.com", "sts.amazonaws.com", []string{"repo:a/b:ref:refs/heads/main"}, nil, false)
	if err := m.checkTrustPrincipals(qaID, trust); err == nil || !strings.Contains(err.Error(), "Invalid principal in policy") {
		t.Errorf("err = %v", err)
	}
	if _, err := m.addOIDCProvider(qaID, "https://token.actions.githubusercontent.com", []string{"sts.amazonaws.com"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := m.checkTrustPrincipals(qaID, trust); err != nil {
		t.Errorf("err = %v", err)
	}
	noSub := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity",
	  "Principal":{"Federated":"arn:aws:iam::` + qaID + `:oidc-provider/token.actions.githubusercontent.com"},
	  "Condition":{"ForAllValues:StringLike":{"token.actions.githubusercontent.com:sub":"repo:a/*"}}}]}`
	if err := m.checkTrustPrincipals(qaID, noSub); err == nil || !strings.Contains(err.Error(), "must evaluate") {
		t.Errorf("err = %v", err)
	}
	if err := m.checkTrustPrincipals(devID, trust); err == nil {
		t.Error("a provider of another account accepted")
	}
}

// offlineCI runs the offline command on the shipped CI stack.
func offlineCI(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := cli.Run(append(args, "--stack", "ci", "--dir", ".."), &stdout, &stderr); code != cli.ExitOK {
		t.Fatalf("iam-layout %v: exit %d: %s", args, code, stderr.String())
	}
	return stdout.String()
}

// TestTheWorkloadsOutputIsWhatTheOfflineCommandPrints: the workloads output
// and `iam-layout workloads` agree, and each snippet is printed byte for
// byte; so do the access matrix outputs, which show the workloads.
func TestTheWorkloadsOutputIsWhatTheOfflineCommandPrints(t *testing.T) {
	t.Parallel()
	res := mustRun(t, ciConfig(t, "providers", nil))
	var printed any
	if err := json.Unmarshal([]byte(offlineCI(t, "workloads")), &printed); err != nil {
		t.Fatal(err)
	}
	if got, want := canonical(t, res.Exports[contract.WorkloadsKey]), canonical(t, printed); got != want {
		t.Errorf("output %s = %s\n`iam-layout workloads` = %s", contract.WorkloadsKey, got, want)
	}
	n := 0
	for name, byAccount := range res.Exports[contract.WorkloadsKey].(map[string]any) {
		for account, p := range byAccount.(map[string]any) {
			n++
			if got := offlineCI(t, "workloads", "--workload", name, "--account", account); got != p.(map[string]any)[contract.WorkloadSnippet] {
				t.Errorf("snippet of %s in %s differs:\n--- output\n%v\n--- command\n%s", name, account, p.(map[string]any)[contract.WorkloadSnippet], got)
			}
		}
	}
	if n != 3 {
		t.Errorf("%d placements, want 3", n)
	}
	for key, format := range map[string]string{contract.AccessMatrixKey: cli.FormatMarkdown, contract.AccessMatrixMermaidKey: cli.FormatMermaid} {
		if got := offlineCI(t, "matrix", "--format", format); got != res.Exports[key] {
			t.Errorf("output %s differs from the command", key)
		}
	}
}

// TestTheSnippetsAssumeTheRoleTheWayEachCIDoes reads each snippet back as
// YAML (and its shell lines with sh -n): GitHub's job asks for an ID token
// and gives configure-aws-credentials the role and region; GitLab's job
// asks for a token of the workload's audience and hands it to
// assume-role-with-web-identity for the role, exporting the three
// variables the AWS CLI reads.
func TestTheSnippetsAssumeTheRoleTheWayEachCIDoes(t *testing.T) {
	t.Parallel()
	res := mustRun(t, ciConfig(t, "providers", nil))
	w := res.Exports[contract.WorkloadsKey].(map[string]any)
	snippet := func(name, account string) string {
		return w[name].(map[string]any)[account].(map[string]any)[contract.WorkloadSnippet].(string)
	}

	var gh struct {
		Permissions map[string]string `yaml:"permissions"`
		Steps       []struct {
			Uses string            `yaml:"uses"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	}
	if err := yaml.Unmarshal([]byte(snippet("AlfieDeployFromGitHub", "qa")), &gh); err != nil {
		t.Fatal(err)
	}
	if gh.Permissions["id-token"] != "write" || len(gh.Steps) != 1 ||
		gh.Steps[0].Uses != "aws-actions/configure-aws-credentials@v5" ||
		gh.Steps[0].With["role-to-assume"] != "arn:aws:iam::234567890123:role/AlfieDeployFromGitHub" ||
		gh.Steps[0].With["aws-region"] != "us-east-1" {
		t.Errorf("GitHub snippet reads as %+v", gh)
	}

	var gl map[string]struct {
		IDTokens  map[string]map[string]string `yaml:"id_tokens"`
		Variables map[string]string            `yaml:"variables"`
		Script    []string                     `yaml:"script"`
	}
	if err := yaml.Unmarshal([]byte(snippet("AlfieReleaseFromGitLab", "development")), &gl); err != nil {
		t.Fatal(err)
	}
	job, ok := gl["assume-alfie-release-from-git-lab-development"]
	if !ok || len(gl) != 1 {
		t.Fatalf("GitLab snippet jobs %v", slices.Collect(maps.Keys(gl)))
	}
	if job.IDTokens["AWS_ID_TOKEN"]["aud"] != "https://gitlab.com" || job.Variables["AWS_DEFAULT_REGION"] != "us-east-1" || len(job.Script) != 2 {
		t.Errorf("GitLab job %+v", job)
	}
	assume := job.Script[0]
	for _, want := range []string{
		"aws sts assume-role-with-web-identity", "--role-arn arn:aws:iam::345678901234:role/AlfieReleaseFromGitLab",
		`--web-identity-token "${AWS_ID_TOKEN}"`, "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_SESSION_TOKEN=%s",
	} {
		if !strings.Contains(assume, want) {
			t.Errorf("GitLab script lacks %q:\n%s", want, assume)
		}
	}
	if out, err := exec.Command("sh", "-n", "-c", assume).CombinedOutput(); err != nil {
		t.Errorf("the GitLab script is not shell: %v\n%s\n%s", err, out, assume)
	}
}

// TestReorderingTheCIStackChangesNoURNAndNoInput: workloads, their lists
// and their accounts written the other way round make the same resources,
// in both deliveries: logical names come from config keys.
func TestReorderingTheCIStackChangesNoURNAndNoInput(t *testing.T) {
	t.Parallel()
	for _, delivery := range []string{"providers", "stackSets"} {
		cfg := ciConfig(t, delivery, nil)
		var org any
		if err := json.Unmarshal([]byte(cfg[project+":organization"]), &org); err != nil {
			t.Fatal(err)
		}
		reordered := maps.Clone(cfg)
		reordered[project+":organization"] = reversedJSON(org)
		a, b := mustRun(t, cfg), mustRun(t, reordered)
		index := func(r *result) map[string]string {
			out := map[string]string{}
			for _, rec := range r.Resources {
				inputs, _ := json.Marshal(rec.Inputs.Mappable())
				out[rec.URN] = string(inputs)
			}
			return out
		}
		if ia, ib := index(a), index(b); !maps.Equal(ia, ib) || len(ia) != len(a.Resources) {
			t.Errorf("%s: reordering changed the resources", delivery)
		}
		if !jsonEqual(a.Exports, b.Exports) {
			t.Errorf("%s: reordering changed the outputs", delivery)
		}
	}
}

// TestTheHandOverRunRetainsTheOIDCProviders: the run that hands a stack
// over to StackSets keeps the providers delivery's OIDC providers (retained
// like the roles that trust them) and creates the issuers' StackSets
// without instances, as it does the roles'.
func TestTheHandOverRunRetainsTheOIDCProviders(t *testing.T) {
	t.Parallel()
	res := mustRun(t, ciConfig(t, "stackSets", func(org map[string]any) {
		org["stackSets"] = map[string]any{"adoptRoles": true}
	}))
	providers := res.ofType(typeOIDCProvider)
	if len(providers) != 3 {
		t.Fatalf("%d OIDC providers, want the 3 of providers delivery", len(providers))
	}
	for _, p := range providers {
		if !p.RetainOnDelete {
			t.Errorf("%s is not retained", p.Name)
		}
	}
	if n := len(res.ofType(typeStackSetInst)); n != 0 {
		t.Errorf("%d instances in the hand-over run", n)
	}
	var issuers int
	for _, ss := range res.ofType(typeStackSet) {
		if strings.HasPrefix(ss.Name, "oidc/") {
			issuers++
		}
	}
	if issuers != 2 {
		t.Errorf("%d issuer StackSets, want 2", issuers)
	}
}
