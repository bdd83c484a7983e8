package layout

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// CI systems a workload may name (`workloads.<Workload>.ci`).
const (
	CIGitHub = "github"
	CIGitLab = "gitlab"
	CICustom = "custom"
)

// Well-known issuers and audiences.
const (
	// GitHubIssuer is GitHub Actions' OIDC issuer; GitHubAudience is the
	// audience aws-actions/configure-aws-credentials asks for (GitHub docs,
	// "Configuring OpenID Connect in Amazon Web Services").
	GitHubIssuer   = "https://token.actions.githubusercontent.com"
	GitHubAudience = "sts.amazonaws.com"
	// GitLabIssuer is GitLab.com's. GitLab's guide for AWS
	// (docs.gitlab.com/ci/cloud_services/aws) uses the instance's address
	// as the audience too, so that is the default audience of a GitLab
	// workload: the issuer URL.
	GitLabIssuer = "https://gitlab.com"
	// MaxThumbprints is IAM's limit of thumbprints per OIDC provider.
	MaxThumbprints = 5
	// maxAudienceLength is IAM's limit on a client ID.
	maxAudienceLength = 255
)

// CISystems are the accepted values of `ci`.
var CISystems = []string{CIGitHub, CIGitLab, CICustom}

// wellKnownIssuers are the issuers whose certificates AWS validates against
// its own trusted root CAs, ignoring thumbprints (IAM API reference,
// UpdateOpenIDConnectProviderThumbprint: "These OIDC IdPs include Auth0,
// GitHub, GitLab, Google ...").
var wellKnownIssuers = []string{GitHubIssuer, GitLabIssuer}

var (
	// issuerRE is the only scheme IAM takes for an issuer; checkIssuer
	// checks the rest of the URL.
	issuerRE     = regexp.MustCompile(`^https://`)
	thumbprintRE = regexp.MustCompile(`^[0-9A-Fa-f]{40}$`)
	// githubRepoRE is OWNER/REPO; the repository may be a pattern (with
	// allowPatterns), the owner never.
	githubRepoRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.*?-]+$`)
	// gitlabProjectRE is GROUP[/SUBGROUP...]/PROJECT; the top-level group
	// never holds a pattern.
	gitlabProjectRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.*?-]+)+$`)
	// refNameRE bounds branch, tag and environment names: `sub` values
	// separate their parts with ':', which Git forbids in ref names.
	refNameRE = regexp.MustCompile(`^[^\s:]+$`)
	// githubEnvironmentSubjectRE is a GitHub subject of one deployment
	// environment, without a pattern.
	githubEnvironmentSubjectRE = regexp.MustCompile(`^repo:[^:*?/]+/[^:*?]+:environment:[^:*?]+$`)
)

// Keys of a workload.
const (
	keyWorkloads     = "workloads"
	keyCI            = "ci"
	keyIssuer        = "issuer"
	keyAudience      = "audience"
	keyThumbprints   = "thumbprints"
	keyRepository    = "repository"
	keyBranches      = "branches"
	keyGitTags       = "gitTags"
	keyEnvironments  = "environments"
	keyPullRequests  = "pullRequests"
	keySubjects      = "subjects"
	keyAllowPatterns = "allowPatterns"
)

const placeholderWorkload = "<Workload>"

// WorkloadSpec is one CI workload as written: what may assume its role with
// its CI's OIDC token, and the role (the same keys as roles.<Role>).
type WorkloadSpec struct {
	CI string
	// Issuer and Audience are empty for the CI's defaults.
	Issuer   string
	Audience string
	// Thumbprints are for an issuer whose certificate is not signed by a
	// CA AWS trusts (self-managed GitLab, a custom issuer).
	Thumbprints []string
	// Repository with Branches, GitTags, Environments and PullRequests are
	// the structured form of the subjects; Subjects are exact `sub`
	// values besides them.
	Repository   string
	Branches     []string
	GitTags      []string
	Environments []string
	PullRequests bool
	Subjects     []string
	// AllowPatterns is the workload's own name when it means to use
	// patterns (any '*' or '?') in its subjects.
	AllowPatterns string
	// Groups may assume the role too, to test the machine's permissions.
	Groups []string
	// Role holds the role keys; ExternalID, TrustedAccounts and
	// OrganizationalUnits are never set.
	Role RoleSpec
}

// Workload is a resolved CI workload.
type Workload struct {
	Name string
	CI   string
	// Issuer is shared by every workload of the same issuer URL.
	Issuer   *Issuer
	Audience string
	// Repository is the repository of the structured subjects, or "".
	Repository string
	// Subjects are the exact `sub` values, for StringEquals; Patterns the
	// ones with '*' or '?', for StringLike, only with the opt-in. Sorted.
	Subjects []string
	Patterns []string
	// Testers are the names of the groups that may assume the role.
	Testers []string
	// Roles are the workload's role placements, in account order.
	Roles []*Role
}

// Issuer is an OIDC issuer that at least one workload trusts.
type Issuer struct {
	URL string
	// Host is the URL without "https://": the provider's name in its ARN
	// and the prefix of its condition keys (`<Host>:sub`).
	Host        string
	Thumbprints []string
	// Providers are the issuer's IAM OIDC providers, one per account with
	// a workload of the issuer, in account order.
	Providers []*OIDCProvider
	// StackSetName names the StackSet delivering the providers in
	// stackSets delivery.
	StackSetName string
}

// OIDCProvider is one IAM OIDC identity provider: an issuer in an account.
type OIDCProvider struct {
	Account *Account
	Issuer  *Issuer
	// ClientIDs are the audiences of the issuer's workloads in the
	// account, sorted.
	ClientIDs []string
	ARN       string
}

// OIDCProviderARN is the ARN IAM gives an OIDC provider: the issuer URL
// without its scheme.
func OIDCProviderARN(partition, accountID, host string) string {
	return fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", partition, accountID, host)
}

// HasProfile reports whether people may use the role: every role but a
// workload's that names no group. Only those get profiles, console links
// and a profile name.
func (r *Role) HasProfile() bool {
	return r.Workload == nil || len(r.Workload.Testers) > 0
}

// Definitions of the workload keys (see schema.go). The role keys are the
// roles' own definitions, where their meaning does not change.
var workloadKeys = &Key{Name: placeholderWorkload, Kind: KindObject, Keys: []*Key{
	{Name: keyCI, Kind: KindString, Required: true, Enum: CISystems,
		Description: "The CI whose OIDC token assumes the role: `github` (GitHub Actions), `gitlab` (GitLab CI/CD, GitLab.com or self-managed), or `custom` (any issuer: `issuer`, `audience` and exact `subjects`)."},
	{Name: keyIssuer, Kind: KindString, Pattern: issuerRE.String(), DefaultText: "`" + GitHubIssuer + "` for `github`, `" + GitLabIssuer + "` for `gitlab`",
		Description: "The issuer URL (`iss` claim), `https://` only: self-managed GitLab, GitHub Enterprise, or a custom issuer (required for `custom`)."},
	{Name: keyAudience, Kind: KindString, MinLength: 1, MaxLength: maxAudienceLength,
		DefaultText: "`" + GitHubAudience + "` for `github`, the issuer URL for `gitlab`",
		Description: "The audience (`aud` claim) the CI asks its token for; required for `custom`."},
	{Name: keyThumbprints, Kind: KindStrings, Pattern: thumbprintRE.String(), MaxItems: MaxThumbprints,
		Description: "Certificate thumbprints, only for an issuer whose certificate no CA AWS trusts has signed; AWS ignores them for GitHub and GitLab.com.",
		See:         "[CI workloads](ci-workloads.md#thumbprints)"},
	{Name: keyRepository, Kind: KindString,
		Description: "GitHub `OWNER/REPO` or GitLab `GROUP[/SUBGROUP]/PROJECT` the subjects are built from."},
	{Name: keyBranches, Kind: KindStrings, Pattern: refNameRE.String(),
		Description: "Branches of `repository` that may assume the role."},
	{Name: keyGitTags, Kind: KindStrings, Pattern: refNameRE.String(),
		Description: "Git tags of `repository` that may assume the role."},
	{Name: keyEnvironments, Kind: KindStrings, Pattern: refNameRE.String(),
		Description: "GitHub deployment environments of `repository` that may assume the role; the only subjects a destructive workload may have."},
	{Name: keyPullRequests, Kind: KindBoolean, Default: false,
		Description: "GitHub: pull request workflows of `repository` may assume the role (`repo:OWNER/REPO:pull_request`)."},
	{Name: keySubjects, Kind: KindStrings,
		Description: "Exact `sub` values, besides the ones built from `repository`; never `*`."},
	{Name: keyAllowPatterns, Kind: KindString, Pattern: iamNameRE.String(),
		Description: "The workload's own name, to allow `*` and `?` in its subjects (matched with `StringLike`); written per workload, so a copied block does not carry it.",
		See:         "[CI workloads](ci-workloads.md#patterns)"},
	{Name: keyAccounts, Kind: KindStrings, Required: true, MinItems: 1,
		Description: "Names of the accounts the workload's role is placed in; each gets the issuer's OIDC provider."},
	{Name: keyGroups, Kind: KindStrings,
		Description: "Groups whose members may assume the role too, to test what the machine may do; with the MFA and session rules of people's roles."},
	roleKey(keyPath),
	roleKey(keyDescription),
	roleKey(keyManagedPolicyARNs),
	roleKey(keyInlinePolicies),
	roleKey(keyMaxSessionDuration),
	roleKey(keyPermissionsBoundary),
	roleKey(keyTags),
	{Name: keyDestructive, Kind: KindBoolean, Default: false,
		Description: "A role for destructive operations: only GitHub deployment `environments` may assume it; people who test it need a recent MFA sign-in; short session and the tag `iam-layout:destructive=true`."},
	{Name: keyRequireMFA, Kind: KindBoolean, Default: false,
		Description: "People who test the role need MFA (the CI never does); cannot be `false` on a destructive workload."},
	roleKey(keyApplication),
	roleKey(keyProfileName),
}}

// workloadsKey is the organization's `workloads` map.
var workloadsKey = &Key{Name: keyWorkloads, Kind: KindMap, Entry: workloadKeys, NamePattern: iamNameRE.String(), NameMaxLength: 64,
	Description: "CI workloads by role name: roles assumed with a CI's OIDC token (GitHub Actions, GitLab), no access key.",
	See:         "[CI workloads](ci-workloads.md)"}

// roleKey is the definition of a role key, shared by workloads.
func roleKey(name string) *Key {
	for _, k := range roleKeys.Keys {
		if k.Name == name {
			return k
		}
	}
	panic("layout: no role key " + name)
}

// parseWorkloads reads `workloads`.
func parseWorkloads(d *decoder, raw json.RawMessage) map[string]WorkloadSpec {
	out := map[string]WorkloadSpec{}
	d.each(keyWorkloads, raw, func(path, name string, raw json.RawMessage) {
		f := d.fields(path, raw, workloadKeys)
		at := func(key string) string { return joinPath(path, key) }
		w := WorkloadSpec{
			CI:            d.str(at(keyCI), f[keyCI]),
			Issuer:        d.str(at(keyIssuer), f[keyIssuer]),
			Audience:      d.str(at(keyAudience), f[keyAudience]),
			Thumbprints:   d.strings(at(keyThumbprints), f[keyThumbprints]),
			Repository:    d.str(at(keyRepository), f[keyRepository]),
			Branches:      d.strings(at(keyBranches), f[keyBranches]),
			GitTags:       d.strings(at(keyGitTags), f[keyGitTags]),
			Environments:  d.strings(at(keyEnvironments), f[keyEnvironments]),
			Subjects:      d.strings(at(keySubjects), f[keySubjects]),
			AllowPatterns: d.str(at(keyAllowPatterns), f[keyAllowPatterns]),
			Groups:        d.strings(at(keyGroups), f[keyGroups]),
			Role: RoleSpec{
				Accounts:            d.strings(at(keyAccounts), f[keyAccounts]),
				Path:                d.str(at(keyPath), f[keyPath]),
				Description:         d.str(at(keyDescription), f[keyDescription]),
				ManagedPolicyARNs:   d.strings(at(keyManagedPolicyARNs), f[keyManagedPolicyARNs]),
				PermissionsBoundary: d.str(at(keyPermissionsBoundary), f[keyPermissionsBoundary]),
				Tags:                d.stringMap(at(keyTags), f[keyTags]),
				Application:         d.str(at(keyApplication), f[keyApplication]),
				ProfileName:         d.str(at(keyProfileName), f[keyProfileName]),
			},
		}
		w.PullRequests, _ = d.boolean(at(keyPullRequests), f[keyPullRequests])
		w.Role.MaxSessionDuration, _ = d.integer(at(keyMaxSessionDuration), f[keyMaxSessionDuration])
		w.Role.Destructive, _ = d.boolean(at(keyDestructive), f[keyDestructive])
		if v, ok := d.boolean(at(keyRequireMFA), f[keyRequireMFA]); ok {
			w.Role.RequireMFA = &v
		}
		if present(f[keyInlinePolicies]) {
			w.Role.InlinePolicies = map[string]json.RawMessage{}
			d.each(at(keyInlinePolicies), f[keyInlinePolicies], func(_, name string, doc json.RawMessage) {
				w.Role.InlinePolicies[name] = doc
			})
		}
		out[name] = w
	})
	return out
}

// resolveWorkloads validates the workloads, places their roles beside the
// roles (so that both deliveries, the outputs, the checker and the quotas
// treat them as roles) and gives each account the OIDC providers its
// workloads need. It runs after resolveRoles; finishWorkloads completes it
// once the groups exist.
func resolveWorkloads(s *Spec, l *Layout, accounts map[string]*Account, defaultSession, destructiveSession int, ps *Problems) {
	if len(s.Workloads) == 0 {
		return
	}
	if !s.iamAccess() {
		// A workload is an IAM role its CI assumes; this stack lays out
		// none (identitycenter.go).
		ps.Addf(keyWorkloads, "need IAM roles, and with identityCenter.access: %s this stack creates none: use access %s (people through Identity Center, CI roles in IAM), or declare the workloads in another stack", AccessIdentityCenter, AccessBoth)
		return
	}
	roleNames := map[string]string{}
	for name := range s.Roles {
		roleNames[strings.ToLower(name)] = name
	}
	issuers := map[string]*Issuer{}
	thumbprintsFrom := map[string]string{}
	seenInAccount := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(s.Workloads)) {
		spec := s.Workloads[name]
		path := joinPath(keyWorkloads, name)
		at := func(key string) string { return joinPath(path, key) }
		if role := roleNames[strings.ToLower(name)]; role != "" {
			ps.Addf(path, "is also the name of role %s under roles: a workload's name is its role's name, and groups, StackSets and the outputs know roles by name", role)
			continue
		}
		w := &Workload{Name: name, CI: spec.CI, Repository: spec.Repository, Testers: sortedCopy(spec.Groups)}
		issuerURL, audience := spec.Issuer, spec.Audience
		switch spec.CI {
		case CIGitHub:
			issuerURL = orDefault(issuerURL, GitHubIssuer)
			audience = orDefault(audience, GitHubAudience)
		case CIGitLab:
			issuerURL = orDefault(issuerURL, GitLabIssuer)
			audience = orDefault(audience, issuerURL)
		case CICustom:
			if spec.Issuer == "" {
				addMissing(ps, at(keyIssuer), "is required with ci: %s: the https:// URL of the issuer (the `iss` claim)", CICustom)
			}
			if spec.Audience == "" {
				addMissing(ps, at(keyAudience), "is required with ci: %s: the audience (`aud` claim) the CI asks its token for", CICustom)
			}
		case "":
			addMissing(ps, at(keyCI), "is required: one of %s", strings.Join(CISystems, ", "))
		default:
			ps.Addf(at(keyCI), "%q is not one of %s", clip(spec.CI), strings.Join(CISystems, ", "))
		}
		w.Audience = audience
		if audience != "" && (len(audience) > maxAudienceLength || strings.TrimSpace(audience) != audience || strings.Contains(audience, "${")) {
			ps.Addf(at(keyAudience), "must be 1-%d characters without surrounding spaces or \"${\" (IAM's limit on a client ID; IAM reads \"${\" as a policy variable)", maxAudienceLength)
		}
		host, ok := checkIssuer(ps, at(keyIssuer), issuerURL)
		thumbprints := resolveThumbprints(ps, at(keyThumbprints), issuerURL, spec.Thumbprints)
		if ok {
			iss := issuers[issuerURL]
			if iss == nil {
				iss = &Issuer{URL: issuerURL, Host: host}
				issuers[issuerURL] = iss
			}
			if len(thumbprints) > 0 {
				if other := thumbprintsFrom[issuerURL]; other != "" && !slices.Equal(iss.Thumbprints, thumbprints) {
					ps.Addf(at(keyThumbprints), "differ from workload %s's for the same issuer %s: an issuer has one provider per account, with one list of thumbprints", other, issuerURL)
				} else if other == "" {
					iss.Thumbprints, thumbprintsFrom[issuerURL] = thumbprints, name
				}
			}
			w.Issuer = iss
		}
		resolveSubjects(ps, path, name, spec, w)
		checkDestructiveWorkload(ps, path, spec, w)
		// A workload trusts its CI, not third parties (Go-built specs
		// could set these; the configuration has no such keys).
		spec.Role.ExternalID, spec.Role.TrustedAccounts, spec.Role.OrganizationalUnits = "", nil, nil
		for _, r := range resolveRoleDefinition(s, l, accounts, path, name, spec.Role, defaultSession, destructiveSession, seenInAccount, ps) {
			r.Workload = w
			w.Roles = append(w.Roles, r)
		}
		l.Workloads = append(l.Workloads, w)
	}
	sortRoles(l)
	// One provider per account and issuer, with the audiences of the
	// issuer's workloads there.
	byAccount := map[*Account]map[*Issuer]*OIDCProvider{}
	for _, w := range l.Workloads {
		if w.Issuer == nil {
			continue
		}
		for _, r := range w.Roles {
			if byAccount[r.Account] == nil {
				byAccount[r.Account] = map[*Issuer]*OIDCProvider{}
			}
			p := byAccount[r.Account][w.Issuer]
			if p == nil {
				p = &OIDCProvider{Account: r.Account, Issuer: w.Issuer, ARN: OIDCProviderARN(l.Partition, r.Account.ID, w.Issuer.Host)}
				byAccount[r.Account][w.Issuer] = p
			}
			if !slices.Contains(p.ClientIDs, w.Audience) {
				p.ClientIDs = append(p.ClientIDs, w.Audience)
				sort.Strings(p.ClientIDs)
			}
		}
	}
	for _, a := range l.Accounts {
		for _, p := range byAccount[a] {
			a.OIDCProviders = append(a.OIDCProviders, p)
			p.Issuer.Providers = append(p.Issuer.Providers, p)
		}
		sort.Slice(a.OIDCProviders, func(i, j int) bool { return a.OIDCProviders[i].Issuer.Host < a.OIDCProviders[j].Issuer.Host })
	}
	for _, iss := range issuers {
		if len(iss.Providers) > 0 {
			l.Issuers = append(l.Issuers, iss)
		}
	}
	sort.Slice(l.Issuers, func(i, j int) bool { return l.Issuers[i].Host < l.Issuers[j].Host })
}

// checkIssuer validates an issuer URL and returns its host (and path): IAM
// takes only https URLs without port, query or fragment (IAM API reference,
// CreateOpenIDConnectProvider).
func checkIssuer(ps *Problems, path, issuer string) (string, bool) {
	if issuer == "" {
		return "", false
	}
	u, err := url.Parse(issuer)
	switch {
	case err != nil:
		ps.Addf(path, "%q is not a URL: %v", clip(issuer), err)
	case u.Scheme != "https" || !issuerRE.MatchString(issuer):
		ps.Addf(path, "%q is not an https:// URL: STS fetches the issuer's keys over TLS, and IAM takes only https issuers", clip(issuer))
	case u.Host == "" || u.User != nil || u.Port() != "" || u.RawQuery != "" || u.Fragment != "" || strings.Contains(issuer, "?") || strings.Contains(issuer, "#"):
		ps.Addf(path, "%q must be https://HOST[/PATH], without user, port, query or fragment", clip(issuer))
	case strings.HasSuffix(issuer, "/"):
		ps.Addf(path, "%q must not end with '/': the issuer is compared with the token's `iss` claim", clip(issuer))
	case strings.ToLower(u.Host) != u.Host || strings.ContainsAny(issuer, " *?$"):
		ps.Addf(path, "%q must be written in lower case, without spaces, '$' or wildcards (it becomes part of IAM condition keys)", clip(issuer))
	default:
		return strings.TrimPrefix(issuer, "https://"), true
	}
	return "", false
}

// resolveThumbprints validates thumbprints and returns them lower-cased and
// sorted.
func resolveThumbprints(ps *Problems, path, issuer string, thumbprints []string) []string {
	if len(thumbprints) == 0 {
		return nil
	}
	if slices.Contains(wellKnownIssuers, issuer) {
		ps.Addf(path, "are ignored for %s: AWS validates its certificate against its own trusted root CAs (remove them)", issuer)
		return nil
	}
	if len(thumbprints) > MaxThumbprints {
		ps.Addf(path, "has %d thumbprints, IAM keeps at most %d per provider", len(thumbprints), MaxThumbprints)
	}
	out := make([]string, 0, len(thumbprints))
	for i, t := range thumbprints {
		if !thumbprintRE.MatchString(t) {
			ps.Addf(indexPath(path, i), "%q is not a thumbprint: 40 hexadecimal digits (the SHA-1 of the issuer's top intermediate CA certificate)", clip(t))
			continue
		}
		out = append(out, strings.ToLower(t))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// onlyWildcards reports a subject that matches anything: "*", "**", "?*".
func onlyWildcards(s string) bool { return strings.Trim(s, "*?") == "" }

// resolveSubjects builds the workload's `sub` values from the structured
// fields and the exact subjects, and applies the pattern rules: a pattern
// needs the opt-in by the workload's own name; "*" and a pattern in the
// organization or top-level group are refused even with it.
func resolveSubjects(ps *Problems, path, name string, spec WorkloadSpec, w *Workload) {
	at := func(key string) string { return joinPath(path, key) }
	optedIn := spec.AllowPatterns == name
	if spec.AllowPatterns != "" && !optedIn {
		ps.Addf(at(keyAllowPatterns), "is %q, not this workload's name %q: the opt-in names the workload it was written for, so copying the block to another workload does not carry it", clip(spec.AllowPatterns), name)
	}
	var exact, patterns []string
	add := func(where, sub, what string) {
		if strings.Contains(sub, "${") {
			ps.Addf(where, "%q holds \"${\", which IAM reads as a policy variable", clip(sub))
			return
		}
		if !hasWildcard(sub) {
			exact = append(exact, sub)
			return
		}
		if !optedIn {
			ps.Addf(where, "%s: a pattern needs allowPatterns: %s, written on purpose for this workload", what, name)
			return
		}
		patterns = append(patterns, sub)
	}
	structured := len(spec.Branches)+len(spec.GitTags)+len(spec.Environments) > 0 || spec.PullRequests
	repoOK := true
	switch spec.CI {
	case CICustom:
		if spec.Repository != "" || structured {
			ps.Addf(path, "ci: %s has no known subject format: list exact subjects instead of repository, branches, gitTags, environments and pullRequests", CICustom)
		}
		repoOK, structured = false, false
	case CIGitLab:
		if len(spec.Environments) > 0 {
			ps.Addf(at(keyEnvironments), "GitLab's `sub` names a branch or tag, never an environment, and IAM reads no other claim: list the branches or tags that deploy")
		}
		if spec.PullRequests {
			ps.Addf(at(keyPullRequests), "GitLab's merge request pipelines run on their source branch: list branches instead")
		}
	}
	repo := spec.Repository
	switch {
	case structured && repo == "":
		addMissing(ps, at(keyRepository), "is required with branches, gitTags, environments or pullRequests: the repository they belong to")
		repoOK = false
	case !structured && repo != "" && spec.CI != CICustom:
		ps.Addf(at(keyRepository), "names no branch, tag, environment or pull requests: list them (a repository alone would be every ref; `branches: [\"*\"]` with allowPatterns says so on purpose)")
		repoOK = false
	case repo != "" && spec.CI == CIGitHub && !githubRepoRE.MatchString(repo):
		ps.Addf(at(keyRepository), "%q is not OWNER/REPO (a pattern may stand for the repository, never for the owner: any GitHub organization could match it)", clip(repo))
		repoOK = false
	case repo != "" && spec.CI == CIGitLab && !gitlabProjectRE.MatchString(repo):
		ps.Addf(at(keyRepository), "%q is not GROUP[/SUBGROUP]/PROJECT (a pattern may stand below the top-level group, never for it: any GitLab group could match it)", clip(repo))
		repoOK = false
	}
	// repoPattern says why the repository makes every subject a pattern,
	// when it does.
	repoPattern := ""
	if repoOK && hasWildcard(repo) {
		i := strings.LastIndex(repo, "/")
		if onlyWildcards(repo[i+1:]) {
			repoPattern = fmt.Sprintf("repository %q is every repository of %s", repo, repo[:i])
		} else {
			repoPattern = fmt.Sprintf("repository %q is a pattern", repo)
		}
	}
	refs := func(key string, names []string, kind string, sub func(string) string) {
		for i, n := range names {
			where := indexPath(at(key), i)
			if !refNameRE.MatchString(n) {
				ps.Addf(where, "%q is not a %s name (no spaces or ':')", clip(n), kind)
				continue
			}
			if !repoOK {
				continue
			}
			what := fmt.Sprintf("%q is a pattern", n)
			switch {
			case repoPattern != "":
				what = repoPattern
			case onlyWildcards(n):
				what = fmt.Sprintf("%q is every %s", n, kind)
			}
			add(where, sub(n), what)
		}
	}
	switch spec.CI {
	case CIGitHub:
		refs(keyBranches, spec.Branches, "branch", func(b string) string { return "repo:" + repo + ":ref:refs/heads/" + b })
		refs(keyGitTags, spec.GitTags, "tag", func(t string) string { return "repo:" + repo + ":ref:refs/tags/" + t })
		refs(keyEnvironments, spec.Environments, "environment", func(e string) string { return "repo:" + repo + ":environment:" + e })
		if spec.PullRequests && repoOK {
			add(at(keyPullRequests), "repo:"+repo+":pull_request", repoPattern)
		}
	case CIGitLab:
		refs(keyBranches, spec.Branches, "branch", func(b string) string { return "project_path:" + repo + ":ref_type:branch:ref:" + b })
		refs(keyGitTags, spec.GitTags, "tag", func(t string) string { return "project_path:" + repo + ":ref_type:tag:ref:" + t })
	}
	for i, sub := range spec.Subjects {
		where := indexPath(at(keySubjects), i)
		switch {
		case onlyWildcards(sub):
			ps.Addf(where, "%q matches every token of the issuer, any repository of anyone: never allowed", clip(sub))
		case strings.TrimSpace(sub) != sub:
			ps.Addf(where, "%q has surrounding spaces", clip(sub))
		case subjectOwnerIsPattern(sub):
			ps.Addf(where, "%q has a pattern in the organization or top-level group, which any other organization's repositories could match: never allowed", clip(sub))
		default:
			add(where, sub, fmt.Sprintf("%q is a pattern", sub))
		}
	}
	w.Subjects = sortedUnique(exact)
	w.Patterns = sortedUnique(patterns)
	if len(w.Subjects)+len(w.Patterns) == 0 {
		addMissing(ps, path, "names nothing that may assume the role: set repository with branches, gitTags, environments or pullRequests, or list exact subjects (a trust without a subject condition lets every repository of the issuer in)")
	}
	if optedIn && len(w.Patterns) == 0 && !hasProblemWithin(*ps, path) {
		ps.Addf(at(keyAllowPatterns), "allows patterns, but the workload has none: remove it, so that a pattern added later has to be opted into again")
	}
}

// subjectOwnerIsPattern reports an exact subject of the GitHub or GitLab
// form whose organization or top-level group holds a pattern.
func subjectOwnerIsPattern(sub string) bool {
	for _, prefix := range []string{"repo:", "project_path:"} {
		if rest, ok := strings.CutPrefix(sub, prefix); ok {
			owner, _, _ := strings.Cut(rest, "/")
			owner, _, _ = strings.Cut(owner, ":")
			return hasWildcard(owner)
		}
	}
	return false
}

// checkDestructiveWorkload: a destructive workload may be assumed only from
// GitHub deployment environments, named one by one. An environment's
// protection rules (required reviewers, allowed branches) are what stand
// between a push and the role; IAM sees only the `sub`, and reads no other
// claim ("AWS does not support custom claims for OIDC", GitHub docs). GitLab's
// `sub` never names an environment, and whether a ref is protected is a
// claim IAM cannot read, so nothing in a trust policy can demand protection
// there; a custom issuer's subjects mean nothing known.
func checkDestructiveWorkload(ps *Problems, path string, spec WorkloadSpec, w *Workload) {
	if !spec.Role.Destructive {
		return
	}
	at := func(key string) string { return joinPath(path, key) }
	if spec.CI != CIGitHub {
		ps.Addf(at(keyDestructive), "only GitHub deployment environments may assume a destructive role: GitLab's `sub` names no environment and IAM cannot read whether a ref is protected, and a custom issuer's subjects mean nothing known; keep this workload non-destructive")
		return
	}
	for _, key := range []string{keyBranches, keyGitTags} {
		if (key == keyBranches && len(spec.Branches) > 0) || (key == keyGitTags && len(spec.GitTags) > 0) {
			ps.Addf(at(key), "a destructive workload may be assumed only from protected deployment environments: list them under environments")
		}
	}
	if spec.PullRequests {
		ps.Addf(at(keyPullRequests), "a destructive workload may be assumed only from protected deployment environments, never from pull requests")
	}
	for i, sub := range spec.Subjects {
		if !githubEnvironmentSubjectRE.MatchString(sub) {
			ps.Addf(indexPath(at(keySubjects), i), "%q is not a deployment environment (repo:OWNER/REPO:environment:NAME): a destructive workload may be assumed only from protected environments", clip(sub))
		}
	}
	switch {
	case hasWildcard(spec.Repository):
		ps.Addf(at(keyRepository), "a destructive workload names its repository and protected environments one by one: no patterns")
	case len(w.Patterns) > 0:
		ps.Addf(at(keyAllowPatterns), "a destructive workload names its protected environments one by one: no patterns")
	}
}

func sortedUnique(s []string) []string {
	out := sortedCopy(s)
	return slices.Compact(out)
}

// finishWorkloads grants each workload's role to the groups it names, so
// their members can test what the machine may do, and names the issuers'
// StackSets.
func finishWorkloads(s *Spec, l *Layout, groups map[string]*Group, ps *Problems) {
	for _, w := range l.Workloads {
		path := joinPath(joinPath(keyWorkloads, w.Name), keyGroups)
		for i, name := range s.Workloads[w.Name].Groups {
			g := groups[name]
			if g == nil {
				if _, declared := s.Groups[name]; !declared {
					ps.Addf(indexPath(path, i), "unknown group %q%s", clip(name), suggest(name, slices.Sorted(maps.Keys(s.Groups))))
				}
				continue
			}
			g.Roles = append(g.Roles, w.Roles...)
			sort.Slice(g.Roles, func(i, j int) bool { return g.Roles[i].Key() < g.Roles[j].Key() })
		}
		for _, name := range w.Testers {
			if g := groups[name]; g != nil {
				for _, r := range w.Roles {
					r.Groups = append(r.Groups, g)
				}
			}
		}
	}
	if !l.StackSets() {
		return
	}
	owner := map[string]string{}
	for _, r := range l.Roles {
		owner[r.StackSetName] = "role " + r.Name
	}
	for _, iss := range l.Issuers {
		iss.StackSetName = StackSetName("oidc-"+iss.Host, l.PolicyNameSuffix)
		if other := owner[iss.StackSetName]; other != "" {
			ps.Addf(keyWorkloads, "the StackSet of issuer %s, %q, is also %s's: rename the role", iss.URL, iss.StackSetName, other)
		}
		if stackSetNameTooLong(iss.StackSetName) {
			ps.Addf(keyWorkloads, "the StackSet name of issuer %s, %q, is too long: CloudFormation takes %d characters, and its last StackSet adds %q", iss.URL, clip(iss.StackSetName), MaxStackSetNameLength, strings.TrimPrefix(ShardName(iss.StackSetName, MaxShards), iss.StackSetName))
		}
		owner[iss.StackSetName] = "issuer " + iss.URL
	}
}

// testedByWorkload reports whether a workload names the group: a group
// that exists only to test machines has no roles of its own.
func testedByWorkload(s *Spec, group string) bool {
	for _, w := range s.Workloads {
		if slices.Contains(w.Groups, group) {
			return true
		}
	}
	return false
}

// roleDefinition returns the definition of a role placement, roles' or a
// workload's, and the path it is written at.
func roleDefinition(s *Spec, r *Role) (RoleSpec, string) {
	if r.Workload != nil {
		return s.Workloads[r.Name].Role, joinPath(keyWorkloads, r.Name)
	}
	return s.Roles[r.Name], joinPath(keyRoles, r.Name)
}
