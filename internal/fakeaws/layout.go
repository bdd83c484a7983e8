package fakeaws

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"iam-layout/layout"
	"iam-layout/policies"
)

// AsDeclared starts a fake holding an organization exactly as the layout
// declares it: the management account's users, groups and the program's
// grant and guardrail policies, each child account's roles with the
// program's trusts, plus roles no layout names (a service-linked role in
// every account). The simulator allows each member the placements of its
// groups: in every MFA context, or fresh MFA only for roles requiring it.
func AsDeclared(l *layout.Layout) (*Server, error) {
	docs, err := policies.Build(l)
	if err != nil {
		return nil, err
	}
	s := New(l.Partition, l.MasterAccountID, l.MFAMaxAgeSeconds)
	m := s.accounts[l.MasterAccountID]
	m.Users = append(m.Users, &User{Name: CallerName, Path: "/", Attached: []string{"arn:" + l.Partition + ":iam::aws:policy/SecurityAudit"}})
	m.Roles = append(m.Roles, &Role{Name: "AWSServiceRoleForOrganizations", Path: "/aws-service-role/organizations.amazonaws.com/", MaxSession: 3600,
		Trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"organizations.amazonaws.com"},"Action":"sts:AssumeRole"}]}`})
	for _, u := range l.Users {
		user := &User{Name: u.Name, Path: u.Path}
		for _, g := range u.Groups {
			user.Groups = append(user.Groups, g.Name)
		}
		m.Users = append(m.Users, user)
	}
	for _, g := range l.Groups {
		group := &Group{Name: g.Name, Path: g.Path, Attached: append([]string(nil), g.ManagedPolicyARNs...)}
		for _, gp := range docs.Groups[g.Name] {
			m.Policies = append(m.Policies, &Policy{Name: gp.Name, Path: gp.Path, Document: gp.Document})
			group.Attached = append(group.Attached, layout.PolicyARN(l.Partition, l.MasterAccountID, gp.Path, gp.Name))
		}
		m.Groups = append(m.Groups, group)
	}
	for _, sp := range docs.Shared {
		m.Policies = append(m.Policies, &Policy{Name: sp.Name, Path: sp.Path, Document: sp.Document})
		for _, name := range sp.Groups {
			for _, g := range m.Groups {
				if g.Name == name {
					g.Attached = append(g.Attached, layout.PolicyARN(l.Partition, l.MasterAccountID, sp.Path, sp.Name))
				}
			}
		}
	}
	for _, a := range l.Accounts {
		acct := &Account{ID: a.ID}
		acct.Roles = append(acct.Roles, &Role{Name: "AWSServiceRoleForSupport", Path: "/aws-service-role/support.amazonaws.com/", MaxSession: 3600,
			Trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"support.amazonaws.com"},"Action":"sts:AssumeRole"}]}`})
		for _, r := range a.Roles {
			role := &Role{Name: r.Name, Path: r.Path, Trust: docs.Trust[r.Key()], MaxSession: r.MaxSessionDuration,
				Boundary: r.PermissionsBoundary, Attached: append([]string(nil), r.ManagedPolicyARNs...), Inline: map[string]string{}}
			for _, p := range r.InlinePolicies {
				role.Inline[p.Name] = p.Document
			}
			acct.Roles = append(acct.Roles, role)
		}
		s.accounts[a.ID] = acct
	}
	for _, u := range l.Users {
		for _, g := range u.Groups {
			for _, r := range g.Roles {
				contexts := AllContexts
				if r.RequireMFA {
					contexts = []string{FreshMFA}
				}
				s.Allow(u.ARN, r.ARN, contexts...)
			}
		}
	}
	return s, nil
}

// User returns the management account's user of that name, or nil.
func (s *Server) User(name string) *User {
	for _, u := range s.accounts[s.Management].Users {
		if u.Name == name {
			return u
		}
	}
	return nil
}

// Role returns a role of an account, or nil.
func (s *Server) Role(account, name string) *Role {
	for _, r := range s.Account(account).Roles {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// RemoveRole deletes a role of an account.
func (s *Server) RemoveRole(account, name string) {
	a := s.Account(account)
	for i, r := range a.Roles {
		if r.Name == name {
			a.Roles = append(a.Roles[:i], a.Roles[i+1:]...)
			return
		}
	}
}

// WriteStack writes a project directory for a stack whose organization is
// the given stack file's, pointed at the fake through aws:endpoints with
// the given access key and empty shared config files (nothing on the
// machine leaks in), as a user pointing a stack at an AWS-compatible
// endpoint would. extra lines go under config: verbatim.
func (s *Server) WriteStack(dir, stack, from, accessKey string, extra ...string) error {
	text, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	empty := filepath.Join(dir, "aws-empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		return err
	}
	settings := []string{
		fmt.Sprintf("  aws:endpoints: [{iam: %q}, {sts: %q}]", s.URL, s.URL),
		"  aws:accessKey: " + accessKey,
		"  aws:secretKey: " + SecretKey,
		fmt.Sprintf("  aws:sharedConfigFiles: [%q]", empty),
		fmt.Sprintf("  aws:sharedCredentialsFiles: [%q]", empty),
		"  aws:skipMetadataApiCheck: true",
	}
	settings = append(settings, extra...)
	body := strings.Replace(string(text), "config:\n", "config:\n"+strings.Join(settings, "\n")+"\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: iam-layout\nruntime: go\n"), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "Pulumi."+stack+".yaml"), []byte(body), 0o644)
}
