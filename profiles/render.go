package profiles

import "iam-layout/layout"

// Rendered is everything this package renders for one layout: the values of
// the stack outputs of the same names (package contract), which the offline
// command prints too.
type Rendered struct {
	AWSConfig               string
	AWSConfigByUser         map[string]string
	ConfigureCommands       string
	ConfigureCommandsByUser map[string]string
	// SwitchRoleURLs is {account: {role: url}}.
	SwitchRoleURLs          map[string]map[string]string
	ExtendSwitchRolesConfig string
	// ConsoleExclusions is {account: {role: reasons}}.
	ConsoleExclusions   map[string]map[string][]string
	AccessMatrix        string
	AccessMatrixMermaid string
	// SSOConfig is the Identity Center profiles of the organization;
	// SSOConfigByUser each user's; SSOConsoleURLs is {account: {role:
	// url}}. Empty when Identity Center is not in use.
	SSOConfig       string
	SSOConfigByUser map[string]string
	SSOConsoleURLs  map[string]map[string]string
}

// Render renders a layout: everything the offline command prints.
// stackRegion is the stack's aws:region, the last fallback for profile
// regions.
func Render(l *layout.Layout, stackRegion string) *Rendered {
	r := RenderShared(l, stackRegion)
	m := AccessMatrix(l)
	if l.IAMAccess() {
		r.AWSConfigByUser = AWSConfigByUser(l, stackRegion)
		r.ConfigureCommandsByUser = ConfigureCommandsByUser(l, stackRegion)
	}
	r.SSOConfigByUser = SSOConfigByUser(l, stackRegion)
	r.AccessMatrix, r.AccessMatrixMermaid = m.Markdown(), m.Mermaid()
	return r
}

// RenderShared renders what does not grow with people x roles, leaving the
// per-user fields empty: the stack outputs of a stack with
// profiles.perUserOutputs off. The stack outputs and the offline command
// both come from Render or RenderShared, so they cannot drift apart.
//
// Without IAM access (identityCenter.access identityCenter) the IAM
// renderings stay empty: there are no IAM roles to profile.
func RenderShared(l *layout.Layout, stackRegion string) *Rendered {
	r := &Rendered{
		SSOConfig:      SSOConfig(l, stackRegion),
		SSOConsoleURLs: SSOConsoleURLs(l),
	}
	if l.IAMAccess() {
		r.AWSConfig = AWSConfig(l, stackRegion)
		r.ConfigureCommands = ConfigureCommands(l, stackRegion)
		r.SwitchRoleURLs = SwitchRoleURLs(l)
		r.ExtendSwitchRolesConfig = ExtendSwitchRolesConfig(l, stackRegion)
		r.ConsoleExclusions = ExclusionsByAccount(l)
	}
	return r
}

// PerUserSize is the number of bytes of the per-user fields: each user's
// fragments and the access matrix.
func (r *Rendered) PerUserSize() int {
	n := len(r.AccessMatrix) + len(r.AccessMatrixMermaid)
	for _, m := range []map[string]string{r.AWSConfigByUser, r.ConfigureCommandsByUser, r.SSOConfigByUser} {
		for _, v := range m {
			n += len(v)
		}
	}
	return n
}

// Size is the number of bytes rendered, stack-output text included.
func (r *Rendered) Size() int {
	n := r.PerUserSize() + len(r.AWSConfig) + len(r.ConfigureCommands) + len(r.ExtendSwitchRolesConfig) + len(r.SSOConfig)
	for _, links := range []map[string]map[string]string{r.SwitchRoleURLs, r.SSOConsoleURLs} {
		for _, roles := range links {
			for _, u := range roles {
				n += len(u)
			}
		}
	}
	return n
}
