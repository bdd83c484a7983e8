package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"iam-layout/audit"
	"iam-layout/internal/fakeaws"
	"iam-layout/layout"
	"iam-layout/stackfile"
)

// auditStack starts a fake organization exactly as the dev stack declares
// it and writes a project whose stack points at it through aws:endpoints,
// with the given credentials and extra aws: lines.
func auditStack(t *testing.T, accessKey string, extra ...string) (*fakeaws.Server, string) {
	t.Helper()
	cfg, err := stackfile.Read(projectDir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	l, err := layout.Load([]byte(cfg["iam-layout:organization"]))
	if err != nil {
		t.Fatal(err)
	}
	s, err := fakeaws.AsDeclared(l)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	dir := t.TempDir()
	if err := s.WriteStack(dir, "dev", filepath.Join(projectDir, "Pulumi.dev.yaml"), accessKey, extra...); err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// plantAdministrator adds a management-account user allowed to assume
// every role.
func plantAdministrator(s *fakeaws.Server) {
	m := s.Account("012345678901")
	m.Users = append(m.Users, &fakeaws.User{Name: "mallory", Path: "/", Attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}})
	s.Allow(s.UserARN("012345678901", "/", "mallory"), fakeaws.Any, fakeaws.AllContexts...)
}

func TestAuditExitsZeroOneOrTwo(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		key   string
		plant func(s *fakeaws.Server)
		extra []string
		args  []string
		code  int
		// stderr must say it.
		want string
	}{
		"live equals declared":                 {key: fakeaws.ManagementAccessKey, code: AuditEqual, want: "audit: done: 0 difference(s)"},
		"an outsider administrator":            {key: fakeaws.ManagementAccessKey, plant: plantAdministrator, code: AuditDiffers, want: "audit: done: 4 difference(s)"},
		"only an account the outsider reaches": {key: fakeaws.ManagementAccessKey, plant: plantAdministrator, args: []string{"--account", "qa"}, code: AuditDiffers, want: "done: 1 difference(s)"},
		"credentials of another account":       {key: fakeaws.StrangerAccessKey, code: AuditError, want: "not of the management account 012345678901"},
		"an unknown account":                   {key: fakeaws.ManagementAccessKey, args: []string{"--account", "staging"}, code: AuditError, want: `no account "staging"`},
		"an unknown format":                    {key: fakeaws.ManagementAccessKey, args: []string{"--format", "yaml"}, code: AuditError, want: `unknown format "yaml"`},
		"an unknown flag":                      {key: fakeaws.ManagementAccessKey, args: []string{"--verbose"}, code: AuditError, want: "flag provided but not defined"},
		"a malformed aws: setting":             {key: fakeaws.ManagementAccessKey, extra: []string{"  aws:maxRetries: many"}, code: AuditError, want: "aws:maxRetries"},
		"an access role that refuses": {key: fakeaws.ManagementAccessKey, plant: func(s *fakeaws.Server) { s.DenyAccess("234567890123") },
			code: AuditError, want: "reading account qa"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, dir := auditStack(t, tc.key, tc.extra...)
			if tc.plant != nil {
				tc.plant(s)
			}
			stdout, stderr, code := runCLI(append([]string{"audit", "--stack", "dev", "--dir", dir}, tc.args...)...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and stderr saying %q", code, stderr, tc.code, tc.want)
			}
			if code == AuditError && stdout != "" {
				t.Errorf("an error printed a report: %q", stdout)
			}
		})
	}
}

func TestAuditWithoutAStackFileIsAnError(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"no --stack":         {"audit"},
		"no such stack":      {"audit", "--stack", "nope", "--dir", projectDir},
		"no project there":   {"audit", "--stack", "dev", "--dir", t.TempDir()},
		"arguments trailing": {"audit", "--stack", "dev", "--dir", projectDir, "extra"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if stdout, stderr, code := runCLI(args...); code != AuditError || stdout != "" || stderr == "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and an error on stderr", code, stdout, stderr, AuditError)
			}
		})
	}
}

// TestAuditPrintsTheReportOnStdoutAndProgressOnStderr: stdout holds the
// report alone (Markdown by default, the JSON report with --format json),
// stderr one progress line per step.
func TestAuditPrintsTheReportOnStdoutAndProgressOnStderr(t *testing.T) {
	t.Parallel()
	s, dir := auditStack(t, fakeaws.ManagementAccessKey)
	plantAdministrator(s)
	stdout, stderr, code := runCLI("audit", "--stack", "dev", "--dir", dir)
	if code != AuditDiffers {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "# Audit of stack `dev`\n") || strings.Contains(stdout, "audit: ") {
		t.Errorf("stdout is not the Markdown report alone:\n%s", stdout)
	}
	for _, line := range []string{
		"audit: caller arn:aws:iam::012345678901:user/auditor, management account 012345678901",
		"audit: management account: 5 users, 1 roles, 2 groups, 2 customer managed policies",
		"audit: account production (123456789012): 2 of its 2 layout roles found",
		"audit: simulated 18/18",
	} {
		if !strings.Contains("\n"+stderr, "\n"+line) {
			t.Errorf("stderr has no line %q:\n%s", line, stderr)
		}
	}

	stdout, _, code = runCLI("audit", "--stack", "dev", "--dir", dir, "--format", "json", "--account", "production", "--account", "qa")
	if code != AuditDiffers {
		t.Fatalf("exit %d", code)
	}
	var r audit.Report
	dec := json.NewDecoder(bytes.NewReader([]byte(stdout)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, stdout)
	}
	if got := strings.Join(r.Accounts, ","); got != "production,qa" || r.Equal || r.Differences != 3 || len(r.Placements) != 3 {
		t.Errorf("accounts %s, equal %v, %d differences, %d placements; want production,qa, false, 3, 3", got, r.Equal, r.Differences, len(r.Placements))
	}
}

// TestAuditHelpIsTheUsage: -h prints the usage, which names the command.
func TestAuditHelpIsTheUsage(t *testing.T) {
	t.Parallel()
	stdout, _, code := runCLI("audit", "-h")
	if code != AuditEqual || !strings.Contains(stdout, "iam-layout audit    --stack NAME") {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	if _, err := os.Stat(filepath.Join(projectDir, "docs", "audit.md")); err != nil {
		t.Errorf("the usage points at docs/audit.md: %v", err)
	}
}
