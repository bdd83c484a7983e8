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
}

// Render renders a layout. stackRegion is the stack's aws:region, the last
// fallback for profile regions.
func Render(l *layout.Layout, stackRegion string) *Rendered {
	m := AccessMatrix(l)
	return &Rendered{
		AWSConfig:               AWSConfig(l, stackRegion),
		AWSConfigByUser:         AWSConfigByUser(l, stackRegion),
		ConfigureCommands:       ConfigureCommands(l, stackRegion),
		ConfigureCommandsByUser: ConfigureCommandsByUser(l, stackRegion),
		SwitchRoleURLs:          SwitchRoleURLs(l),
		ExtendSwitchRolesConfig: ExtendSwitchRolesConfig(l, stackRegion),
		ConsoleExclusions:       ExclusionsByAccount(l),
		AccessMatrix:            m.Markdown(),
		AccessMatrixMermaid:     m.Mermaid(),
	}
}

// Size is the number of bytes rendered, stack-output text included.
func (r *Rendered) Size() int {
	n := len(r.AWSConfig) + len(r.ConfigureCommands) + len(r.ExtendSwitchRolesConfig) + len(r.AccessMatrix) + len(r.AccessMatrixMermaid)
	for _, m := range []map[string]string{r.AWSConfigByUser, r.ConfigureCommandsByUser} {
		for _, v := range m {
			n += len(v)
		}
	}
	for _, roles := range r.SwitchRoleURLs {
		for _, u := range roles {
			n += len(u)
		}
	}
	return n
}
