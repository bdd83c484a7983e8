package audit

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"iam-layout/awssettings"
	"iam-layout/internal/fakeaws"
	"iam-layout/layout"
	"iam-layout/stackfile"
)

const (
	managementID = "012345678901"
	qa           = "234567890123"
	production   = "123456789012"
	stranger     = "999999999999"
)

// noDelay makes the retryer retry at once: tests only.
var noDelay = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })

// fixture is the dev stack (or its members-mode variant) and a fake
// organization exactly as declared, reached through the stack's own
// aws:endpoints.
type fixture struct {
	s        *fakeaws.Server
	l        *layout.Layout
	settings awssettings.Settings
}

func newFixture(t *testing.T, members bool, accessKey string) *fixture {
	t.Helper()
	return newFixtureFrom(t, filepath.Join("..", "Pulumi.dev.yaml"), members, accessKey)
}

// newFixtureFrom is newFixture for another stack file.
func newFixtureFrom(t *testing.T, from string, members bool, accessKey string) *fixture {
	t.Helper()
	dir := t.TempDir()
	if members {
		text, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		variant := strings.Replace(string(text), "  iam-layout:organization:\n", "  iam-layout:organization:\n    security:\n      trust: members\n", 1)
		from = filepath.Join(dir, "members.yaml")
		if err := os.WriteFile(from, []byte(variant), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := stackfile.Parse(mustRead(t, from))
	if err != nil {
		t.Fatal(err)
	}
	l, err := layout.Load([]byte(cfg["iam-layout:organization"]))
	if err != nil {
		t.Fatal(err)
	}
	if members && !l.ClosedTrust() {
		t.Fatalf("security.trust = %s, want members", l.Security.Trust)
	}
	s, err := fakeaws.AsDeclared(l)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.WriteStack(dir, "dev", from, accessKey); err != nil {
		t.Fatal(err)
	}
	cfg, err = stackfile.Read(dir, "dev")
	if err != nil {
		t.Fatal(err)
	}
	settings, err := awssettings.FromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{s: s, l: l, settings: settings}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (f *fixture) run(accounts ...string) (*Report, error) {
	return Run(context.Background(), Options{Stack: "dev", Layout: f.l, Settings: f.settings, Accounts: accounts, Backoff: noDelay})
}

func (f *fixture) user(name string) string { return f.s.UserARN(managementID, "/", name) }

// plantUser adds a management-account user the layout does not declare.
func (f *fixture) plantUser(name string, groups []string, attached ...string) {
	m := f.s.Account(managementID)
	m.Users = append(m.Users, &fakeaws.User{Name: name, Path: "/", Groups: groups, Attached: attached})
}

// plantOutsiderAdministrator: a user of the management account with
// AdministratorAccess, whom the simulator allows sts:AssumeRole on
// everything, in every MFA context.
func (f *fixture) plantOutsiderAdministrator() {
	f.plantUser("mallory", nil, "arn:aws:iam::aws:policy/AdministratorAccess")
	f.s.Allow(f.user("mallory"), fakeaws.Any, fakeaws.AllContexts...)
}

var (
	all   = []string{NoMFA, FreshMFA, StaleMFA}
	fresh = []string{FreshMFA}
)

func placement(t *testing.T, r *Report, key string) Placement {
	t.Helper()
	for _, p := range r.Placements {
		if p.Key == key {
			return p
		}
	}
	t.Fatalf("no placement %s in the report", key)
	return Placement{}
}

func group(t *testing.T, r *Report, name string) Group {
	t.Helper()
	for _, g := range r.Groups {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("no group %s in the report", name)
	return Group{}
}

// accessByName is a list of accesses as name -> MFA contexts.
func accessByName(list []Access) map[string][]string {
	out := map[string][]string{}
	for _, a := range list {
		out[a.Name] = a.MFA
	}
	return out
}

func deniedByName(list []Denied) map[string]string {
	out := map[string]string{}
	for _, d := range list {
		out[d.Name] = strings.Join(d.MFA, ",") + ": " + d.Reason
	}
	return out
}

func expectEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v\nwant %#v", what, got, want)
	}
}

// developerPlacements are the dev stack's placements granted to
// alfie-developers (alice, bob, carol); production/AlfieDatabaseShutdown
// is alfie-operators' (alice), with MFA.
var developerPlacements = []string{"development/AlfieFullAccess", "production/AlfieReadOnly", "qa/AlfieDeployment"}

const shutdown = "production/AlfieDatabaseShutdown"

func TestAudit(t *testing.T) {
	t.Parallel()
	developers := map[string][]string{"alice": all, "bob": all, "carol": all}
	cases := map[string]struct {
		members     bool
		plant       func(f *fixture)
		differences int
		check       func(t *testing.T, f *fixture, r *Report)
	}{
		"exactly as declared: live equals declared": {
			check: func(t *testing.T, f *fixture, r *Report) {
				for _, key := range developerPlacements {
					p := placement(t, r, key)
					expectEqual(t, key+" live", accessByName(p.Live), developers)
					expectEqual(t, key+" undeclared", len(p.Undeclared)+len(p.DeclaredDenied)+len(p.Undecided)+len(p.RefusedByTrust)+len(p.RoleDifferences), 0)
					expectEqual(t, key+" trust", p.Trust.Status, StatusEqual)
				}
				expectEqual(t, "shutdown live", accessByName(placement(t, r, shutdown).Live), map[string][]string{"alice": fresh})
				expectEqual(t, "undeclared roles", len(r.UndeclaredRoles), 0)
				for _, g := range r.Groups {
					expectEqual(t, g.Name+" members", g.Members.Live, g.Members.Declared)
					for _, gr := range g.Grants {
						expectEqual(t, gr.Name, gr.Status, StatusEqual)
					}
				}
			},
		},
		"exactly as declared, members mode": {
			members: true,
			check: func(t *testing.T, f *fixture, r *Report) {
				expectEqual(t, "trust mode", r.Trust, layout.TrustMembers)
				expectEqual(t, "qa live", accessByName(placement(t, r, "qa/AlfieDeployment").Live), developers)
			},
		},
		"a trust rewritten without changing its meaning is equal": {
			plant: func(f *fixture) {
				f.s.Role(production, "AlfieDatabaseShutdown").Trust = `{
  "Version": "2012-10-17",
  "Statement": {
    "Principal": {"AWS": ["arn:aws:iam::012345678901:root"]},
    "Effect": "Allow",
    "Action": ["sts:AssumeRole"],
    "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}, "Bool": {"aws:MultiFactorAuthPresent": true}}
  }
}`
			},
			check: func(t *testing.T, f *fixture, r *Report) {
				expectEqual(t, "shutdown trust", placement(t, r, shutdown).Trust.Status, StatusEqual)
			},
		},
		"an outsider administrator has undeclared access in account mode": {
			plant:       (*fixture).plantOutsiderAdministrator,
			differences: 4,
			check: func(t *testing.T, f *fixture, r *Report) {
				for _, key := range developerPlacements {
					expectEqual(t, key+" undeclared", accessByName(placement(t, r, key).Undeclared), map[string][]string{"mallory": all})
				}
				p := placement(t, r, shutdown)
				expectEqual(t, "shutdown undeclared", accessByName(p.Undeclared), map[string][]string{"mallory": fresh})
				// The trust's MFA condition, not mallory's policies, keeps
				// her out without MFA.
				expectEqual(t, "shutdown refused by trust", accessByName(p.RefusedByTrust), map[string][]string{"mallory": {NoMFA, StaleMFA}})
			},
		},
		"an outsider administrator is refused by the trust in members mode": {
			members: true,
			plant:   (*fixture).plantOutsiderAdministrator,
			check: func(t *testing.T, f *fixture, r *Report) {
				for _, key := range append(developerPlacements, shutdown) {
					p := placement(t, r, key)
					expectEqual(t, key+" undeclared", len(p.Undeclared), 0)
					expectEqual(t, key+" refused by trust", accessByName(p.RefusedByTrust), map[string][]string{"mallory": all})
				}
				expectEqual(t, "qa live", accessByName(placement(t, r, "qa/AlfieDeployment").Live), developers)
			},
		},
		"a member added by hand": {
			plant: func(f *fixture) {
				f.plantUser("dave", []string{"alfie-operators"})
				f.s.Allow(f.user("dave"), "arn:aws:iam::123456789012:role/AlfieDatabaseShutdown", fakeaws.FreshMFA)
			},
			differences: 2,
			check: func(t *testing.T, f *fixture, r *Report) {
				g := group(t, r, "alfie-operators")
				expectEqual(t, "added by hand", g.Members.AddedByHand, []string{"dave"})
				expectEqual(t, "shutdown undeclared", accessByName(placement(t, r, shutdown).Undeclared), map[string][]string{"dave": fresh})
			},
		},
		"a member added by hand is refused by the trust in members mode": {
			members: true,
			plant: func(f *fixture) {
				f.plantUser("dave", []string{"alfie-operators"})
				f.s.Allow(f.user("dave"), "arn:aws:iam::123456789012:role/AlfieDatabaseShutdown", fakeaws.FreshMFA)
			},
			differences: 1,
			check: func(t *testing.T, f *fixture, r *Report) {
				p := placement(t, r, shutdown)
				expectEqual(t, "undeclared", len(p.Undeclared), 0)
				expectEqual(t, "refused by trust", accessByName(p.RefusedByTrust), map[string][]string{"dave": fresh})
				expectEqual(t, "added by hand", group(t, r, "alfie-operators").Members.AddedByHand, []string{"dave"})
			},
		},
		"a declared member removed": {
			plant: func(f *fixture) {
				f.s.User("bob").Groups = nil
				f.s.Forbid(f.user("bob"))
			},
			differences: 4,
			check: func(t *testing.T, f *fixture, r *Report) {
				expectEqual(t, "missing", group(t, r, "alfie-developers").Members.Missing, []string{"bob"})
				for _, key := range developerPlacements {
					p := placement(t, r, key)
					expectEqual(t, key+" denied", deniedByName(p.DeclaredDenied), map[string]string{"bob": "no-mfa,fresh-mfa,stale-mfa: its identity policies do not allow it (simulator: implicitDeny)"})
					expectEqual(t, key+" live", accessByName(p.Live), map[string][]string{"alice": all, "carol": all})
				}
			},
		},
		"a trust widened in one account": {
			plant: func(f *fixture) {
				role := f.s.Role(qa, "AlfieDeployment")
				role.Trust = strings.Replace(role.Trust, `"AWS":"arn:aws:iam::012345678901:root"`, `"AWS":["arn:aws:iam::012345678901:root","arn:aws:iam::999999999999:root"]`, 1)
			},
			differences: 1,
			check: func(t *testing.T, f *fixture, r *Report) {
				p := placement(t, r, "qa/AlfieDeployment")
				expectEqual(t, "trust", p.Trust.Status, StatusDiffers)
				expectEqual(t, "differences", p.Trust.Differences, []string{"live only: Allow sts:AssumeRole to AWS arn:aws:iam::999999999999:root unconditionally"})
				// The audit does not guess what the drifted trust admits.
				expectEqual(t, "live", len(p.Live), 0)
				expectEqual(t, "undecided", accessByName(p.Undecided), developers)
				expectEqual(t, "third parties", p.ThirdParty.Live.Accounts, []string{stranger})
				var principals []string
				for _, s := range p.Trust.Statements {
					principals = append(principals, s.Principal)
				}
				expectEqual(t, "live trust principals", principals, []string{"arn:aws:iam::012345678901:root", "arn:aws:iam::999999999999:root"})
				for _, key := range []string{"development/AlfieFullAccess", "production/AlfieReadOnly"} {
					expectEqual(t, key+" trust", placement(t, r, key).Trust.Status, StatusEqual)
				}
			},
		},
		"an MFA condition removed from a destructive role": {
			plant: func(f *fixture) {
				f.s.Role(production, "AlfieDatabaseShutdown").Trust = `{"Version":"2012-10-17","Statement":[{"Sid":"TrustManagementAccount","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole"}]}`
			},
			differences: 1,
			check: func(t *testing.T, f *fixture, r *Report) {
				p := placement(t, r, shutdown)
				expectEqual(t, "differences", p.Trust.Differences, []string{
					"declared only: Allow sts:AssumeRole to AWS arn:aws:iam::012345678901:root when Bool aws:MultiFactorAuthPresent = true and NumericLessThan aws:MultiFactorAuthAge = 3600",
					"live only: Allow sts:AssumeRole to AWS arn:aws:iam::012345678901:root unconditionally",
				})
				expectEqual(t, "live trust conditions", p.Trust.Statements[0].Conditions, []string{})
				expectEqual(t, "undecided", accessByName(p.Undecided), map[string][]string{"alice": fresh})
			},
		},
		"a missing role": {
			plant:       func(f *fixture) { f.s.RemoveRole(qa, "AlfieDeployment") },
			differences: 4,
			check: func(t *testing.T, f *fixture, r *Report) {
				p := placement(t, r, "qa/AlfieDeployment")
				expectEqual(t, "exists", p.Exists, false)
				expectEqual(t, "trust", p.Trust.Status, StatusMissing)
				reason := "no-mfa,fresh-mfa,stale-mfa: the role does not exist"
				expectEqual(t, "denied", deniedByName(p.DeclaredDenied), map[string]string{"alice": reason, "bob": reason, "carol": reason})
			},
		},
		"a role present but undeclared": {
			plant: func(f *fixture) {
				a := f.s.Account(production)
				a.Roles = append(a.Roles, &fakeaws.Role{Name: "AlfieFullAccess", Path: "/", MaxSession: 3600,
					Trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole"}]}`})
			},
			differences: 1,
			check: func(t *testing.T, f *fixture, r *Report) {
				expectEqual(t, "undeclared roles", len(r.UndeclaredRoles), 1)
				u := r.UndeclaredRoles[0]
				expectEqual(t, "role", [3]string{u.Account, u.Role, u.ARN}, [3]string{"production", "AlfieFullAccess", "arn:aws:iam::123456789012:role/AlfieFullAccess"})
				expectEqual(t, "its trust", u.Trust[0].Principal, "arn:aws:iam::012345678901:root")
			},
		},
		"role settings and a grant changed by hand": {
			plant: func(f *fixture) {
				role := f.s.Role(production, "AlfieReadOnly")
				role.MaxSession = 43200
				role.Attached = append(role.Attached, "arn:aws:iam::aws:policy/AdministratorAccess")
				for _, p := range f.s.Account(managementID).Policies {
					if p.Name == "alfie-developers-assume-roles" {
						p.Document = strings.Replace(p.Document, `"Resource":[`, `"Resource":["arn:aws:iam::123456789012:role/AlfieDatabaseShutdown",`, 1)
					}
				}
			},
			differences: 3,
			check: func(t *testing.T, f *fixture, r *Report) {
				expectEqual(t, "role differences", placement(t, r, "production/AlfieReadOnly").RoleDifferences, []string{
					"managed policy attached but not declared: arn:aws:iam::aws:policy/AdministratorAccess",
					"maxSessionDuration: live 43200, declared 28800",
				})
				gr := group(t, r, "alfie-developers").Grants[0]
				expectEqual(t, "grant", gr.Status, StatusDiffers)
				expectEqual(t, "grant differences", gr.Differences, []string{"live only: Allow sts:AssumeRole on arn:aws:iam::123456789012:role/AlfieDatabaseShutdown unconditionally"})
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tc.members, fakeaws.ManagementAccessKey)
			if tc.plant != nil {
				tc.plant(f)
			}
			r, err := f.run()
			if err != nil {
				t.Fatal(err)
			}
			if r.Differences != tc.differences || r.Equal != (tc.differences == 0) {
				t.Errorf("differences = %d (equal %v), want %d\n%s", r.Differences, r.Equal, tc.differences, r.Markdown())
			}
			tc.check(t, f, r)
		})
	}
}

// TestThrottledCallsAreRetriedToTheSameReport: throttling on every kind of
// call is retried by the SDK's retryer, and the report is the one an
// unthrottled run gives.
func TestThrottledCallsAreRetriedToTheSameReport(t *testing.T) {
	t.Parallel()
	for name, legacy := range map[string]bool{"simulator grouping results by resource": false, "simulator answering one result per resource": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			calm := newFixture(t, false, fakeaws.ManagementAccessKey)
			want, err := calm.run()
			if err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, false, fakeaws.ManagementAccessKey)
			f.s.LegacySimulator = legacy
			throttles := map[string]int{
				"sts:GetCallerIdentity": 1, "sts:AssumeRole": 2, "iam:GetAccountAuthorizationDetails": 4,
				"iam:GetRole": 2, "iam:SimulatePrincipalPolicy": 5,
			}
			extra := 0
			for action, n := range throttles {
				f.s.Throttle(action, n)
				extra += n
			}
			got, err := f.run()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("throttled report differs:\n%s\nwant\n%s", got.Markdown(), want.Markdown())
			}
			if n, m := len(f.s.Calls()), len(calm.s.Calls()); n != m+extra {
				t.Errorf("%d calls, want %d (the unthrottled run's %d and one retry per throttle)", n, m+extra, m)
			}
		})
	}
}

func TestAccountFilterReadsAndReportsOnlyThoseAccounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false, fakeaws.ManagementAccessKey)
	f.plantOutsiderAdministrator()
	r, err := f.run("qa")
	if err != nil {
		t.Fatal(err)
	}
	var keys, groups []string
	for _, p := range r.Placements {
		keys = append(keys, p.Key)
	}
	for _, g := range r.Groups {
		groups = append(groups, g.Name)
	}
	expectEqual(t, "accounts", r.Accounts, []string{"qa"})
	expectEqual(t, "placements", keys, []string{"qa/AlfieDeployment"})
	expectEqual(t, "groups", groups, []string{"alfie-developers"})
	expectEqual(t, "differences", r.Differences, 1)
	for _, c := range f.s.Calls() {
		if c.Account != managementID && c.Account != qa {
			t.Errorf("%s called in account %s, outside the audited accounts", c.Action, c.Account)
		}
	}
}

func TestErrorsStopTheAudit(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		key      string
		accounts []string
		plant    func(f *fixture)
		want     string
	}{
		"credentials of another account":   {key: fakeaws.StrangerAccessKey, want: "not of the management account " + managementID},
		"credentials the endpoint refuses": {key: "AKIDUNKNOWNEXAMPLE", want: "InvalidClientTokenId"},
		"an account whose access role refuses": {key: fakeaws.ManagementAccessKey, plant: func(f *fixture) { f.s.DenyAccess(production) },
			want: "reading account production (123456789012) through arn:aws:iam::123456789012:role/OrganizationAccountAccessRole"},
		"throttling beyond the retries": {key: fakeaws.ManagementAccessKey, plant: func(f *fixture) { f.s.Throttle("iam:GetAccountAuthorizationDetails", 1000) },
			want: "Throttling"},
		"an account not in the layout": {key: fakeaws.ManagementAccessKey, accounts: []string{"staging"}, want: `no account "staging"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, false, tc.key)
			if tc.plant != nil {
				tc.plant(f)
			}
			_, err := f.run(tc.accounts...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestRetriesFollowMaxRetries: aws:maxRetries bounds the attempts, as it
// does for the provider.
func TestRetriesFollowMaxRetries(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false, fakeaws.ManagementAccessKey)
	two := 2
	f.settings.MaxRetries = &two
	f.s.Throttle("sts:GetCallerIdentity", 1000)
	if _, err := f.run(); err == nil {
		t.Fatal("no error")
	}
	n := 0
	for _, c := range f.s.Calls() {
		if c.Action == "sts:GetCallerIdentity" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d attempts, want 3 (the call and 2 retries)", n)
	}
	if !slices.ContainsFunc(f.s.Calls(), func(c fakeaws.Call) bool { return c.Action == "sts:GetCallerIdentity" }) {
		t.Error("no call")
	}
}

// TestWorkloadsAndThirdPartiesAreReportedWithTheirOwnPrincipals: a CI
// workload's placement shows its OIDC provider and subjects, a third-party
// role its trusted accounts and external ID, declared and live; as declared
// they are equal and the audit finds no difference.
func TestWorkloadsAndThirdPartiesAreReportedWithTheirOwnPrincipals(t *testing.T) {
	t.Parallel()
	t.Run("CI workloads", func(t *testing.T) {
		t.Parallel()
		f := newFixtureFrom(t, filepath.Join("..", "Pulumi.ci.yaml"), false, fakeaws.ManagementAccessKey)
		r, err := f.run()
		if err != nil {
			t.Fatal(err)
		}
		if !r.Equal {
			t.Fatalf("%d differences as declared:\n%s", r.Differences, r.Markdown())
		}
		p := placement(t, r, "qa/AlfieDeployFromGitHub")
		want := CIAccess{
			Providers: []string{"arn:aws:iam::234567890123:oidc-provider/token.actions.githubusercontent.com"},
			Audiences: []string{"sts.amazonaws.com"},
			Subjects:  []string{"repo:alfie-corp/alfie:environment:qa", "repo:alfie-corp/alfie:ref:refs/heads/main"},
			Patterns:  []string{},
		}
		expectEqual(t, "declared", p.Workload.Declared, want)
		expectEqual(t, "live", p.Workload.Live, want)
		// Its testers (alfie-developers) assume it like any role.
		expectEqual(t, "testers live", accessByName(p.Live), map[string][]string{"alice": all, "bob": all})
		gitlab := placement(t, r, "development/AlfieReleaseFromGitLab")
		expectEqual(t, "gitlab patterns", gitlab.Workload.Live.Patterns, []string{"project_path:alfie-corp/platform/alfie:ref_type:tag:ref:v*"})
		expectEqual(t, "gitlab people", len(gitlab.Live)+len(gitlab.Declared), 0)
	})
	t.Run("third parties", func(t *testing.T) {
		t.Parallel()
		f := newFixtureFrom(t, filepath.Join("..", "layout", "testdata", "stacks", "Pulumi.every-key.yaml"), false, fakeaws.ManagementAccessKey)
		r, err := f.run()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range r.Placements {
			if p.ThirdParty == nil {
				continue
			}
			found = true
			expectEqual(t, p.Key+" third parties", p.ThirdParty.Live, p.ThirdParty.Declared)
			if len(p.ThirdParty.Declared.ExternalIDs) != 1 {
				t.Errorf("%s: external IDs %v", p.Key, p.ThirdParty.Declared.ExternalIDs)
			}
		}
		if !found {
			t.Fatal("no third-party role in the every-key stack")
		}
		if !r.Equal {
			t.Errorf("%d differences as declared:\n%s", r.Differences, r.Markdown())
		}
	})
}

// TestCredentialsFromAProfileInTheStacksSharedFiles: with aws:profile and
// aws:sharedCredentialsFiles instead of keys in the stack, the audit signs
// with that profile's keys, as the provider would.
func TestCredentialsFromAProfileInTheStacksSharedFiles(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false, "AKIDNOTUSEDEXAMPLE")
	credentials := filepath.Join(t.TempDir(), "credentials")
	text := "[default]\naws_access_key_id = " + fakeaws.StrangerAccessKey + "\naws_secret_access_key = x\n\n[audit]\naws_access_key_id = " + fakeaws.ManagementAccessKey + "\naws_secret_access_key = " + fakeaws.SecretKey + "\n"
	if err := os.WriteFile(credentials, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	f.settings.AccessKey, f.settings.SecretKey = "", ""
	f.settings.Profile = "audit"
	f.settings.SharedCredentialsFiles = []string{credentials}
	r, err := f.run()
	if err != nil {
		t.Fatal(err)
	}
	expectEqual(t, "caller", r.Caller, "arn:aws:iam::012345678901:user/auditor")
}
