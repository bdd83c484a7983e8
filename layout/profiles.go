package layout

import (
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Profile defaults.
const (
	DefaultProfileNameTemplate = "{application}-{account}"
	DefaultSourceProfile       = "default"
	MinDurationSeconds         = 900
)

// ProfileVariables are the placeholders a profile name template may use.
var ProfileVariables = []string{"{account}", "{environment}", "{application}", "{role}"}

// CredentialSources are the values the AWS CLI and SDKs accept for
// credential_source.
var CredentialSources = []string{"Environment", "Ec2InstanceMetadata", "EcsContainer"}

// ProfileSettings are the resolved rules for rendering ~/.aws/config.
type ProfileSettings struct {
	NameTemplate     string
	SourceProfile    string
	CredentialSource string
	Region           string
	DurationSeconds  int
	// PerUserOutputs says whether the stack exports each user's fragments
	// and the access matrix.
	PerUserOutputs bool
}

var (
	// Profile names end up in `[profile NAME]` headers and on command lines.
	profileNameRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@+=-]*$`)
	templateVarRE   = regexp.MustCompile(`\{[^{}]*\}`)
	externalIDRE    = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	kebabBoundaryRE = regexp.MustCompile(`([a-z0-9])([A-Z])|([A-Z])([A-Z][a-z])`)
	kebabJunkRE     = regexp.MustCompile(`[^a-z0-9]+`)
)

// Kebab turns an IAM name into a profile-friendly label:
// "AlfieFullAccess" -> "alfie-full-access", "IAMAdmin" -> "iam-admin".
func Kebab(name string) string {
	s := kebabBoundaryRE.ReplaceAllString(name, "${1}${3}-${2}${4}")
	s = kebabBoundaryRE.ReplaceAllString(s, "${1}${3}-${2}${4}")
	s = kebabJunkRE.ReplaceAllString(strings.ToLower(s), "-")
	return strings.Trim(s, "-")
}

func resolveProfileSettings(s *Spec, l *Layout, ps *Problems) {
	p := s.Profiles
	l.Profiles = ProfileSettings{
		NameTemplate:     orDefault(p.NameTemplate, DefaultProfileNameTemplate),
		SourceProfile:    p.SourceProfile,
		CredentialSource: p.CredentialSource,
		Region:           p.Region,
		DurationSeconds:  p.DurationSeconds,
		PerUserOutputs:   p.PerUserOutputs == nil || *p.PerUserOutputs,
	}
	path := keyProfiles
	for _, v := range templateVarRE.FindAllString(l.Profiles.NameTemplate, -1) {
		if !contains(ProfileVariables, v) {
			ps.Addf(joinPath(path, keyNameTemplate), "unknown placeholder %s (known: %s)", clip(v), strings.Join(ProfileVariables, " "))
		}
	}
	switch {
	case p.CredentialSource != "" && p.SourceProfile != "":
		ps.Addf(joinPath(path, keyCredentialSource), "set either sourceProfile or credentialSource, not both: the AWS CLI refuses a profile with both")
	case p.CredentialSource != "" && !contains(CredentialSources, p.CredentialSource):
		ps.Addf(joinPath(path, keyCredentialSource), "%q is not one of %s", clip(p.CredentialSource), strings.Join(CredentialSources, ", "))
	case p.CredentialSource == "":
		l.Profiles.SourceProfile = orDefault(p.SourceProfile, DefaultSourceProfile)
		if !profileNameRE.MatchString(l.Profiles.SourceProfile) {
			ps.Addf(joinPath(path, keySourceProfile), "%q is not a usable profile name", clip(l.Profiles.SourceProfile))
		}
	}
	if p.Region != "" && !regionRE.MatchString(p.Region) {
		ps.Addf(joinPath(path, keyRegion), "%q is not an AWS region name like eu-west-1", clip(p.Region))
	}
	if p.DurationSeconds != 0 && (p.DurationSeconds < MinDurationSeconds || p.DurationSeconds > MaxSessionDuration) {
		ps.Addf(joinPath(path, keyDurationSeconds), "%d is outside %d-%d seconds, the range STS accepts", p.DurationSeconds, MinDurationSeconds, MaxSessionDuration)
	}
}

// resolveProfileNames gives every role placement its profile name and
// reports names that are invalid or shared: two roles behind one profile
// name would make `--profile` ambiguous.
func resolveProfileNames(s *Spec, l *Layout, ps *Problems) {
	owners := map[string][]string{}
	kebab := map[string]string{}
	templates := map[string]profileTemplate{}
	for _, r := range l.Roles {
		if !r.HasProfile() {
			continue
		}
		spec, definition := roleDefinition(s, r)
		tmpl := orDefault(spec.ProfileName, l.Profiles.NameTemplate)
		if _, ok := kebab[r.Name]; !ok {
			kebab[r.Name] = Kebab(r.Name)
		}
		compiled, ok := templates[tmpl]
		if !ok {
			compiled = compileProfileTemplate(tmpl)
			templates[tmpl] = compiled
		}
		r.ProfileName = compiled.render(r, kebab[r.Name])
		path := joinPath(definition, keyProfileName)
		if spec.ProfileName == "" {
			path = joinPath(keyProfiles, keyNameTemplate)
		}
		if !profileNameRE.MatchString(r.ProfileName) || r.ProfileName == "default" {
			ps.Addf(path, "gives role %s the profile name %q, which is not usable (letters, digits and _ . @ + = -, not \"default\")", r.Key(), clip(r.ProfileName))
			continue
		}
		owners[r.ProfileName] = append(owners[r.ProfileName], r.Key())
	}
	for _, name := range slices.Sorted(maps.Keys(owners)) {
		if keys := owners[name]; len(keys) > 1 {
			sort.Strings(keys)
			ps.Addf(keyProfiles, "roles %s would share the profile name %q: add {account} or {role} to profiles.nameTemplate, or set roles.<Role>.profileName", strings.Join(keys, " and "), name)
		}
	}
}

// profileTemplate is a name template split once into literal text and
// placeholders, so rendering a name per role is a few concatenations.
type profileTemplate []string

func compileProfileTemplate(tmpl string) profileTemplate {
	var parts profileTemplate
	for tmpl != "" {
		loc := templateVarRE.FindStringIndex(tmpl)
		if loc == nil {
			parts = append(parts, tmpl)
			break
		}
		if loc[0] > 0 {
			parts = append(parts, tmpl[:loc[0]])
		}
		parts = append(parts, tmpl[loc[0]:loc[1]])
		tmpl = tmpl[loc[1]:]
	}
	return parts
}

func (t profileTemplate) render(r *Role, kebabName string) string {
	var b strings.Builder
	for _, part := range t {
		switch part {
		case "{account}":
			b.WriteString(r.Account.Name)
		case "{environment}":
			if r.Account.Environment != "" {
				b.WriteString(r.Account.Environment)
			} else {
				b.WriteString(r.Account.Name)
			}
		case "{application}":
			b.WriteString(r.Application)
		case "{role}":
			b.WriteString(kebabName)
		default:
			b.WriteString(part)
		}
	}
	return b.String()
}

// checkThirdParty validates a role's external ID and third-party accounts.
func checkThirdParty(ps *Problems, path string, spec RoleSpec, masterID string) {
	if spec.ExternalID != "" && (len(spec.ExternalID) < 2 || len(spec.ExternalID) > 1224 || !externalIDRE.MatchString(spec.ExternalID)) {
		ps.Addf(joinPath(path, keyExternalID), "must be 2-1224 characters of letters, digits and + = , . @ : / - _ (STS's rule)")
	}
	if len(spec.TrustedAccounts) > 0 && spec.ExternalID == "" {
		ps.Addf(joinPath(path, keyExternalID), "is required when trustedAccounts names a third party (the confused-deputy guard)")
	}
	for i, id := range spec.TrustedAccounts {
		p := indexPath(joinPath(path, keyTrustedAccounts), i)
		switch {
		case !isAccountID(id):
			ps.Addf(p, "must be exactly 12 digits, got %q", clip(id))
		case id == masterID:
			ps.Addf(p, "%s is the management account, which every role trusts already", id)
		}
	}
	if spec.Application != "" {
		checkKeyName(ps, joinPath(path, keyApplication), "application", spec.Application)
	}
}
