// Package synthetic generates organizations for tests and benchmarks: a
// regular one of any size (N accounts, G groups, U users) and small random
// ones that exercise every option. Both are plain layout.Specs, so they go
// through the same validation as a stack's YAML.
package synthetic

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"strings"

	"iam-layout/layout"
)

// Master is the generated organizations' management account (made up).
const Master = "012345678901"

// Options size a regular organization.
type Options struct {
	Accounts int
	Groups   int
	Users    int
	// Seed drives the users' group choices.
	Seed int64
	// Delivery is layout.DeliveryProviders (the default) or
	// layout.DeliveryStackSets. In providers delivery the organization
	// accepts the provider budget its size needs, as a person who knows the
	// cost would: tests of the budget itself set it back.
	Delivery string
}

// Role names of a regular organization: every account holds all three.
const (
	ReadOnly         = "ReadOnly"
	Deployment       = "Deployment"
	DatabaseShutdown = "DatabaseShutdown"
	// Auditors is group 0: it reads every account, so at scale its grants
	// need several managed policies.
	Auditors = "auditors"
)

var environments = []string{"development", "qa", "production", "sandbox"}

// AccountName is the name of the i-th account.
func AccountName(i int) string { return fmt.Sprintf("acct-%04d", i) }

// AccountID is the made-up ID of the i-th account.
func AccountID(i int) string { return fmt.Sprintf("%012d", 100000000000+i) }

// GroupName is the name of the g-th group (g >= 1; group 0 is Auditors).
func GroupName(g int) string { return fmt.Sprintf("team-%02d", g) }

// Organization is a regular organization: N accounts, each with a
// read-only, a deployment and an MFA-protected destructive role; group 0
// reads everything, the other groups share the accounts round-robin, each
// with all three roles of its accounts; every user is in 1-5 groups.
func Organization(o Options) *layout.Spec {
	rng := rand.New(rand.NewSource(o.Seed))
	s := &layout.Spec{
		MasterAccountID: Master,
		Accounts:        make(map[string]layout.AccountSpec, o.Accounts),
		Roles:           map[string]layout.RoleSpec{},
		Groups:          make(map[string]layout.GroupSpec, o.Groups),
		Users:           make(map[string]layout.UserSpec, o.Users),
	}
	if o.Delivery == layout.DeliveryStackSets {
		s.Delivery.Mode = layout.DeliveryStackSets
	} else {
		s.Delivery.MaxProviders = max(o.Accounts, layout.DefaultMaxProviders)
	}
	all := make([]string, o.Accounts)
	for i := range all {
		all[i] = AccountName(i)
		s.Accounts[all[i]] = layout.AccountSpec{ID: AccountID(i), Environment: environments[i%len(environments)]}
	}
	s.Roles[ReadOnly] = layout.RoleSpec{
		Accounts:          all,
		Description:       "Reads everything, changes nothing.",
		ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"},
	}
	s.Roles[Deployment] = layout.RoleSpec{
		Accounts:          all,
		Description:       "Deploys applications.",
		ManagedPolicyARNs: []string{"arn:aws:iam::aws:policy/PowerUserAccess"},
	}
	s.Roles[DatabaseShutdown] = layout.RoleSpec{
		Accounts:       all,
		Description:    "Stops and deletes databases. Requires MFA.",
		Destructive:    true,
		InlinePolicies: map[string]json.RawMessage{"rds-shutdown": json.RawMessage(rdsShutdown)},
	}
	groups := []string{Auditors}
	s.Groups[Auditors] = layout.GroupSpec{Roles: []string{ReadOnly}}
	for g := 1; g < o.Groups; g++ {
		var refs []string
		for i := g - 1; i < o.Accounts; i += max(1, o.Groups-1) {
			refs = append(refs, AccountName(i)+"/"+ReadOnly, AccountName(i)+"/"+Deployment, AccountName(i)+"/"+DatabaseShutdown)
		}
		if len(refs) == 0 {
			refs = []string{ReadOnly}
		}
		name := GroupName(g)
		s.Groups[name] = layout.GroupSpec{Roles: refs}
		groups = append(groups, name)
	}
	for u := 0; u < o.Users; u++ {
		n := 1 + rng.Intn(min(5, len(groups)))
		picked := rng.Perm(len(groups))[:n]
		names := make([]string, n)
		for i, p := range picked {
			names[i] = groups[p]
		}
		s.Users[fmt.Sprintf("user-%04d", u)] = layout.UserSpec{Groups: names, Create: u%2 == 0}
	}
	return s
}

const rdsShutdown = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["rds:StopDBInstance","rds:DeleteDBInstance"],"Resource":"*"}]}`

// Random is a small organization with every option drawn at random:
// destructive and MFA roles, paths, external IDs and third parties, session
// options, guardrail policies, bare and scoped role references.
func Random(rng *rand.Rand) *layout.Spec {
	s := &layout.Spec{
		MasterAccountID:  Master,
		MFAMaxAgeSeconds: []int{0, 300, 3600, 43200}[rng.Intn(4)],
		Accounts:         map[string]layout.AccountSpec{},
		Roles:            map[string]layout.RoleSpec{},
		Groups:           map[string]layout.GroupSpec{},
		Users:            map[string]layout.UserSpec{},
		Security: layout.SecuritySpec{
			RequireSessionNameMatchesUser: rng.Intn(2) == 0,
			AllowSourceIdentity:           rng.Intn(2) == 0,
			AllowTagSession:               rng.Intn(2) == 0,
		},
	}
	nAccounts := 1 + rng.Intn(6)
	var accounts []string
	for i := 0; i < nAccounts; i++ {
		accounts = append(accounts, AccountName(i))
		s.Accounts[AccountName(i)] = layout.AccountSpec{ID: AccountID(i), Protect: rng.Intn(4) == 0}
	}
	nRoles := 1 + rng.Intn(6)
	var roleKeys []string
	for r := 0; r < nRoles; r++ {
		name := fmt.Sprintf("Role%d", r)
		placed := pick(rng, accounts)
		spec := layout.RoleSpec{Accounts: placed, Destructive: rng.Intn(3) == 0}
		if rng.Intn(4) == 0 {
			spec.Path = "/team/"
		}
		if rng.Intn(4) == 0 {
			mfa := true
			spec.RequireMFA = &mfa
		}
		if rng.Intn(4) == 0 {
			spec.ExternalID = fmt.Sprintf("ext-%d", rng.Int63())
			if rng.Intn(2) == 0 {
				spec.TrustedAccounts = []string{fmt.Sprintf("9%011d", rng.Intn(1e9))}
			}
		}
		s.Roles[name] = spec
		for _, a := range placed {
			roleKeys = append(roleKeys, a+"/"+name)
		}
		roleKeys = append(roleKeys, name)
	}
	nGroups := 1 + rng.Intn(5)
	var groups []string
	for g := 0; g < nGroups; g++ {
		name := fmt.Sprintf("group-%d", g)
		groups = append(groups, name)
		s.Groups[name] = layout.GroupSpec{
			Roles:               pick(rng, roleKeys),
			MFASelfService:      rng.Intn(3) == 0,
			DenyCascadeCreation: rng.Intn(3) == 0,
		}
	}
	for u := 0; u < rng.Intn(6); u++ {
		s.Users[fmt.Sprintf("user-%d", u)] = layout.UserSpec{Groups: pick(rng, groups), Create: rng.Intn(2) == 0}
	}
	return s
}

// pick returns a non-empty random subset of items.
func pick(rng *rand.Rand, items []string) []string {
	n := 1 + rng.Intn(len(items))
	var out []string
	for _, i := range rng.Perm(len(items))[:n] {
		out = append(out, items[i])
	}
	return out
}

// RandomMembers is a Random organization under security.trust: members,
// made valid for it the way a person would: every group has a member and
// every role definition is granted to a group (or trusted by a third
// party), so every trust names someone.
func RandomMembers(rng *rand.Rand) *layout.Spec {
	s := Random(rng)
	s.Security.Trust = layout.TrustMembers
	groups := slices.Sorted(maps.Keys(s.Groups))
	if len(s.Users) == 0 {
		s.Users["user-0"] = layout.UserSpec{Groups: []string{groups[0]}, Create: true}
	}
	member := map[string]bool{}
	for _, u := range s.Users {
		for _, g := range u.Groups {
			member[g] = true
		}
	}
	for _, g := range groups {
		if !member[g] {
			u := s.Users["user-0"]
			u.Groups = append(u.Groups, g)
			s.Users["user-0"] = u
		}
	}
	granted := map[string]bool{}
	for _, g := range s.Groups {
		for _, ref := range g.Roles {
			_, role, scoped := strings.Cut(ref, "/")
			if !scoped {
				role = ref
			}
			granted[role] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.Roles)) {
		if !granted[name] && len(s.Roles[name].TrustedAccounts) == 0 {
			g := s.Groups[groups[0]]
			g.Roles = append(g.Roles, name)
			s.Groups[groups[0]] = g
		}
	}
	return s
}
