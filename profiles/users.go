package profiles

import (
	"sort"
	"strings"

	"iam-layout/layout"
)

// userRenderer renders every user's fragments. Users share roles, and a
// role's section differs between users only in mfa_serial and
// role_session_name, so the parts that do not depend on the reader are
// rendered once per role, and each user's file is assembled from them in
// one pass: at a thousand accounts and five hundred users that is the
// difference between seconds and a fraction of one (see BenchmarkRender).
// The result is byte for byte what configFile and commands give for
// UserProfiles; TestUserRendererMatchesTheReferenceRendering holds it there.
type userRenderer struct {
	l      *layout.Layout
	parts  map[*layout.Role]*roleParts
	rank   map[*layout.Role]int
	byRank []*layout.Role
}

// roleParts are a role's reader-independent lines, as config and as
// commands: what comes before the user's lines and what comes after.
type roleParts struct {
	name                           string
	configHead, configTail         string
	commandHead, commandTail       string
	setMFASerial, setSessionPrefix string
}

func newUserRenderer(l *layout.Layout, stackRegion string) *userRenderer {
	rd := &userRenderer{l: l, parts: make(map[*layout.Role]*roleParts, len(l.Roles)), rank: make(map[*layout.Role]int, len(l.Roles))}
	byName := append([]*layout.Role(nil), l.Roles...)
	sort.Slice(byName, func(i, j int) bool { return byName[i].ProfileName < byName[j].ProfileName })
	rd.byRank = byName
	for i, r := range byName {
		rd.rank[r] = i
		// The reader-independent settings, split where the user's go.
		p := newProfile(l, r, stackRegion, nil)
		var head, tail []Setting
		for _, s := range p.Settings {
			switch s.Key {
			case KeyRoleARN, KeySourceProfile, KeyCredentialSource:
				head = append(head, s)
			default:
				tail = append(tail, s)
			}
		}
		parts := &roleParts{name: p.Name}
		var ch, ct, mh, mt strings.Builder
		ch.WriteString("\n[" + sectionPrefix + p.Name + "]\n")
		mh.WriteString("\n# " + p.Name + ": " + r.Key() + "\n")
		for _, s := range head {
			ch.WriteString(s.Key + " = " + s.Value + "\n")
			mh.WriteString(configureSet(p.Name, s.Key, s.Value) + "\n")
		}
		for _, s := range tail {
			ct.WriteString(s.Key + " = " + s.Value + "\n")
			mt.WriteString(configureSet(p.Name, s.Key, s.Value) + "\n")
		}
		parts.configHead, parts.configTail = ch.String(), ct.String()
		parts.commandHead, parts.commandTail = mh.String(), mt.String()
		// configureSet with the value cut off: the user's value is quoted
		// and appended per user.
		parts.setMFASerial = strings.TrimSuffix(configureSet(p.Name, KeyMFASerial, "x"), "x")
		parts.setSessionPrefix = strings.TrimSuffix(configureSet(p.Name, KeyRoleSessionName, "x"), "x")
		rd.parts[r] = parts
	}
	return rd
}

// roles are the user's role placements (RolesOf) in profile-name order,
// sorted by precomputed rank rather than by comparing strings.
func (rd *userRenderer) roles(u *layout.User) []*layout.Role {
	ranks := make([]int, 0, len(rd.rank))
	seen := make(map[int]bool)
	for _, g := range u.Groups {
		for _, r := range g.Roles {
			if k := rd.rank[r]; !seen[k] {
				seen[k] = true
				ranks = append(ranks, k)
			}
		}
	}
	sort.Ints(ranks)
	roles := make([]*layout.Role, len(ranks))
	for i, k := range ranks {
		roles[i] = rd.byRank[k]
	}
	return roles
}

func (rd *userRenderer) config(u *layout.User) string {
	roles := rd.roles(u)
	var b strings.Builder
	size := 512
	for _, r := range roles {
		p := rd.parts[r]
		size += len(p.configHead) + len(p.configTail) + len(u.MFASerial) + len(u.Name) + 40
	}
	b.Grow(size)
	for _, line := range userHeader(rd.l, u) {
		b.WriteString("# " + line + "\n")
	}
	for _, r := range roles {
		p := rd.parts[r]
		b.WriteString(p.configHead)
		if r.RequireMFA || u.MFAEverywhere {
			b.WriteString(KeyMFASerial + " = " + u.MFASerial + "\n")
		}
		b.WriteString(KeyRoleSessionName + " = " + u.Name + "\n")
		b.WriteString(p.configTail)
	}
	return b.String()
}

func (rd *userRenderer) commands(u *layout.User) string {
	roles := rd.roles(u)
	serial, name := shellQuote(u.MFASerial), shellQuote(u.Name)
	var b strings.Builder
	size := 512
	for _, r := range roles {
		p := rd.parts[r]
		size += len(p.commandHead) + len(p.commandTail) + len(p.setMFASerial) + len(p.setSessionPrefix) + len(serial) + len(name) + 2
	}
	b.Grow(size)
	for _, line := range userHeader(rd.l, u) {
		b.WriteString("# " + line + "\n")
	}
	for _, r := range roles {
		p := rd.parts[r]
		b.WriteString(p.commandHead)
		if r.RequireMFA || u.MFAEverywhere {
			b.WriteString(p.setMFASerial + serial + "\n")
		}
		b.WriteString(p.setSessionPrefix + name + "\n")
		b.WriteString(p.commandTail)
	}
	return b.String()
}
