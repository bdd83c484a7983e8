package layout

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// workloadOrg is an organization around one workload; the workload is
// written as JSON so a case reads like the stack file.
func workloadOrg(t *testing.T, workloads string) []byte {
	t.Helper()
	org := `{"masterAccountId":"012345678901",
	  "accounts":{"qa":{"id":"234567890123"},"production":{"id":"123456789012"}},
	  "roles":{"ReadOnly":{"accounts":["qa"]}},
	  "groups":{"testers":{"roles":["ReadOnly"]}},
	  "workloads":` + workloads + `}`
	if !json.Valid([]byte(org)) {
		t.Fatalf("not JSON: %s", org)
	}
	return []byte(org)
}

func loadWorkloads(t *testing.T, workloads string) *Layout {
	t.Helper()
	l, err := Load(workloadOrg(t, workloads))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestSubjectsAreBuiltFromTheStructuredFields(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		workload           string
		subjects, patterns []string
	}{
		"github branches, tags, environments and pull requests": {
			`{"ci":"github","repository":"acme/app","branches":["main"],"gitTags":["v1.0.0"],"environments":["qa"],"pullRequests":true,"accounts":["qa"]}`,
			[]string{"repo:acme/app:environment:qa", "repo:acme/app:pull_request", "repo:acme/app:ref:refs/heads/main", "repo:acme/app:ref:refs/tags/v1.0.0"}, nil,
		},
		"gitlab branches and tags, with a subgroup": {
			`{"ci":"gitlab","repository":"acme/platform/app","branches":["main"],"gitTags":["v1"],"accounts":["qa"]}`,
			[]string{"project_path:acme/platform/app:ref_type:branch:ref:main", "project_path:acme/platform/app:ref_type:tag:ref:v1"}, nil,
		},
		"patterns opted into by the workload's own name": {
			`{"ci":"github","repository":"acme/app","branches":["main","release/*"],"allowPatterns":"W","accounts":["qa"]}`,
			[]string{"repo:acme/app:ref:refs/heads/main"}, []string{"repo:acme/app:ref:refs/heads/release/*"},
		},
		"a whole organization, opted into": {
			`{"ci":"github","repository":"acme/*","branches":["main"],"allowPatterns":"W","accounts":["qa"]}`,
			nil, []string{"repo:acme/*:ref:refs/heads/main"},
		},
		"exact subjects beside structured ones, duplicates once": {
			`{"ci":"github","repository":"acme/app","branches":["main"],"subjects":["repo:acme/app:ref:refs/heads/main","repo:acme/app:environment:prod:ref:refs/heads/main"],"accounts":["qa"]}`,
			[]string{"repo:acme/app:environment:prod:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/main"}, nil,
		},
		"a custom issuer's exact subjects": {
			`{"ci":"custom","issuer":"https://ci.example.com","audience":"aws","subjects":["pipeline:app:main"],"accounts":["qa"]}`,
			[]string{"pipeline:app:main"}, nil,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l := loadWorkloads(t, `{"W":`+tc.workload+`}`)
			w := l.Workloads[0]
			if !slices.Equal(w.Subjects, tc.subjects) || !slices.Equal(w.Patterns, tc.patterns) {
				t.Errorf("subjects %q, patterns %q; want %q, %q", w.Subjects, w.Patterns, tc.subjects, tc.patterns)
			}
		})
	}
}

func TestIssuersAndAudiencesDefaultPerCI(t *testing.T) {
	t.Parallel()
	l := loadWorkloads(t, `{
	  "G":{"ci":"github","repository":"acme/app","branches":["main"],"accounts":["qa","production"]},
	  "L":{"ci":"gitlab","repository":"acme/app","branches":["main"],"accounts":["qa"]},
	  "S":{"ci":"gitlab","issuer":"https://gitlab.example.com","repository":"acme/app","branches":["main"],"accounts":["qa"]},
	  "A":{"ci":"github","audience":"custom-aud","repository":"acme/app","branches":["main"],"accounts":["qa"]}}`)
	type got struct{ issuer, audience string }
	want := map[string]got{
		"G": {GitHubIssuer, GitHubAudience},
		"L": {GitLabIssuer, GitLabIssuer},
		"S": {"https://gitlab.example.com", "https://gitlab.example.com"},
		"A": {GitHubIssuer, "custom-aud"},
	}
	for _, w := range l.Workloads {
		if g := (got{w.Issuer.URL, w.Audience}); g != want[w.Name] {
			t.Errorf("%s: %+v, want %+v", w.Name, g, want[w.Name])
		}
	}
	// One provider per account and issuer, accepting the audiences of the
	// issuer's workloads there.
	providers := map[string][]string{}
	for _, a := range l.Accounts {
		for _, p := range a.OIDCProviders {
			providers[p.ARN] = p.ClientIDs
		}
	}
	wantProviders := map[string][]string{
		"arn:aws:iam::234567890123:oidc-provider/token.actions.githubusercontent.com": {"custom-aud", GitHubAudience},
		"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com": {GitHubAudience},
		"arn:aws:iam::234567890123:oidc-provider/gitlab.com":                          {GitLabIssuer},
		"arn:aws:iam::234567890123:oidc-provider/gitlab.example.com":                  {"https://gitlab.example.com"},
	}
	if len(providers) != len(wantProviders) {
		t.Errorf("providers %v, want %v", providers, wantProviders)
	}
	for arn, ids := range wantProviders {
		if !slices.Equal(providers[arn], ids) {
			t.Errorf("%s accepts %v, want %v", arn, providers[arn], ids)
		}
	}
	if len(l.Issuers) != 3 {
		t.Errorf("%d issuers, want 3", len(l.Issuers))
	}
}

func TestAWorkloadRoleIsARoleOnlyItsCIAndItsTestersUse(t *testing.T) {
	t.Parallel()
	l := loadWorkloads(t, `{
	  "Deploy":{"ci":"github","repository":"acme/app","environments":["prod"],"destructive":true,"groups":["testers"],"accounts":["production"]},
	  "Build":{"ci":"github","repository":"acme/app","branches":["main"],"accounts":["qa"],"path":"/ci/"}}`)
	deploy, build := l.Role("production/Deploy"), l.Role("qa/Build")
	if deploy == nil || build == nil {
		t.Fatalf("roles: %v", l.Roles)
	}
	if build.ARN != "arn:aws:iam::234567890123:role/ci/Build" || build.ProfileName != "" || build.HasProfile() {
		t.Errorf("Build: arn %s, profile %q", build.ARN, build.ProfileName)
	}
	if !deploy.HasProfile() || deploy.ProfileName == "" || !deploy.RequireMFA || deploy.MaxSessionDuration != DefaultDestructiveMaxSessionDuration || deploy.Tags[DestructiveTagKey] != "true" {
		t.Errorf("Deploy: profile %q, mfa %v, session %d, tags %v", deploy.ProfileName, deploy.RequireMFA, deploy.MaxSessionDuration, deploy.Tags)
	}
	var testers *Group
	for _, g := range l.Groups {
		if g.Name == "testers" {
			testers = g
		}
	}
	if !slices.Contains(testers.Roles, deploy) || len(deploy.Groups) != 1 || deploy.Groups[0] != testers {
		t.Errorf("testers may assume %v; Deploy's groups %v", testers.Roles, deploy.Groups)
	}
}

// TestWorkloadRefusalsComeAllAtOnceWithTheirPaths covers every refusal of
// the issue, each in a case of its own, and all of them in one run.
func TestWorkloadRefusalsComeAllAtOnceWithTheirPaths(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		workload string
		want     []string
	}{
		"no subject": {
			`{"ci":"github","accounts":["qa"]}`,
			[]string{`workloads.W: names nothing that may assume the role`},
		},
		"a repository without refs": {
			`{"ci":"github","repository":"acme/app","accounts":["qa"]}`,
			[]string{`workloads.W.repository: names no branch, tag, environment or pull requests`},
		},
		"a subject of *, even opted in": {
			`{"ci":"github","subjects":["*"],"allowPatterns":"W","accounts":["qa"]}`,
			[]string{`workloads.W.subjects[0]: "*" matches every token of the issuer`},
		},
		"a pattern in the organization, even opted in": {
			`{"ci":"github","subjects":["repo:*/app:ref:refs/heads/main"],"allowPatterns":"W","accounts":["qa"]}`,
			[]string{`workloads.W.subjects[0]: "repo:*/app:ref:refs/heads/main" has a pattern in the organization`},
		},
		"an owner pattern in the repository": {
			`{"ci":"github","repository":"*/app","branches":["main"],"allowPatterns":"W","accounts":["qa"]}`,
			[]string{`workloads.W.repository: "*/app" is not OWNER/REPO`},
		},
		"a whole organization without the opt-in": {
			`{"ci":"github","repository":"acme/*","branches":["main"],"accounts":["qa"]}`,
			[]string{`workloads.W.branches[0]: repository "acme/*" is every repository of acme: a pattern needs allowPatterns: W`},
		},
		"every project of a GitLab subgroup without the opt-in": {
			`{"ci":"gitlab","repository":"acme/platform/*","branches":["main"],"accounts":["qa"]}`,
			[]string{`workloads.W.branches[0]: repository "acme/platform/*" is every repository of acme/platform: a pattern needs allowPatterns: W`},
		},
		"all branches without the opt-in": {
			`{"ci":"gitlab","repository":"acme/app","branches":["*"],"accounts":["qa"]}`,
			[]string{`workloads.W.branches[0]: "*" is every branch: a pattern needs allowPatterns: W`},
		},
		"an exact subject with a pattern, without the opt-in": {
			`{"ci":"github","subjects":["repo:acme/app:*"],"accounts":["qa"]}`,
			[]string{`workloads.W.subjects[0]: "repo:acme/app:*" is a pattern: a pattern needs allowPatterns: W`},
		},
		"an opt-in naming another workload": {
			`{"ci":"github","repository":"acme/app","branches":["*"],"allowPatterns":"Other","accounts":["qa"]}`,
			[]string{`workloads.W.allowPatterns: is "Other", not this workload's name "W"`, `workloads.W.branches[0]: "*" is every branch`},
		},
		"an opt-in with no pattern": {
			`{"ci":"github","repository":"acme/app","branches":["main"],"allowPatterns":"W","accounts":["qa"]}`,
			[]string{`workloads.W.allowPatterns: allows patterns, but the workload has none`},
		},
		"a destructive workload deployed from a branch": {
			`{"ci":"github","repository":"acme/app","branches":["main"],"environments":["prod"],"pullRequests":true,"destructive":true,"accounts":["production"]}`,
			[]string{`workloads.W.branches: a destructive workload may be assumed only from protected deployment environments`, `workloads.W.pullRequests: a destructive workload`},
		},
		"a destructive workload with a non-environment subject": {
			`{"ci":"github","subjects":["repo:acme/app:ref:refs/heads/main"],"destructive":true,"accounts":["production"]}`,
			[]string{`workloads.W.subjects[0]: "repo:acme/app:ref:refs/heads/main" is not a deployment environment`},
		},
		"a destructive workload with an environment pattern": {
			`{"ci":"github","repository":"acme/app","environments":["prod-*"],"allowPatterns":"W","destructive":true,"accounts":["production"]}`,
			[]string{`workloads.W.allowPatterns: a destructive workload names its protected environments one by one`},
		},
		"a destructive GitLab workload": {
			`{"ci":"gitlab","repository":"acme/app","branches":["main"],"destructive":true,"accounts":["production"]}`,
			[]string{`workloads.W.destructive: only GitHub deployment environments may assume a destructive role`},
		},
		"an issuer that is not https": {
			`{"ci":"gitlab","issuer":"http://gitlab.example.com","repository":"acme/app","branches":["main"],"accounts":["qa"]}`,
			[]string{`workloads.W.issuer: "http://gitlab.example.com" is not an https:// URL`},
		},
		"an issuer with a port": {
			`{"ci":"custom","issuer":"https://ci.example.com:8443","audience":"aws","subjects":["x"],"accounts":["qa"]}`,
			[]string{`workloads.W.issuer: "https://ci.example.com:8443" must be https://HOST[/PATH]`},
		},
		"a custom issuer without issuer and audience, with structured fields": {
			`{"ci":"custom","repository":"acme/app","branches":["main"],"accounts":["qa"]}`,
			[]string{`workloads.W.issuer: is required with ci: custom`, `workloads.W.audience: is required with ci: custom`, `workloads.W: ci: custom has no known subject format`},
		},
		"GitLab environments and pull requests": {
			`{"ci":"gitlab","repository":"acme/app","environments":["prod"],"pullRequests":true,"accounts":["qa"]}`,
			[]string{`workloads.W.environments: GitLab's ` + "`sub`" + ` names a branch or tag, never an environment`, `workloads.W.pullRequests: GitLab's merge request pipelines run on their source branch`},
		},
		"thumbprints for GitHub": {
			`{"ci":"github","repository":"acme/app","branches":["main"],"thumbprints":["6938fd4d98bab03faadb97b34396831e3780aea1"],"accounts":["qa"]}`,
			[]string{`workloads.W.thumbprints: are ignored for https://token.actions.githubusercontent.com`},
		},
		"a bad thumbprint": {
			`{"ci":"custom","issuer":"https://ci.example.com","audience":"aws","subjects":["x"],"thumbprints":["abc"],"accounts":["qa"]}`,
			[]string{`workloads.W.thumbprints[0]: "abc" is not a thumbprint`},
		},
		"an unknown CI, account and group": {
			`{"ci":"jenkins","subjects":["x"],"accounts":["staging"],"groups":["testerz"]}`,
			[]string{`workloads.W.ci: "jenkins" is not one of github, gitlab, custom`, `workloads.W.accounts: unknown account "staging"`, `workloads.W.groups[0]: unknown group "testerz" (did you mean "testers"?)`},
		},
		"a policy variable in a subject and the audience": {
			`{"ci":"github","audience":"${aws:username}","subjects":["repo:acme/app:ref:refs/heads/${aws:username}"],"accounts":["qa"]}`,
			[]string{`workloads.W.subjects[0]: "repo:acme/app:ref:refs/heads/${aws:username}" holds "${", which IAM reads as a policy variable`, `workloads.W.audience: must be 1-255 characters`},
		},
		"a branch name with a colon": {
			`{"ci":"github","repository":"acme/app","branches":["a:b"],"accounts":["qa"]}`,
			[]string{`workloads.W.branches[0]: "a:b" is not a branch name`},
		},
	}
	var all []string
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(workloadOrg(t, `{"W":`+tc.workload+`}`))
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("accepted: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
		all = append(all, tc.workload)
	}
	// Every case's workload in one organization: every refusal at once.
	var b strings.Builder
	b.WriteString("{")
	for i, w := range all {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"W` + string(rune('a'+i)) + `":` + strings.ReplaceAll(w, `"W"`, `"W`+string(rune('a'+i))+`"`))
	}
	b.WriteString("}")
	_, err := Load(workloadOrg(t, b.String()))
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("accepted: %v", err)
	}
	refused := map[string]bool{}
	for _, p := range ce.Problems {
		refused[strings.SplitN(p.Path, ".", 3)[1]] = true
	}
	if len(refused) != len(all) {
		t.Errorf("%d of %d workloads refused in one run:\n%v", len(refused), len(all), err)
	}
}

func TestWorkloadNamesDoNotCollideWithRoles(t *testing.T) {
	t.Parallel()
	_, err := Load(workloadOrg(t, `{"readonly":{"ci":"github","repository":"acme/app","branches":["main"],"accounts":["production"]}}`))
	if err == nil || !strings.Contains(err.Error(), "workloads.readonly: is also the name of role ReadOnly under roles") {
		t.Errorf("err = %v", err)
	}
	// A group names a workload through the workload, not through roles.
	_, err = Load([]byte(`{"masterAccountId":"012345678901","accounts":{"qa":{"id":"234567890123"}},
	  "groups":{"testers":{"roles":["Build"]}},
	  "workloads":{"Build":{"ci":"github","repository":"acme/app","branches":["main"],"accounts":["qa"]}}}`))
	if err == nil || !strings.Contains(err.Error(), `groups.testers.roles[0]: "Build" is a workload: name this group in workloads.Build.groups instead`) {
		t.Errorf("err = %v", err)
	}
}

func TestIssuersMustAgreeOnThumbprints(t *testing.T) {
	t.Parallel()
	const a, b = "0123456789abcdef0123456789abcdef01234567", "89abcdef0123456789abcdef0123456789abcdef"
	l := loadWorkloads(t, `{
	  "A":{"ci":"custom","issuer":"https://ci.example.com","audience":"aws","subjects":["a"],"thumbprints":["`+strings.ToUpper(a)+`"],"accounts":["qa"]},
	  "B":{"ci":"custom","issuer":"https://ci.example.com","audience":"aws","subjects":["b"],"accounts":["production"]}}`)
	if len(l.Issuers) != 1 || !slices.Equal(l.Issuers[0].Thumbprints, []string{a}) || len(l.Issuers[0].Providers) != 2 {
		t.Errorf("issuers %+v", l.Issuers)
	}
	_, err := Load(workloadOrg(t, `{
	  "A":{"ci":"custom","issuer":"https://ci.example.com","audience":"aws","subjects":["a"],"thumbprints":["`+a+`"],"accounts":["qa"]},
	  "B":{"ci":"custom","issuer":"https://ci.example.com","audience":"aws","subjects":["b"],"thumbprints":["`+b+`"],"accounts":["qa"]}}`))
	if err == nil || !strings.Contains(err.Error(), "workloads.B.thumbprints: differ from workload A's") {
		t.Errorf("err = %v", err)
	}
}

// TestWorkloadsBesideIdentityCenter: CI roles are IAM roles. A stack that
// lays out none (access identityCenter) refuses workloads; with access both
// a workload's testers test it through IAM, and it gets no permission set.
func TestWorkloadsBesideIdentityCenter(t *testing.T) {
	t.Parallel()
	org := func(access string) []byte {
		return []byte(`{"masterAccountId":"012345678901","accounts":{"qa":{"id":"234567890123"}},
		  "roles":{"ReadOnly":{"accounts":["qa"]}},
		  "groups":{"devs":{"roles":["ReadOnly"]}},
		  "users":{"alice":{"groups":["devs"]}},
		  "workloads":{"Deploy":{"ci":"github","repository":"acme/app","branches":["main"],"groups":["devs"],"accounts":["qa"]}},
		  "identityCenter":{"access":"` + access + `","startUrl":"https://d-1234567890.awsapps.com/start","region":"us-east-1","ssoSession":"acme",
		    "groups":{"devs":{"create":true}},"users":{"alice":{"create":true,"displayName":"Alice","givenName":"Alice","familyName":"Example","email":"alice@example.com"}}}}`)
	}
	_, err := Load(org(string(AccessIdentityCenter)))
	if err == nil || !strings.Contains(err.Error(), "workloads: need IAM roles, and with identityCenter.access: identityCenter this stack creates none") {
		t.Errorf("err = %v", err)
	}
	l, err := Load(org(string(AccessBoth)))
	if err != nil {
		t.Fatal(err)
	}
	if l.Role("qa/Deploy") == nil {
		t.Fatal("no workload role")
	}
	for _, set := range l.IdentityCenter.PermissionSets {
		if set.Role == "Deploy" {
			t.Errorf("the workload's role became permission set %s", set.Name)
		}
	}
}
