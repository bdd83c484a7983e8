package profiles

import (
	"sort"
	"strconv"

	"iam-layout/layout"
)

// Profile is one `[profile NAME]` section that assumes one role placement.
type Profile struct {
	// Name is the profile name, unique in the organization.
	Name string
	// Role is the role placement the profile assumes.
	Role *layout.Role
	// Settings are the section's keys, in the order they are written.
	Settings []Setting
	// MFASerialHint is set, in files that belong to no one person, on roles
	// that need MFA: the mfa_serial with a placeholder device, written
	// commented out for the reader to complete. Without mfa_serial the CLI
	// never asks for a code and the role's trust policy refuses the call.
	MFASerialHint string
}

// Setting is one `key = value` line.
type Setting struct {
	Key, Value string
}

// Get returns the value of key in the profile, or "".
func (p Profile) Get(key string) string {
	for _, s := range p.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// OrganizationProfiles are the profiles of every role placement, sorted by
// name. stackRegion is the stack's aws:region, the last fallback for region.
// MFA is per person, so MFA roles carry MFASerialHint instead of mfa_serial.
func OrganizationProfiles(l *layout.Layout, stackRegion string) []Profile {
	out := make([]Profile, 0, len(l.Roles))
	for _, r := range l.Roles {
		if !r.HasProfile() {
			// A workload's role nobody's group may assume.
			continue
		}
		p := newProfile(l, r, stackRegion, nil)
		if r.RequireMFA || someoneNeedsMFA(r) {
			p.MFASerialHint = layout.MFASerial(l.Partition, l.MasterAccountID, MFADevicePlaceholder)
		}
		out = append(out, p)
	}
	sortByName(out)
	return out
}

// UserProfiles are the profiles of the roles u's groups may assume, sorted by
// name, with u's mfa_serial on MFA roles and u's name as session name (so
// CloudTrail in the child account shows who acted).
func UserProfiles(l *layout.Layout, u *layout.User, stackRegion string) []Profile {
	roles := RolesOf(u)
	out := make([]Profile, 0, len(roles))
	for _, r := range roles {
		out = append(out, newProfile(l, r, stackRegion, u))
	}
	sortByName(out)
	return out
}

// RolesOf returns the role placements a user may assume through any of its
// groups, each once, sorted by key (account/role).
func RolesOf(u *layout.User) []*layout.Role {
	seen := map[*layout.Role]bool{}
	var out []*layout.Role
	for _, g := range u.Groups {
		for _, r := range g.Roles {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// newProfile builds the section of r, for u when u is not nil.
func newProfile(l *layout.Layout, r *layout.Role, stackRegion string, u *layout.User) Profile {
	p := Profile{Name: r.ProfileName, Role: r}
	add := func(key, value string) {
		if value != "" {
			p.Settings = append(p.Settings, Setting{key, value})
		}
	}
	add(KeyRoleARN, r.ARN)
	// Layout validation guarantees exactly one of the two: the CLI refuses a
	// profile with both.
	if l.Profiles.CredentialSource != "" {
		add(KeyCredentialSource, l.Profiles.CredentialSource)
	} else {
		add(KeySourceProfile, l.Profiles.SourceProfile)
	}
	if u != nil {
		// A group that denies everything without MFA denies sts:AssumeRole
		// too: then every role of the user needs the code.
		if r.RequireMFA || u.MFAEverywhere {
			add(KeyMFASerial, u.MFASerial)
		}
		add(KeyRoleSessionName, u.Name)
	}
	add(KeyExternalID, r.ExternalID)
	if d := DurationSeconds(l, r); d > 0 {
		add(KeyDurationSeconds, strconv.Itoa(d))
	}
	add(KeyRegion, Region(l, r, stackRegion))
	return p
}

// someoneNeedsMFA tells whether a person who may assume r can only do so
// with MFA, because one of their groups denies everything without it.
func someoneNeedsMFA(r *layout.Role) bool {
	for _, g := range r.Groups {
		for _, u := range g.Members {
			if u.MFAEverywhere {
				return true
			}
		}
	}
	return false
}

// DurationSeconds is the session length a profile asks for: the configured
// profiles.durationSeconds capped at the role's MaxSessionDuration (STS
// refuses more), or 0 when none is configured and the CLI's default applies.
func DurationSeconds(l *layout.Layout, r *layout.Role) int {
	d := l.Profiles.DurationSeconds
	if d > r.MaxSessionDuration {
		d = r.MaxSessionDuration
	}
	return d
}

// Region is the region of r's profile: the account's, else
// profiles.region, else the stack's, else "" (no region key).
func Region(l *layout.Layout, r *layout.Role, stackRegion string) string {
	switch {
	case r.Account.Region != "":
		return r.Account.Region
	case l.Profiles.Region != "":
		return l.Profiles.Region
	default:
		return stackRegion
	}
}

func sortByName(ps []Profile) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
}
