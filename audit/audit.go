// Package audit answers, from the live organization, who can really assume
// each role a layout places, and how the live IAM differs from the file.
//
// It only reads. With the management account's credentials (the stack's
// aws: settings over the SDK's own chain) it reads the management account
// whole, asks AWS's policy simulator whether each of its users and roles may
// sts:AssumeRole each placement under three MFA contexts, and reads each
// audited child account through its access role, as the program's providers
// reach it. The simulator judges the identity side only: it ignores trust
// policies for sts:Assume* (aws/aws-cli #10314). The trust side comes from
// the live trust compared by meaning with the one the program registers:
// when they are equal the program's principals and conditions are known;
// when they differ the audit reports the drift and decides nothing.
//
// Package audit knows nothing of Pulumi.
package audit

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

	"iam-layout/awssettings"
	"iam-layout/layout"
	"iam-layout/policies"
)

// Concurrency. AWS publishes no IAM API rate limits (docs/audit.md says
// what it does publish); limits are per account and per API, and the
// management account's are shared with everything else that calls IAM
// there, so its simulations run few at a time, while each child account is
// its own bucket and is read by one worker.
const (
	// SimulationWorkers bounds the SimulatePrincipalPolicy calls in flight
	// in the management account.
	SimulationWorkers = 4
	// AccountWorkers bounds the child accounts read at once (each with its
	// AssumeRole in the management account's STS, then its own reads one
	// after another).
	AccountWorkers = 8
)

// Options say what to audit and how to reach it.
type Options struct {
	// Stack is the stack's name, for the report.
	Stack  string
	Layout *layout.Layout
	// Settings are the stack's aws: settings.
	Settings awssettings.Settings
	// Accounts are the names of the accounts to audit; none means all.
	Accounts []string
	// Progress receives one line per step; nil discards them.
	Progress io.Writer
	// Backoff replaces the retryer's delays between attempts; nil keeps the
	// SDK's exponential backoff with jitter. Tests make it instant.
	Backoff retry.BackoffDelayer
}

// Run audits the live organization.
func Run(ctx context.Context, o Options) (*Report, error) {
	l := o.Layout
	if !l.IAMAccess() {
		return nil, fmt.Errorf("the stack lays out no IAM roles (identityCenter.access %s): there is nothing for the audit to read", layout.AccessIdentityCenter)
	}
	accounts, err := SelectAccounts(l, o.Accounts)
	if err != nil {
		return nil, err
	}
	docs, err := policies.Build(l)
	if err != nil {
		return nil, fmt.Errorf("building the program's documents: %w", err)
	}
	p := &progress{w: o.Progress}
	cfg, err := loadConfig(ctx, o.Settings, o.Backoff)
	if err != nil {
		return nil, err
	}
	c := newClients(cfg, o.Settings)
	id, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("checking the credentials (sts:GetCallerIdentity): %w", err)
	}
	if got := aws.ToString(id.Account); got != l.MasterAccountID {
		return nil, fmt.Errorf("the credentials are of account %s (%s), not of the management account %s: run the audit with the management account's credentials, as pulumi up", got, aws.ToString(id.Arn), l.MasterAccountID)
	}
	p.printf("caller %s, management account %s", aws.ToString(id.Arn), l.MasterAccountID)

	mg, err := readManagement(ctx, c.iam)
	if err != nil {
		return nil, err
	}
	p.printf("management account: %d users, %d roles, %d groups, %d customer managed policies", len(mg.users), len(mg.roles), len(mg.groups), len(mg.policies))

	placements := placementsOf(l, accounts)
	principals := principalsOf(mg)
	var live map[string]map[string]*liveRole
	var identity identityAnswers
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		live, err = readAccounts(gctx, c, l, accounts, p)
		return err
	})
	g.Go(func() error {
		var err error
		identity, err = simulateAll(gctx, c, l, principals, placements, p)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	report, err := decide(l, docs, accounts, placements, mg, principals, live, identity)
	if err != nil {
		return nil, err
	}
	report.Stack = o.Stack
	report.Caller = aws.ToString(id.Arn)
	p.printf("done: %d difference(s)", report.Differences)
	return report, nil
}

// SelectAccounts resolves --account names (all accounts when none), in the
// layout's order. An unknown name is an error listing the known ones.
func SelectAccounts(l *layout.Layout, names []string) ([]*layout.Account, error) {
	if len(names) == 0 {
		return l.Accounts, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		if l.Account(n) == nil {
			known := make([]string, len(l.Accounts))
			for i, a := range l.Accounts {
				known[i] = a.Name
			}
			return nil, fmt.Errorf("no account %q in the layout (accounts: %v)", n, known)
		}
		want[n] = true
	}
	var out []*layout.Account
	for _, a := range l.Accounts {
		if want[a.Name] {
			out = append(out, a)
		}
	}
	return out, nil
}

// placementsOf are the role placements in the audited accounts, by key.
func placementsOf(l *layout.Layout, accounts []*layout.Account) []*layout.Role {
	var out []*layout.Role
	for _, a := range accounts {
		out = append(out, a.Roles...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// principalsOf are the management account's users and roles: every
// identity whose policies could allow assuming a role.
func principalsOf(mg *management) []Principal {
	var out []Principal
	for _, u := range mg.users {
		out = append(out, Principal{Type: "user", Name: aws.ToString(u.UserName), ARN: aws.ToString(u.Arn)})
	}
	for _, r := range mg.roles {
		out = append(out, Principal{Type: "role", Name: aws.ToString(r.RoleName), ARN: aws.ToString(r.Arn)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	return out
}

// readAccounts reads the audited child accounts, AccountWorkers at a time.
func readAccounts(ctx context.Context, c *clients, l *layout.Layout, accounts []*layout.Account, p *progress) (map[string]map[string]*liveRole, error) {
	names := map[string]bool{}
	for _, r := range l.Roles {
		names[r.Name] = true
	}
	out := make(map[string]map[string]*liveRole, len(accounts))
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(AccountWorkers)
	done := 0
	for _, a := range accounts {
		g.Go(func() error {
			roles, err := readAccount(gctx, c.child(a.AccessRoleARN), names, a.Roles)
			if err != nil {
				return fmt.Errorf("reading account %s (%s) through %s: %w", a.Name, a.ID, a.AccessRoleARN, err)
			}
			mu.Lock()
			defer mu.Unlock()
			out[a.Name] = roles
			done++
			p.printf("account %s (%s): %d of its %d layout roles found [%d/%d accounts]", a.Name, a.ID, countDeclared(roles, a.Roles), len(a.Roles), done, len(accounts))
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

func countDeclared(live map[string]*liveRole, declared []*layout.Role) int {
	n := 0
	for _, r := range declared {
		if live[r.Name] != nil {
			n++
		}
	}
	return n
}

// identityAnswers are the simulator's verdicts: principal ARN -> MFA
// context -> role ARN -> verdict.
type identityAnswers map[string]map[string]map[string]verdict

// simulateAll asks the simulator about every principal, placement and MFA
// context, SimulationWorkers calls at a time.
func simulateAll(ctx context.Context, c *clients, l *layout.Layout, principals []Principal, placements []*layout.Role, p *progress) (identityAnswers, error) {
	resources := make([]string, len(placements))
	for i, r := range placements {
		resources[i] = r.ARN
	}
	out := make(identityAnswers, len(principals))
	for _, pr := range principals {
		out[pr.ARN] = map[string]map[string]verdict{}
	}
	if len(resources) == 0 {
		return out, nil
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(SimulationWorkers)
	total, done := len(principals)*len(mfaContexts), 0
	p.printf("simulating sts:AssumeRole for %d principals on %d roles under %d MFA contexts", len(principals), len(resources), len(mfaContexts))
	for _, pr := range principals {
		user := ""
		if pr.Type == "user" {
			user = pr.Name
		}
		for _, mfa := range mfaContexts {
			g.Go(func() error {
				verdicts, err := simulate(gctx, c.iam, pr.ARN, resources, contextEntries(l, mfa, user))
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				out[pr.ARN][mfa] = verdicts
				done++
				if done%progressEvery == 0 || done == total {
					p.printf("simulated %d/%d", done, total)
				}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// progressEvery is how many simulations pass between progress lines.
const progressEvery = 25

// progress writes "audit: ..." lines; safe for concurrent use.
type progress struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *progress) printf(format string, args ...any) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "audit: "+format+"\n", args...)
}
