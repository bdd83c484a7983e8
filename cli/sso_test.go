package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"iam-layout/profiles"
)

// ssoRendered renders the sso example stack directly, as the program does.
func ssoRendered(t *testing.T) *profiles.Rendered {
	t.Helper()
	return profiles.Render(shippedLayout(t, "sso"))
}

func TestSSOFormatsPrintTheirRenderingOfTheStack(t *testing.T) {
	t.Parallel()
	r := ssoRendered(t)
	for name, tc := range map[string]struct {
		args []string
		text string
	}{
		"the organization's sso profiles": {[]string{"profiles", "--format", "sso"}, r.SSOConfig},
		"one user's sso profiles":         {[]string{"profiles", "--format", "sso", "--user", "bob"}, r.SSOConfigByUser["bob"]},
		"without --format, the sso ones":  {[]string{"profiles"}, r.SSOConfig},
		"and one user's":                  {[]string{"profiles", "--user", "bob"}, r.SSOConfigByUser["bob"]},
		"the matrix with both columns":    {[]string{"matrix"}, r.AccessMatrix},
		"the picture":                     {[]string{"matrix", "--format", "mermaid"}, r.AccessMatrixMermaid},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runCLI(append(tc.args, "--stack", "sso", "--dir", projectDir)...)
			if code != ExitOK || stderr != "" || stdout != tc.text || stdout == "" {
				t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, stderr, stdout, tc.text)
			}
		})
	}
	stdout, _, code := runCLI("profiles", "--format", "portal-links", "--stack", "sso", "--dir", projectDir)
	var links map[string]map[string]string
	if err := json.Unmarshal([]byte(stdout), &links); code != ExitOK || err != nil || !reflect.DeepEqual(links, r.SSOConsoleURLs) {
		t.Errorf("portal-links: exit %d, %v, %s", code, err, stdout)
	}
	if strings.Contains(stdout, `\u0026`) {
		t.Errorf("links are HTML-escaped: %s", stdout)
	}
}

func TestFormatsOfTheOtherWayInAreRefusedWithWhatToUseInstead(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"IAM profiles of an Identity Center stack": {[]string{"profiles", "--format", "config", "--stack", "sso"}, "the stack lays out no IAM roles (identityCenter.access identityCenter): --format sso or portal-links"},
		"switch-role links likewise":               {[]string{"profiles", "--format", "links", "--stack", "sso"}, "the stack lays out no IAM roles"},
		"sso profiles of an IAM stack":             {[]string{"profiles", "--format", "sso", "--stack", "dev"}, "people do not come through Identity Center in this stack"},
		"a user in no Identity Center group":       {[]string{"profiles", "--format", "sso", "--stack", "sso", "--user", "zed"}, `no user "zed"`},
		"--user with portal links":                 {[]string{"profiles", "--format", "portal-links", "--stack", "sso", "--user", "bob"}, "--user goes with --format config, commands or sso, not portal-links"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runCLI(append(tc.args, "--dir", projectDir)...)
			if code != ExitUsage || stdout != "" || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 saying %q", code, stdout, stderr, tc.want)
			}
		})
	}
}
