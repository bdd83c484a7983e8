package tests

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"

	"iam-layout/internal/iameval"
	"iam-layout/layout"
	"iam-layout/synthetic"
)

// deliveries are both ways roles reach accounts.
var deliveries = []string{layout.DeliveryProviders, layout.DeliveryStackSets}

// withTrust sets security.trust (and the delivery) on an organization.
func withTrust(mode, delivery string) func(org map[string]any) {
	return func(org map[string]any) {
		security, _ := org["security"].(map[string]any)
		if security == nil {
			security = map[string]any{}
		}
		security["trust"] = mode
		org["security"] = security
		if delivery == layout.DeliveryStackSets {
			org["delivery"] = delivery
			delete(org, "maxProviders")
		}
	}
}

// configLayout is the layout a config holds.
func configLayout(t *testing.T, cfg map[string]string) *layout.Layout {
	t.Helper()
	l, err := layout.Load([]byte(cfg[project+":organization"]))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// runClosed runs the program against mocks where the file's users without
// create already exist, as the file says they do, and no one else.
func runClosed(t *testing.T, cfg map[string]string) (*result, *layout.Layout) {
	t.Helper()
	l := configLayout(t, cfg)
	m := newMocks(seedMaster)
	m.existingUsers = map[string]bool{}
	for _, u := range l.Users {
		if !u.Create {
			m.existingUsers[u.ARN] = true
		}
	}
	res := runMocks(t, cfg, m)
	if res.Err != nil {
		t.Fatalf("program failed: %v", res.Err)
	}
	return res, l
}

// liveTrusts are the trust policies the roles got in their accounts, by
// placement key: the iam.Role's in providers delivery, the one a stack
// instance created (template resolved in the account) in stackSets.
func liveTrusts(t *testing.T, res *result, l *layout.Layout) map[string]string {
	t.Helper()
	byARN := map[string]string{}
	for _, r := range l.Roles {
		byARN[r.ARN] = r.Key()
	}
	out := map[string]string{}
	for _, r := range res.ofType(typeRole) {
		if l.Role(r.Name) != nil { // not the StackSets administration role
			out[r.Name] = r.str("assumeRolePolicy")
		}
	}
	for _, r := range res.CFNRoles {
		out[byARN[r.ARN]] = r.Trust
	}
	if len(out) != len(l.Roles) {
		t.Fatalf("%d roles were created, the layout places %d", len(out), len(l.Roles))
	}
	return out
}

// groupDocuments are the documents of the managed policies attached to each
// group, as registered: grants and guardrails.
func groupDocuments(t *testing.T, res *result) map[string][]string {
	t.Helper()
	byARN := map[string]string{}
	for _, p := range res.ofType(typePolicy) {
		byARN[p.State["arn"].StringValue()] = p.str("policy")
	}
	out := map[string][]string{}
	for _, a := range res.ofType(typeGroupAttachment) {
		doc, ok := byARN[a.str("policyArn")]
		if !ok {
			t.Fatalf("group %s is attached %s, which the run did not create", a.str("group"), a.str("policyArn"))
		}
		out[a.str("group")] = append(out[a.str("group")], doc)
	}
	return out
}

// MFA situations of a request.
const (
	noMFA    = "without MFA"
	freshMFA = "with a fresh MFA sign-in"
	staleMFA = "with an MFA sign-in older than mfaMaxAgeSeconds"
)

// assumes says whether principal, holding the identity documents, may
// assume placement r: both documents evaluated with the request's keys.
func assumes(t *testing.T, l *layout.Layout, trust string, identity []string, principal, username string, r *layout.Role, mfa string) bool {
	t.Helper()
	ctx := map[string]string{"aws:username": username, "sts:RoleSessionName": username, "aws:PrincipalArn": principal}
	if r.ExternalID != "" {
		ctx["sts:ExternalId"] = r.ExternalID
	}
	switch mfa {
	case freshMFA:
		ctx["aws:MultiFactorAuthPresent"], ctx["aws:MultiFactorAuthAge"] = "true", "30"
	case staleMFA:
		ctx["aws:MultiFactorAuthPresent"], ctx["aws:MultiFactorAuthAge"] = "true", fmt.Sprint(l.MFAMaxAgeSeconds+60)
	}
	ok, err := iameval.AssumeRole(trust, identity, iameval.Request{Principal: principal, Action: "sts:AssumeRole", Resource: r.ARN, Context: ctx})
	if err != nil {
		t.Fatalf("evaluating %s on %s: %v", principal, r.Key(), err)
	}
	return ok
}

// adminPolicy is what an administrator of the management account holds.
const adminPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`

// judgeAccess holds the documents a run registered to the declaration: every
// declared (person, role) pair gets in with the declared MFA rules, and an
// administrator of the management account allowed sts:AssumeRole on "*",
// in no group, gets in exactly when the trust is the whole account's.
func judgeAccess(t *testing.T, what string, res *result, l *layout.Layout) {
	t.Helper()
	trusts := liveTrusts(t, res, l)
	docs := groupDocuments(t, res)
	admin := layout.UserARN(l.Partition, l.MasterAccountID, "/", "admin")
	for _, r := range l.Roles {
		trust := trusts[r.Key()]
		declared := map[*layout.User]bool{}
		for _, g := range r.Groups {
			for _, u := range g.Members {
				declared[u] = true
			}
		}
		for u := range declared {
			var identity []string
			for _, g := range u.Groups {
				identity = append(identity, docs[g.Name]...)
			}
			if !assumes(t, l, trust, identity, u.ARN, u.Name, r, freshMFA) {
				t.Errorf("%s: %s is declared for %s but is denied with a fresh MFA sign-in", what, u.Name, r.Key())
			}
			if r.RequireMFA {
				for _, mfa := range []string{noMFA, staleMFA} {
					if assumes(t, l, trust, identity, u.ARN, u.Name, r, mfa) {
						t.Errorf("%s: %s may assume MFA role %s %s", what, u.Name, r.Key(), mfa)
					}
				}
			} else if !u.MFAEverywhere && !assumes(t, l, trust, identity, u.ARN, u.Name, r, noMFA) {
				t.Errorf("%s: %s is declared for %s, which needs no MFA, but is denied without it", what, u.Name, r.Key())
			}
		}
		// A workload's role trusts the management account only for its
		// testers.
		open := !l.ClosedTrust() && r.ExternalID == "" && (r.Workload == nil || len(r.Workload.Testers) > 0)
		if got := assumes(t, l, trust, []string{adminPolicy}, admin, "admin", r, freshMFA); got != open {
			t.Errorf("%s: an administrator in no group may assume %s: %v, want %v (security.trust: %s)", what, r.Key(), got, open, l.Security.Trust)
		}
	}
}

func TestClosedTrustLetsInExactlyTheDeclaredPeople(t *testing.T) {
	t.Parallel()
	for _, delivery := range deliveries {
		for _, mode := range []string{layout.TrustAccount, layout.TrustMembers} {
			name := delivery + "/" + mode
			t.Run("dev/"+name, func(t *testing.T) {
				t.Parallel()
				res, l := runClosed(t, mutate(t, withTrust(mode, delivery)))
				judgeAccess(t, name, res, l)
			})
		}
	}
	t.Run("random organizations", func(t *testing.T) {
		t.Parallel()
		for seed := int64(0); seed < 60; seed++ {
			spec := synthetic.RandomMembers(rand.New(rand.NewSource(seed)))
			if seed%2 == 1 {
				spec.Delivery.Mode = layout.DeliveryStackSets
			}
			res, l := runClosed(t, specConfig(t, spec))
			judgeAccess(t, fmt.Sprintf("seed %d (%s)", seed, spec.Delivery.Mode), res, l)
		}
	})
}

// membersTrust is the trust policy of a dev role under closed trust.
func membersTrust(mfa bool, users ...string) string {
	arns := make([]string, len(users))
	for i, u := range users {
		arns[i] = `"arn:aws:iam::012345678901:user/` + u + `"`
	}
	cond := ""
	if mfa {
		cond = `,"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}`
	}
	return `{"Version":"2012-10-17","Statement":[{"Sid":"TrustMembers","Effect":"Allow","Principal":{"AWS":[` + strings.Join(arns, ",") + `]},"Action":"sts:AssumeRole"` + cond + `}]}`
}

func TestClosedTrustNamesTheMembersOfTheGrantedGroupsInBothDeliveries(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"development/AlfieFullAccess":      membersTrust(false, "alice", "bob", "carol"),
		"qa/AlfieDeployment":               membersTrust(false, "alice", "bob", "carol"),
		"production/AlfieReadOnly":         membersTrust(false, "alice", "bob", "carol"),
		"production/AlfieDatabaseShutdown": membersTrust(true, "alice"),
	}
	for _, delivery := range deliveries {
		t.Run(delivery, func(t *testing.T) {
			t.Parallel()
			res, l := runClosed(t, mutate(t, withTrust(layout.TrustMembers, delivery)))
			got := liveTrusts(t, res, l)
			for key, doc := range want {
				assertEquivalent(t, key+" trust policy", got[key], doc)
				if strings.Contains(got[key], ":root") {
					t.Errorf("%s trusts an account root: %s", key, got[key])
				}
			}
		})
	}
}

// TestClosedTrustWaitsForTheUsersItNames: IAM refuses a trust naming a user
// that does not exist, so roles (providers) and StackSets (stackSets) wait
// for the users the stack creates; users the file names without creating
// them must exist already, and the mocks refuse the run when one does not.
func TestClosedTrustWaitsForTheUsersItNames(t *testing.T) {
	t.Parallel()
	userURN := func(res *result, name string) string {
		u, ok := res.named(typeUser, name)
		if !ok {
			t.Fatalf("user %s was not created", name)
		}
		return u.URN
	}
	for _, delivery := range deliveries {
		t.Run(delivery, func(t *testing.T) {
			t.Parallel()
			res, _ := runClosed(t, mutate(t, withTrust(layout.TrustMembers, delivery)))
			alice, bob := userURN(res, "alice"), userURN(res, "bob")
			waits := map[string][]string{}
			for _, typ := range []string{typeRole, typeStackSet} {
				for _, r := range res.ofType(typ) {
					name := r.Name[strings.LastIndex(r.Name, "/")+1:]
					for _, d := range r.Dependencies {
						if d == alice || d == bob {
							waits[name] = append(waits[name], resourceName(d))
						}
					}
					sort.Strings(waits[name])
				}
			}
			want := map[string][]string{
				"AlfieFullAccess":       {"alice", "bob"},
				"AlfieDeployment":       {"alice", "bob"},
				"AlfieReadOnly":         {"alice", "bob"},
				"AlfieDatabaseShutdown": {"alice"},
			}
			if !reflect.DeepEqual(waits, want) {
				t.Errorf("what waits for which created user = %v, want %v", waits, want)
			}
		})
	}
	t.Run("a named user who does not exist", func(t *testing.T) {
		t.Parallel()
		m := newMocks(seedMaster)
		m.existingUsers = map[string]bool{} // carol was never created
		res := runMocks(t, mutate(t, withTrust(layout.TrustMembers, layout.DeliveryProviders)), m)
		if res.Err == nil || !strings.Contains(res.Err.Error(), "Invalid principal") || !strings.Contains(res.Err.Error(), "user/carol") {
			t.Fatalf("err = %v, want IAM's invalid principal for carol", res.Err)
		}
	})
}

func resourceName(urn string) string { return urn[strings.LastIndex(urn, "::")+2:] }

// TestMovingALiveStackToClosedTrustUpdatesTrustsInPlace: the second run,
// with security.trust: members, registers the same resources under the same
// names with the same inputs, but for the trusts: one `pulumi up` updates
// them in place. Nothing IAM or CloudFormation replaces on change (a role's
// name or path, an instance's account) differs.
func TestMovingALiveStackToClosedTrustUpdatesTrustsInPlace(t *testing.T) {
	t.Parallel()
	trustInput := map[string]string{typeRole: "assumeRolePolicy", typeStackSet: "templateBody"}
	for _, delivery := range deliveries {
		t.Run(delivery, func(t *testing.T) {
			t.Parallel()
			before, _ := runClosed(t, mutate(t, withTrust(layout.TrustAccount, delivery)))
			after, _ := runClosed(t, mutate(t, withTrust(layout.TrustMembers, delivery)))
			p := pairResults(before, after)
			if len(p.added) > 0 || len(p.dropped) > 0 {
				t.Fatalf("the move adds or removes resources:\nadded   %v\ndropped %v", p.added, p.dropped)
			}
			changed := 0
			for _, b := range p.both {
				old, updated := b[0], b[1]
				urn := old.URN
				for key, v := range old.Inputs {
					if reflect.DeepEqual(v, updated.Inputs[key]) {
						continue
					}
					switch {
					case key == "accessMatrix":
					case string(key) == trustInput[old.Type]:
						changed++
					default:
						t.Errorf("%s: input %s changes: %v -> %v", urn, key, v, updated.Inputs[key])
					}
				}
				if len(updated.Inputs) != len(old.Inputs) {
					t.Errorf("%s: inputs %d -> %d", urn, len(old.Inputs), len(updated.Inputs))
				}
			}
			want := map[string]int{layout.DeliveryProviders: 4, layout.DeliveryStackSets: 4}[delivery]
			if changed != want {
				t.Errorf("%d trusts changed, want %d (every role definition's)", changed, want)
			}
		})
	}
}

// TestClosedTrustKeepsCIWorkloadsAndIdentityCenterWorking: the shipped CI
// stack (OIDC trusts, testers) in both deliveries, and the shipped Identity
// Center stack with IAM users beside it (access: both), deploy under closed
// trust and let in exactly their declared people; the workloads' OIDC
// statements do not change.
func TestClosedTrustKeepsCIWorkloadsAndIdentityCenterWorking(t *testing.T) {
	t.Parallel()
	for _, delivery := range deliveries {
		t.Run("ci/"+delivery, func(t *testing.T) {
			t.Parallel()
			open, _ := runClosed(t, ciConfig(t, delivery, nil))
			closed, l := runClosed(t, ciConfig(t, delivery, withTrust(layout.TrustMembers, delivery)))
			judgeAccess(t, "ci "+delivery, closed, l)
			before, after := liveTrusts(t, open, l), liveTrusts(t, closed, l)
			for _, r := range l.Roles {
				if r.Workload == nil {
					continue
				}
				web := func(text string) []string {
					var out []string
					for _, st := range allows(t, text) {
						if st.Principal != nil && st.Principal.Federated() != nil {
							data, _ := json.Marshal(st)
							out = append(out, string(data))
						}
					}
					sort.Strings(out)
					return out
				}
				if got, want := web(after[r.Key()]), web(before[r.Key()]); len(want) == 0 || !reflect.DeepEqual(got, want) {
					t.Errorf("%s: the OIDC statements change under closed trust:\nbefore %v\nafter  %v", r.Key(), want, got)
				}
			}
		})
	}
	t.Run("identity center beside IAM users", func(t *testing.T) {
		t.Parallel()
		org := ssoOrg(t)
		obj(org, "identityCenter")["access"] = "both"
		withTrust(layout.TrustMembers, layout.DeliveryProviders)(org)
		cfg := withOrganization(org)
		cfg["aws:region"] = ssoStackConfig(t)["aws:region"]
		res, l := runClosed(t, cfg)
		judgeAccess(t, "sso both", res, l)
		if len(res.ofType(typePermissionSet)) == 0 || len(res.ofType(typeAccountAssignment)) == 0 {
			t.Error("no permission set or assignment was created: Identity Center is off")
		}
	})
}
