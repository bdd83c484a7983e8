package layout

import "unicode"

// IAM quotas on documents and attachments (IAM User Guide,
// reference_iam-quotas). Defaults are IAM's; the stack may raise those AWS
// lets an account raise, and lower any of them to keep headroom.
const (
	DefaultTrustPolicySize        = 2048
	MaxTrustPolicySize            = 8192
	DefaultManagedPolicySize      = 6144
	DefaultManagedPoliciesPerRole = 10
	MaxManagedPoliciesPerRoleRaw  = 20
	DefaultRoleInlinePolicySize   = 10240
	minDocumentQuota              = 1024
)

// Quotas are the limits generated documents are measured against.
type Quotas struct {
	TrustPolicySize        int
	ManagedPolicySize      int
	ManagedPoliciesPerRole int
	RoleInlinePolicySize   int
}

// Security holds the resolved organization-wide security options.
type Security struct {
	RequireSessionNameMatchesUser bool
	AllowSourceIdentity           bool
	AllowTagSession               bool
	// Trust is TrustAccount or TrustMembers (trust.go).
	Trust string
}

// PolicySize is a document's size as IAM counts it against its quotas:
// characters, white space not counted.
func PolicySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

func resolveQuotas(s *Spec, l *Layout, ps *Problems) {
	q := s.Quotas
	l.Quotas = Quotas{
		TrustPolicySize:        orDefaultInt(q.TrustPolicySize, DefaultTrustPolicySize),
		ManagedPolicySize:      orDefaultInt(q.ManagedPolicySize, DefaultManagedPolicySize),
		ManagedPoliciesPerRole: orDefaultInt(q.ManagedPoliciesPerRole, DefaultManagedPoliciesPerRole),
		RoleInlinePolicySize:   orDefaultInt(q.RoleInlinePolicySize, DefaultRoleInlinePolicySize),
	}
	inRange := func(key string, v, lo, hi int, why string) {
		if v < lo || v > hi {
			ps.Addf(joinPath(keyQuotas, key), "%d is outside %d-%d: %s", v, lo, hi, why)
		}
	}
	inRange(keyTrustPolicySize, l.Quotas.TrustPolicySize, minDocumentQuota, MaxTrustPolicySize, "IAM's trust policy quota is 2048 by default and can be raised")
	inRange(keyManagedPolicySize, l.Quotas.ManagedPolicySize, minDocumentQuota, DefaultManagedPolicySize, "IAM's managed policy size cannot be raised above 6144")
	inRange(keyManagedPoliciesPerRole, l.Quotas.ManagedPoliciesPerRole, 1, MaxManagedPoliciesPerRoleRaw, "IAM attaches 10 managed policies per role by default and up to 20 when raised")
	inRange(keyRoleInlinePolicySize, l.Quotas.RoleInlinePolicySize, minDocumentQuota, DefaultRoleInlinePolicySize, "IAM's aggregate inline policy size per role cannot be raised above 10240")
	l.Security = Security(s.Security)
	l.Security.Trust = orDefault(s.Security.Trust, TrustAccount)
}

// checkAliases validates former names of a key of the given kind.
func checkAliases(ps *Problems, path string, aliases []string, current map[string]bool, valid func(p, name string)) {
	for i, a := range aliases {
		p := indexPath(joinPath(path, keyAliases), i)
		valid(p, a)
		if current[a] {
			ps.Addf(p, "%q is a current name, not a former one", clip(a))
		}
	}
}
