package profiles

import (
	"os/exec"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"iam-layout/stackfile"
)

// ciMatrix is the access matrix of the shipped Pulumi.ci.yaml.
func ciMatrix(t *testing.T) Matrix {
	t.Helper()
	cfg, err := stackfile.Read("..", "ci")
	if err != nil {
		t.Fatal(err)
	}
	return AccessMatrix(mustLoad(t, cfg["iam-layout:organization"]))
}

// TestTheAccessMatrixShowsTheWorkloads: every workload role is a row of the
// table (a role no group may assume has no profile and nobody), a second
// table says what may assume each workload, and the chart draws an edge
// from each workload to each of its roles.
func TestTheAccessMatrixShowsTheWorkloads(t *testing.T) {
	t.Parallel()
	m := ciMatrix(t)
	md := tableOf(t, m)
	people, workloads, ok := strings.Cut(md, "\n\n")
	if !ok {
		t.Fatalf("no workloads table:\n%s", md)
	}
	rows := parseMarkdown(t, people+"\n")
	for key, want := range map[string]access{
		"qa/AlfieDeployFromGitHub":           {AccountID: "234567890123", Profile: "alfie-deploy-from-git-hub-qa", MFA: MFANo, Groups: []string{"alfie-developers"}, Users: []string{"alice", "bob"}},
		"qa/AlfieReleaseFromGitLab":          {AccountID: "234567890123", Profile: NoProfile, MFA: MFANo},
		"development/AlfieReleaseFromGitLab": {AccountID: "345678901234", Profile: NoProfile, MFA: MFANo},
	} {
		if got := rows[key]; !reflect.DeepEqual(got, want) {
			t.Errorf("row %s = %+v, want %+v", key, got, want)
		}
	}
	lines := strings.Split(strings.TrimSuffix(workloads, "\n"), "\n")
	if lines[0] != "| "+strings.Join(WorkloadColumns, " | ")+" |" || len(lines) != 4 {
		t.Fatalf("workloads table:\n%s", workloads)
	}
	want := map[string][]string{
		"AlfieDeployFromGitHub": {"github `https://token.actions.githubusercontent.com`",
			"`repo:alfie-corp/alfie:environment:qa`<br>`repo:alfie-corp/alfie:ref:refs/heads/main`", "qa"},
		"AlfieReleaseFromGitLab": {"gitlab `https://gitlab.com`",
			"`project_path:alfie-corp/platform/alfie:ref_type:branch:ref:main`<br>`project_path:alfie-corp/platform/alfie:ref_type:tag:ref:v*` (pattern)", "development, qa"},
	}
	for _, line := range lines[2:] {
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if !reflect.DeepEqual(cells[1:], want[cells[0]]) {
			t.Errorf("workload row %q, want %q", cells, want[cells[0]])
		}
	}

	node := regexp.MustCompile(`^\s+(w\d+)\(\["(\w+) (\w+)<br/>(.*)"\]\)$`)
	edge := regexp.MustCompile(`^\s+(w\d+) -- "` + regexp.QuoteMeta(EdgeWebIdentity) + `" --> (r\d+)$`)
	role := regexp.MustCompile(`^\s+(r\d+)\["role (\w+)(<br/>.*)?"\]$`)
	names, roles, edges := map[string]string{}, map[string]string{}, map[string]bool{}
	for _, line := range strings.Split(m.Mermaid(), "\n") {
		if g := node.FindStringSubmatch(line); g != nil {
			names[g[1]] = g[2] + " " + g[3]
		}
		if g := role.FindStringSubmatch(line); g != nil {
			roles[g[1]] = g[2]
		}
		if g := edge.FindStringSubmatch(line); g != nil {
			edges[names[g[1]]+" -> "+roles[g[2]]] = true
		}
	}
	wantEdges := map[string]bool{
		"github AlfieDeployFromGitHub -> AlfieDeployFromGitHub":   true,
		"gitlab AlfieReleaseFromGitLab -> AlfieReleaseFromGitLab": true,
	}
	if !reflect.DeepEqual(edges, wantEdges) || strings.Count(m.Mermaid(), EdgeWebIdentity) != 3 {
		t.Errorf("CI edges %v, want %v (3 in all):\n%s", edges, wantEdges, m.Mermaid())
	}
}

// TestACustomIssuersSnippetIsShell: a custom CI gets the assume lines as a
// shell script reading the token from $ID_TOKEN, and a stack without a
// region says so instead of guessing one.
func TestACustomIssuersSnippetIsShell(t *testing.T) {
	t.Parallel()
	l := mustLoad(t, `{"masterAccountId":"012345678901","accounts":{"qa":{"id":"234567890123"}},
	  "workloads":{"Scanner":{"ci":"custom","issuer":"https://ci.example.com/oidc","audience":"aws","subjects":["pipeline:alfie:main","pipe|line"],"accounts":["qa"]},
	    "Deploy":{"ci":"github","audience":"custom-aud","repository":"a/b","branches":["main"],"accounts":["qa"]}}}`)
	snippet := CISnippet(l, role(t, l, "qa/Scanner"), "eu-west-1")
	for _, want := range []string{"--role-arn arn:aws:iam::234567890123:role/Scanner", `--web-identity-token "${ID_TOKEN}"`, "export AWS_DEFAULT_REGION=eu-west-1"} {
		if !strings.Contains(snippet, want) {
			t.Errorf("snippet lacks %q:\n%s", want, snippet)
		}
	}
	if out, err := exec.Command("sh", "-n", "-c", snippet).CombinedOutput(); err != nil {
		t.Errorf("not shell: %v\n%s\n%s", err, out, snippet)
	}
	if md := AccessMatrix(l).Markdown(); !strings.Contains(md, "`pipe\\|line`") {
		t.Errorf("a '|' in a subject is not escaped in the table:\n%s", md)
	}
	github := CISnippet(l, role(t, l, "qa/Deploy"), "")
	if !strings.Contains(github, "      audience: custom-aud\n") || !strings.Contains(github, "aws-region: REGION # the stack sets no aws:region") {
		t.Errorf("GitHub snippet without a region, with an audience:\n%s", github)
	}
}
