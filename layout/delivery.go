package layout

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// How roles reach child accounts (`delivery`).
const (
	// DeliveryProviders creates each account's roles through an explicit
	// provider of its own that assumes the account's access role. Every such
	// provider is an OS process of the engine for the whole deployment.
	DeliveryProviders = "providers"
	// DeliveryStackSets creates every child-account role through
	// CloudFormation StackSets, one template per role definition, from the
	// management account: no per-account provider at all.
	DeliveryStackSets = "stackSets"
)

// StackSet permission models (CloudFormation's own names).
const (
	PermissionSelfManaged    = "SELF_MANAGED"
	PermissionServiceManaged = "SERVICE_MANAGED"
)

// Defaults of the delivery settings.
const (
	// DefaultMaxProviders is the provider budget of `providers` delivery.
	// 20 account providers plus the default one are 21 pulumi-aws processes:
	// about 3.6 GB at the 170 MB a v6 process takes, which leaves an
	// ordinary 7 GB CI runner room for the engine, the program and its
	// build, and 30-40 s of serial provider start-up on every preview
	// (docs/scale.md has the figures and their sources).
	DefaultMaxProviders = 20
	// DefaultStackSetAdministrationRole is the role this program creates in
	// the management account for SELF_MANAGED StackSets. It is not AWS's
	// conventional AWSCloudFormationStackSetAdministrationRole, which many
	// management accounts already hold for other StackSets.
	DefaultStackSetAdministrationRole = "iam-layout-stacksets"
	// StackSetNamePrefix starts the name of every StackSet this program
	// creates; the administration role may only be used by StackSets whose
	// names start with it.
	StackSetNamePrefix = "iam-layout-"
	// DefaultMaxConcurrentPercentage and DefaultFailureTolerancePercentage
	// are the operation preferences of template roll-outs. The AWS provider
	// cannot set a StackSet's concurrency mode, so CloudFormation's default,
	// STRICT_FAILURE_TOLERANCE, applies: it runs at most the failure
	// tolerance plus one account at a time, so a tolerance of zero would
	// update a thousand accounts one by one. A failed role update is rolled
	// back by CloudFormation, leaving the old role, so tolerating some
	// failures costs nothing but a retry: 10% tolerance gives waves of about
	// a tenth of the accounts, never more than a quarter.
	DefaultMaxConcurrentPercentage    = 25
	DefaultFailureTolerancePercentage = 10
	// MaxStackSetNameLength is CloudFormation's limit on StackSet names.
	MaxStackSetNameLength = 128
	// MaxShards bounds the StackSets one role definition (or one issuer's
	// OIDC providers) is spread over (package stacksets, Arrange): enough
	// for 131,072 accounts at 32 a StackSet. Names leave room for the
	// last one's suffix.
	MaxShards = 4096
)

var (
	deliveryModes    = []string{DeliveryProviders, DeliveryStackSets}
	permissionModels = []string{PermissionSelfManaged, PermissionServiceManaged}
	// Organizations IDs (Organizations API reference: Root, OrganizationalUnit, Organization).
	ouIDRE   = regexp.MustCompile(`^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`)
	orgIDRE  = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	unsafeRE = regexp.MustCompile(`[^A-Za-z0-9-]+`)
)

// DeliverySpec is how the configuration says roles reach child accounts.
type DeliverySpec struct {
	// Mode is "providers" or "stackSets"; empty means providers.
	Mode string
	// MaxProviders bounds the providers `providers` delivery may create;
	// zero means DefaultMaxProviders.
	MaxProviders int
	StackSets    StackSetsSpec
	// stackSetsGiven records that a stackSets block was written, so that it
	// can be refused in providers mode instead of silently ignored.
	stackSetsGiven bool
}

// StackSetsSpec holds the settings of `stackSets` delivery.
type StackSetsSpec struct {
	PermissionModel string
	// Region is where the stack instances (and so the roles' stacks) are
	// created; empty means the stack's aws:region.
	Region                 string
	AdministrationRoleName string
	// OrganizationalUnitIDs are the root or OUs that hold the accounts
	// (SERVICE_MANAGED only).
	OrganizationalUnitIDs []string
	// OrganizationID, when set, restricts the administration role to
	// execution roles of accounts in that organization.
	OrganizationID string
	// RetainStacksOnAccountRemoval is auto-deployment's choice for accounts
	// that leave a targeted OU (SERVICE_MANAGED with role-level OUs).
	RetainStacksOnAccountRemoval bool
	// AdoptRoles is the hand-over run of a stack moving from providers:
	// the roles stay with their current resources (retained on delete)
	// while the StackSets are created without instances.
	AdoptRoles           bool
	OperationPreferences OperationPreferencesSpec
}

// OperationPreferencesSpec are CloudFormation's operation preferences of
// StackSet roll-outs. Nil means "not said".
type OperationPreferencesSpec struct {
	MaxConcurrentCount         *int
	MaxConcurrentPercentage    *int
	FailureToleranceCount      *int
	FailureTolerancePercentage *int
}

// Delivery is the resolved delivery of a layout.
type Delivery struct {
	Mode         string
	MaxProviders int
	// StackSets is nil in providers mode.
	StackSets *StackSets
}

// StackSets are the resolved settings of stackSets delivery.
type StackSets struct {
	PermissionModel string
	// Region may be empty: the program then uses the stack's aws:region.
	Region string
	// AdministrationRoleName and AdministrationRoleARN name the role the
	// program creates in the management account (SELF_MANAGED only).
	AdministrationRoleName string
	AdministrationRoleARN  string
	// ExecutionRoleName is the role assumed in every target account
	// (SELF_MANAGED only): the organization's accessRoleName.
	ExecutionRoleName            string
	OrganizationalUnitIDs        []string
	OrganizationID               string
	RetainStacksOnAccountRemoval bool
	AdoptRoles                   bool
	Preferences                  OperationPreferences
}

// OperationPreferences are resolved operation preferences: exactly one of
// each count/percentage pair is set.
type OperationPreferences struct {
	MaxConcurrentCount         *int
	MaxConcurrentPercentage    *int
	FailureToleranceCount      *int
	FailureTolerancePercentage *int
}

// SelfManaged reports whether the StackSets use an administration role and
// the accounts' access roles.
func (s *StackSets) SelfManaged() bool { return s.PermissionModel == PermissionSelfManaged }

// StackSets reports whether roles are delivered by StackSets.
func (l *Layout) StackSets() bool { return l.Delivery.Mode == DeliveryStackSets }

// ProviderCount is the number of explicit providers providers-mode delivery
// registers: one per account that holds a role, none when people come only
// through Identity Center (no role is created in the accounts).
func (l *Layout) ProviderCount() int {
	if !l.IAMAccess() {
		return 0
	}
	n := 0
	for _, a := range l.Accounts {
		if len(a.Roles) > 0 {
			n++
		}
	}
	return n
}

// StackSetName is the name of the StackSet delivering a role definition.
// CloudFormation allows letters, digits and hyphens, starting with a letter;
// IAM role names may also hold + = , . @ _, which become hyphens (names that
// collide after that are reported by validation). The suffix is the stack's
// policyNameSuffix, so that several stacks of one organization, which share
// the management account's StackSet namespace, cannot collide.
func StackSetName(roleName, suffix string) string {
	name := StackSetNamePrefix + strings.Trim(unsafeRE.ReplaceAllString(roleName, "-"), "-")
	if suffix != "" {
		name += "-" + strings.Trim(unsafeRE.ReplaceAllString(suffix, "-"), "-")
	}
	return name
}

// shardMark separates a StackSet family's name from the number of its
// second and later StackSets.
const shardMark = "-s"

// shardNameRE reads a name that ShardName could have made from another:
// the family's name and a number of 2 or more.
var shardNameRE = regexp.MustCompile(`^(.+)` + shardMark + `([2-9]|[1-9][0-9]+)$`)

// ShardName is the name of the n-th StackSet (from 1) of the family whose
// first StackSet is named base: base itself, then base-s2, base-s3... A
// role definition's first StackSet keeps the name it has always had, so a
// stack deployed before StackSets were spread keeps its StackSets.
func ShardName(base string, n int) string {
	if n <= 1 {
		return base
	}
	return base + shardMark + strconv.Itoa(n)
}

// ShardNumber is the inverse of ShardName: the number of the family's
// StackSet called name, or 0 when name is none of the family's.
func ShardNumber(base, name string) int {
	if name == base {
		return 1
	}
	m := shardNameRE.FindStringSubmatch(name)
	if m == nil || m[1] != base {
		return 0
	}
	n, err := strconv.Atoi(m[2])
	if err != nil || n > MaxShards {
		return 0
	}
	return n
}

// stackSetNameTooLong reports whether a family's StackSet name leaves no
// room within CloudFormation's limit for its last StackSet's suffix.
func stackSetNameTooLong(base string) bool {
	return len(ShardName(base, MaxShards)) > MaxStackSetNameLength
}

// checkShardNames reports a StackSet family whose name is what another
// family's later StackSets are called (role Admin-s2 beside role Admin): as
// the other family grows, the two would claim the same StackSet.
func checkShardNames(l *Layout, ps *Problems) {
	if !l.StackSets() {
		return
	}
	owner := map[string]string{}
	path := map[string]string{}
	for _, r := range l.Roles {
		owner[r.StackSetName], path[r.StackSetName] = "role "+r.Name, joinPath(keyRoles, r.Name)
	}
	for _, iss := range l.Issuers {
		owner[iss.StackSetName], path[iss.StackSetName] = "issuer "+iss.URL, keyWorkloads
	}
	for _, name := range slices.Sorted(maps.Keys(owner)) {
		m := shardNameRE.FindStringSubmatch(name)
		if m == nil || owner[m[1]] == "" {
			continue
		}
		ps.Addf(path[name], "its StackSet name %q is the name of StackSet number %s of %s, which spreads over several StackSets as it grows (docs/scale.md): rename one of them", name, m[2], owner[m[1]])
	}
}

// Keys of the delivery settings.
const (
	keyDelivery                     = "delivery"
	keyMaxProviders                 = "maxProviders"
	keyStackSets                    = "stackSets"
	keyPermissionModel              = "permissionModel"
	keyAdministrationRoleName       = "administrationRoleName"
	keyOrganizationalUnitIDs        = "organizationalUnitIds"
	keyOrganizationID               = "organizationId"
	keyRetainStacksOnAccountRemoval = "retainStacksOnAccountRemoval"
	keyAdoptRoles                   = "adoptRoles"
	keyOperationPreferences         = "operationPreferences"
	keyMaxConcurrentCount           = "maxConcurrentCount"
	keyMaxConcurrentPercentage      = "maxConcurrentPercentage"
	keyFailureToleranceCount        = "failureToleranceCount"
	keyFailureTolerancePercentage   = "failureTolerancePercentage"
	keyOrganizationalUnits          = "organizationalUnits"
)

// Definitions of the delivery keys (see schema.go).
var (
	operationPreferencesKeys = &Key{Name: keyOperationPreferences, Kind: KindObject,
		Description: "How CloudFormation rolls a changed template out to the accounts: one of each count/percentage pair.",
		Keys: []*Key{
			{Name: keyMaxConcurrentCount, Kind: KindInteger, Min: 1, Max: 10000,
				Description: "Accounts updated at a time (instead of `maxConcurrentPercentage`)."},
			{Name: keyMaxConcurrentPercentage, Kind: KindInteger, Default: DefaultMaxConcurrentPercentage, Min: 1, Max: 100,
				Description: "Percentage of the accounts updated at a time."},
			{Name: keyFailureToleranceCount, Kind: KindInteger, Min: 0, Max: 10000,
				Description: "Failed accounts tolerated before CloudFormation stops the roll-out (instead of `failureTolerancePercentage`)."},
			{Name: keyFailureTolerancePercentage, Kind: KindInteger, Default: DefaultFailureTolerancePercentage, Min: 0, Max: 100,
				Description: "Percentage of failed accounts tolerated; CloudFormation's strict mode also caps the concurrency at it plus one account."},
		}}

	stackSetsKeys = &Key{Name: keyStackSets, Kind: KindObject,
		Description: "Settings of `delivery: stackSets`.",
		See:         "[Scale](scale.md)",
		Keys: []*Key{
			{Name: keyPermissionModel, Kind: KindString, Default: PermissionSelfManaged, Enum: permissionModels,
				Description: "`SELF_MANAGED`: an administration role this program creates assumes `accessRoleName` in each account. `SERVICE_MANAGED`: AWS Organizations' trusted access, targets through OUs."},
			{Name: keyRegion, Kind: KindString, Pattern: regionRE.String(), DefaultText: "the stack's `aws:region`",
				Description: "Region of the roles' stack instances (IAM is global; one region is enough)."},
			{Name: keyAdministrationRoleName, Kind: KindString, Default: DefaultStackSetAdministrationRole, Pattern: iamNameRE.String(), MaxLength: 64,
				Description: "SELF_MANAGED: name of the administration role created in the management account."},
			{Name: keyOrganizationalUnitIDs, Kind: KindStrings, Pattern: ouIDRE.String(),
				Description: "SERVICE_MANAGED: the organization root (`r-...`) or the OUs (`ou-...`) that hold the accounts."},
			{Name: keyOrganizationID, Kind: KindString, Pattern: orgIDRE.String(),
				Description: "SELF_MANAGED: the administration role may assume execution roles only in accounts of this organization (`aws:ResourceOrgID`)."},
			{Name: keyRetainStacksOnAccountRemoval, Kind: KindBoolean, Default: false,
				Description: "SERVICE_MANAGED, roles with `organizationalUnits`: keep the role when an account leaves the OU."},
			{Name: keyAdoptRoles, Kind: KindBoolean, Default: false,
				Description: "The hand-over run of a stack moving from `providers`: keep and retain the live roles, create the StackSets without instances.",
				See:         "[Moving to StackSets](stacksets-handover.md)"},
			operationPreferencesKeys,
		}}
)

// parseDelivery reads the delivery keys of the organization object.
func parseDelivery(d *decoder, f map[string]json.RawMessage) DeliverySpec {
	spec := DeliverySpec{Mode: d.str(keyDelivery, f[keyDelivery])}
	spec.MaxProviders, _ = d.integer(keyMaxProviders, f[keyMaxProviders])
	spec.stackSetsGiven = present(f[keyStackSets])
	s := d.fields(keyStackSets, f[keyStackSets], stackSetsKeys)
	at := func(key string) string { return joinPath(keyStackSets, key) }
	spec.StackSets = StackSetsSpec{
		PermissionModel:        d.str(at(keyPermissionModel), s[keyPermissionModel]),
		Region:                 d.str(at(keyRegion), s[keyRegion]),
		AdministrationRoleName: d.str(at(keyAdministrationRoleName), s[keyAdministrationRoleName]),
		OrganizationalUnitIDs:  d.strings(at(keyOrganizationalUnitIDs), s[keyOrganizationalUnitIDs]),
		OrganizationID:         d.str(at(keyOrganizationID), s[keyOrganizationID]),
	}
	spec.StackSets.RetainStacksOnAccountRemoval, _ = d.boolean(at(keyRetainStacksOnAccountRemoval), s[keyRetainStacksOnAccountRemoval])
	spec.StackSets.AdoptRoles, _ = d.boolean(at(keyAdoptRoles), s[keyAdoptRoles])
	prefsPath := at(keyOperationPreferences)
	p := d.fields(prefsPath, s[keyOperationPreferences], operationPreferencesKeys)
	optional := func(key string) *int {
		if n, ok := d.integer(joinPath(prefsPath, key), p[key]); ok {
			return &n
		}
		return nil
	}
	spec.StackSets.OperationPreferences = OperationPreferencesSpec{
		MaxConcurrentCount:         optional(keyMaxConcurrentCount),
		MaxConcurrentPercentage:    optional(keyMaxConcurrentPercentage),
		FailureToleranceCount:      optional(keyFailureToleranceCount),
		FailureTolerancePercentage: optional(keyFailureTolerancePercentage),
	}
	return spec
}

// resolveDelivery validates the delivery settings. It runs after the roles
// are resolved: StackSet names derive from role names, and the settings
// constrain the accounts and roles.
func resolveDelivery(s *Spec, l *Layout, accessRole string, ps *Problems) {
	spec := s.Delivery
	l.Delivery = Delivery{
		Mode:         orDefault(spec.Mode, DeliveryProviders),
		MaxProviders: orDefaultInt(spec.MaxProviders, DefaultMaxProviders),
	}
	if !contains(deliveryModes, l.Delivery.Mode) {
		ps.Addf(keyDelivery, "%q is not one of %s", clip(spec.Mode), strings.Join(deliveryModes, ", "))
	}
	if spec.MaxProviders != 0 && spec.MaxProviders < 1 {
		ps.Addf(keyMaxProviders, "must be at least 1, got %d", spec.MaxProviders)
	}
	rolesWithOUs := rolesWithOrganizationalUnits(s)
	if l.Delivery.Mode != DeliveryStackSets {
		if spec.stackSetsGiven {
			ps.Addf(keyStackSets, "only applies with delivery: %s", DeliveryStackSets)
		}
		for _, name := range rolesWithOUs {
			ps.Addf(joinPath(joinPath(keyRoles, name), keyOrganizationalUnits), "only applies with delivery: %s and stackSets.permissionModel: %s", DeliveryStackSets, PermissionServiceManaged)
		}
		return
	}
	if spec.MaxProviders != 0 {
		ps.Addf(keyMaxProviders, "only applies with delivery: %s: stackSets delivery creates no per-account provider", DeliveryProviders)
	}
	ss := spec.StackSets
	at := func(key string) string { return joinPath(keyStackSets, key) }
	res := &StackSets{
		PermissionModel:              orDefault(ss.PermissionModel, PermissionSelfManaged),
		Region:                       ss.Region,
		OrganizationalUnitIDs:        sortedCopy(ss.OrganizationalUnitIDs),
		OrganizationID:               ss.OrganizationID,
		RetainStacksOnAccountRemoval: ss.RetainStacksOnAccountRemoval,
		AdoptRoles:                   ss.AdoptRoles,
		Preferences:                  resolvePreferences(ss.OperationPreferences, at(keyOperationPreferences), ps),
	}
	l.Delivery.StackSets = res
	if !contains(permissionModels, res.PermissionModel) {
		ps.Addf(at(keyPermissionModel), "%q is not one of %s", clip(ss.PermissionModel), strings.Join(permissionModels, ", "))
	}
	if ss.Region != "" && !regionRE.MatchString(ss.Region) {
		ps.Addf(at(keyRegion), "%q is not an AWS region name like eu-west-1", clip(ss.Region))
	}
	if ss.OrganizationID != "" && !orgIDRE.MatchString(ss.OrganizationID) {
		ps.Addf(at(keyOrganizationID), "%q is not an organization ID like o-a1b2c3d4e5", clip(ss.OrganizationID))
	}
	for i, id := range ss.OrganizationalUnitIDs {
		if !ouIDRE.MatchString(id) {
			ps.Addf(indexPath(at(keyOrganizationalUnitIDs), i), "%q is not a root ID (r-...) or OU ID (ou-...-...)", clip(id))
		}
	}
	switch res.PermissionModel {
	case PermissionSelfManaged:
		res.AdministrationRoleName = orDefault(ss.AdministrationRoleName, DefaultStackSetAdministrationRole)
		checkIAMName(ps, at(keyAdministrationRoleName), "role name", res.AdministrationRoleName, 64)
		res.AdministrationRoleARN = RoleARN(l.Partition, l.MasterAccountID, "/", res.AdministrationRoleName)
		res.ExecutionRoleName = accessRole
		if len(ss.OrganizationalUnitIDs) > 0 {
			ps.Addf(at(keyOrganizationalUnitIDs), "only applies with permissionModel: %s (SELF_MANAGED targets accounts)", PermissionServiceManaged)
		}
		if ss.RetainStacksOnAccountRemoval {
			ps.Addf(at(keyRetainStacksOnAccountRemoval), "only applies with permissionModel: %s (auto-deployment)", PermissionServiceManaged)
		}
		for _, name := range rolesWithOUs {
			ps.Addf(joinPath(joinPath(keyRoles, name), keyOrganizationalUnits), "only applies with stackSets.permissionModel: %s", PermissionServiceManaged)
		}
		// A StackSet has one execution role: accounts reached through
		// another role cannot share their roles' StackSets.
		for _, name := range slices.Sorted(maps.Keys(s.Accounts)) {
			if other := s.Accounts[name].AccessRoleName; other != "" && other != accessRole {
				ps.Addf(joinPath(joinPath(keyAccounts, name), keyAccessRoleName), "is %q, but SELF_MANAGED StackSets assume one execution role (%q) in every account: create it there, or use permissionModel: %s", other, accessRole, PermissionServiceManaged)
			}
		}
	case PermissionServiceManaged:
		if ss.AdministrationRoleName != "" {
			ps.Addf(at(keyAdministrationRoleName), "only applies with permissionModel: %s (SERVICE_MANAGED StackSets use AWS's service-linked roles)", PermissionSelfManaged)
		}
		if len(ss.OrganizationalUnitIDs) == 0 {
			ps.Addf(at(keyOrganizationalUnitIDs), "is required with permissionModel: %s: the organization root (r-...) or the OUs that hold the accounts", PermissionServiceManaged)
		}
	}
	checkStackSetNames(l, ps)
}

// resolvePreferences applies the defaults and CloudFormation's rules: one of
// each count/percentage pair, in range.
func resolvePreferences(p OperationPreferencesSpec, path string, ps *Problems) OperationPreferences {
	out := OperationPreferences(p)
	pair := func(countKey, percentKey string, count, percent **int, defaultPercent, min int) {
		switch {
		case *count != nil && *percent != nil:
			ps.Addf(joinPath(path, percentKey), "set %s or %s, not both (CloudFormation takes one)", countKey, percentKey)
		case *count == nil && *percent == nil:
			*percent = &defaultPercent
		}
		if *count != nil && **count < min {
			ps.Addf(joinPath(path, countKey), "must be at least %d, got %d", min, **count)
		}
		if *percent != nil && (**percent < min || **percent > 100) {
			ps.Addf(joinPath(path, percentKey), "must be a percentage from %d to 100, got %d", min, **percent)
		}
	}
	pair(keyMaxConcurrentCount, keyMaxConcurrentPercentage, &out.MaxConcurrentCount, &out.MaxConcurrentPercentage, DefaultMaxConcurrentPercentage, 1)
	pair(keyFailureToleranceCount, keyFailureTolerancePercentage, &out.FailureToleranceCount, &out.FailureTolerancePercentage, DefaultFailureTolerancePercentage, 0)
	return out
}

// checkStackSetNames reports role definitions whose StackSet names collide
// or are too long, and gives every placement its StackSet name.
func checkStackSetNames(l *Layout, ps *Problems) {
	owner := map[string]string{}
	for _, r := range l.Roles {
		name := StackSetName(r.Name, l.PolicyNameSuffix)
		r.StackSetName = name
		prev, seen := owner[name]
		switch {
		case seen && prev != r.Name:
			ps.Addf(joinPath(keyRoles, r.Name), "its StackSet name %q is also role %s's (StackSet names hold only letters, digits and hyphens)", name, prev)
		case !seen && stackSetNameTooLong(name):
			ps.Addf(joinPath(keyRoles, r.Name), "its StackSet name %q is too long: CloudFormation takes %d characters, and its last StackSet adds %q", clip(name), MaxStackSetNameLength, strings.TrimPrefix(ShardName(name, MaxShards), name))
		}
		owner[name] = r.Name
	}
}

// checkRoleOrganizationalUnits validates a role's OU targets.
func checkRoleOrganizationalUnits(ps *Problems, path string, ous []string) {
	for i, id := range ous {
		if !ouIDRE.MatchString(id) {
			ps.Addf(indexPath(joinPath(path, keyOrganizationalUnits), i), "%q is not a root ID (r-...) or OU ID (ou-...-...)", clip(id))
		}
	}
}

func rolesWithOrganizationalUnits(s *Spec) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(s.Roles)) {
		if len(s.Roles[name].OrganizationalUnits) > 0 {
			out = append(out, name)
		}
	}
	return out
}

// Real-engine costs of a pulumi-aws provider process (shared IAM-FACTS.md,
// "The real engine": pulumi-aws #5226 for v6, #5860 for v7; start-up measured
// on Pulumi CLI 3.200).
const (
	ProviderMemoryMBv6    = 170
	ProviderMemoryMBv7Max = 430
	ProviderStartupMinMS  = 1500
	ProviderStartupMaxMS  = 2000
)

// providerBudgetMessage explains a providers-mode layout over its budget:
// what it would cost on the real engine and the ways out.
func providerBudgetMessage(providers, budget int) string {
	processes := providers + 1 // and the stack's default provider
	return fmt.Sprintf("the layout needs %d account providers, more than the budget of %d: "+
		"with the default provider that is %d pulumi-aws processes for the whole deployment, about %.1f GB of memory "+
		"(%d MB each with pulumi-aws v6, up to %.1f GB with v7) and %.0f-%.0f s of provider start-up, one after another, "+
		"before the first IAM call of every preview and update. Ways out: delivery: %s (no per-account provider, "+
		"the same few processes at any size), or one stack per organizational unit (docs/scale.md, \"Beyond one stack\"); "+
		"or raise maxProviders if the machine that runs pulumi can afford it",
		providers, budget, processes,
		float64(processes*ProviderMemoryMBv6)/1000, ProviderMemoryMBv6, float64(processes*ProviderMemoryMBv7Max)/1000,
		float64(processes*ProviderStartupMinMS)/1000, float64(processes*ProviderStartupMaxMS)/1000, DeliveryStackSets)
}

// checkProviderBudget reports a providers-mode layout over its budget.
func checkProviderBudget(l *Layout, ps *Problems) {
	if l.Delivery.Mode != DeliveryProviders {
		return
	}
	if n := l.ProviderCount(); n > l.Delivery.MaxProviders {
		ps.Addf(keyMaxProviders, "%s", providerBudgetMessage(n, l.Delivery.MaxProviders))
	}
}
