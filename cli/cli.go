// Package cli is the offline iam-layout command: it reads a stack's
// Pulumi.<stack>.yaml and prints what the stack's outputs for people hold
// (profiles, console links, the access matrix) without Pulumi, credentials or
// a deployment. It renders with package profiles, as the program does, so the
// two agree byte for byte. Its stacksets command prints, with package
// handover, what moving a stack's live roles to StackSets needs.
package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"iam-layout/layout"
	"iam-layout/profiles"
	"iam-layout/stackfile"
)

// organizationKey is the program's config key (program.ConfigKey), repeated
// so the command does not link the Pulumi SDK; a test keeps them equal.
const organizationKey = "organization"

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// Formats of the profiles command and the stack output each prints.
const (
	FormatConfig      = "config"       // awsConfig, or awsConfigByUser[user]
	FormatCommands    = "commands"     // awsConfigureCommands, or awsConfigureCommandsByUser[user]
	FormatLinks       = "links"        // switchRoleUrls
	FormatSwitchRoles = "switch-roles" // extendSwitchRolesConfig
	FormatExclusions  = "exclusions"   // consoleExclusions
	// Identity Center formats.
	FormatSSO         = "sso"          // ssoConfig, or ssoConfigByUser[user]
	FormatPortalLinks = "portal-links" // ssoConsoleUrls
)

// Formats of the matrix command.
const (
	FormatMarkdown = "markdown" // accessMatrix
	FormatMermaid  = "mermaid"  // accessMatrixMermaid
)

var (
	profilesFormats = []string{FormatConfig, FormatCommands, FormatLinks, FormatSwitchRoles, FormatExclusions, FormatSSO, FormatPortalLinks}
	// iamFormats and ssoFormats render one way in each.
	iamFormats = []string{FormatConfig, FormatCommands, FormatLinks, FormatSwitchRoles, FormatExclusions}
	ssoFormats = []string{FormatSSO, FormatPortalLinks}
	// userFormats render one user's fragment (--user).
	userFormats   = []string{FormatConfig, FormatCommands, FormatSSO}
	matrixFormats = []string{FormatMarkdown, FormatMermaid}
)

const usageText = `usage:
  iam-layout profiles --stack NAME [--dir DIR] [--user NAME] [--format FORMAT]
  iam-layout profiles --stack NAME [--dir DIR] [--user NAME] --write [FILE] [--dry-run]
  iam-layout matrix   --stack NAME [--dir DIR] [--format markdown|mermaid]
  iam-layout workloads --stack NAME [--dir DIR] [--workload NAME [--account NAME]]
  iam-layout schema   [--dir DIR] [--format organization|stack|markdown]
  iam-layout stacksets --stack NAME [--dir DIR] [--format templates|handover|import]
  iam-layout audit    --stack NAME [--dir DIR] [--format markdown|json] [--account NAME]...
  iam-layout import   --stack NAME [--dir DIR] [--org ORG] [--format file|targets|skipped]
  iam-layout help

profiles, matrix and workloads print what the stack's outputs hold, from
Pulumi.<NAME>.yaml alone. schema prints what the configuration may hold.
stacksets prints, for a stack with delivery: stackSets, what handing its
live roles over to StackSets needs (docs/stacksets-handover.md).
audit reads the live organization with the management account's credentials
and reports who can assume each role against the file (docs/audit.md):
exit 0 when live equals declared, 1 when it differs, 2 on errors.
workloads prints the CI workloads as JSON (workloads), or with --workload
the CI snippet that assumes the workload's role (workloads.NAME.ACCOUNT.snippet).
import plans adopting a live organization into the stack (docs/adoption.md);
it runs the program itself, so its first run builds it (a minute or two).

--write keeps the profiles the command prints (no --format, config or sso)
in a marked block of FILE (default: $AWS_CONFIG_FILE, else ~/.aws/config):
added the first time, replaced on later runs, everything outside the block
kept, the previous file saved as FILE.iam-layout-backup. --dry-run prints
the change as a diff instead.

profiles formats (without --format: the profiles of the way the stack lets
people in, config or sso, and in identityCenter.access both the two):
  config        ~/.aws/config profiles (awsConfig; with --user: awsConfigByUser[NAME])
  commands      the same as aws configure set lines (awsConfigureCommands[ByUser])
  links         console switch-role URLs as JSON (switchRoleUrls)
  switch-roles  aws-extend-switch-roles configuration (extendSwitchRolesConfig)
  exclusions    roles left out of the console outputs, with why, as JSON (consoleExclusions)
  sso           IAM Identity Center profiles (ssoConfig; with --user: ssoConfigByUser[NAME])
  portal-links  access portal shortcut links as JSON (ssoConsoleUrls)
matrix formats:
  markdown      who may assume which role, as a table (accessMatrix)
  mermaid       the same as a Mermaid flowchart (accessMatrixMermaid)
schema formats:
  organization  JSON Schema (draft-07) of <project>:organization
  stack         JSON Schema of a whole Pulumi.<stack>.yaml, for editors
  markdown      the configuration reference table (docs/configuration.md)
stacksets formats:
  templates     every StackSet's template body by StackSet name, as JSON
  handover      bash script adopting the live roles into the StackSets (run it
                with the management account's credentials)
  import        pulumi import --file file of the StackSets' stack instances
import formats (--org: the stack's Pulumi organization, default "organization"):
  file          the pulumi import --file file of every resource the stack creates
  targets       URNs to create first with pulumi up --target, one per line
  skipped       resources the file leaves out, with why
`

// Run runs the command with args (without the program name) and returns the
// exit code. Results go to stdout, errors and usage to stderr.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return ExitUsage
	}
	switch args[0] {
	case "profiles":
		return runCommand(args[0], args[1:], stdout, stderr, profilesFormats, true)
	case "matrix":
		return runCommand(args[0], args[1:], stdout, stderr, matrixFormats, false)
	case "schema":
		return runSchema(args[1:], stdout, stderr)
	case "stacksets":
		return runStackSets(args[1:], stdout, stderr)
	case "workloads":
		return runWorkloads(args[1:], stdout, stderr)
	case "audit":
		return runAudit(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usageText)
		return ExitOK
	default:
		fmt.Fprintf(stderr, "iam-layout: unknown command %q\n%s", args[0], usageText)
		return ExitUsage
	}
}

// runCommand runs one command; its first format is the default.
func runCommand(name string, args []string, stdout, stderr io.Writer, formats []string, withUser bool) int {
	fs := newStackFlags(name, formats)
	var user *string
	var wr *writeOptions
	if withUser {
		user = fs.String("user", "", "one user's profiles instead of the organization's")
		wr = addWriteFlags(fs.FlagSet)
		args = joinWriteValue(args)
		fs.strayHint = wr.strayHint
	}
	if code, ok := fs.parse(args, stdout, stderr); !ok {
		return code
	}
	stack, dir, format := fs.stack, fs.dir, fs.format
	if withUser && !fs.given("format") {
		// profiles without --format prints the profiles people use,
		// whichever way the stack lets them in.
		own := formatOwn
		format = &own
	}
	if wr != nil {
		if err := wr.check(*format); err != nil {
			fmt.Fprintf(stderr, "iam-layout %s: %v\n", name, err)
			return ExitUsage
		}
	}
	l, region, err := load(*dir, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "iam-layout %s: %v\n", name, err)
		return ExitError
	}
	userName := ""
	if user != nil {
		userName = *user
	}
	value, err := selectOutput(profiles.Render(l, region), l, *format, userName)
	if err != nil {
		fmt.Fprintf(stderr, "iam-layout %s: %v\n", name, err)
		return ExitUsage
	}
	if wr != nil && wr.write.set {
		return runWrite(name, wr, *dir, *stack, value.(string), stdout, stderr)
	}
	if err := write(stdout, value); err != nil {
		fmt.Fprintf(stderr, "iam-layout %s: writing output: %v\n", name, err)
		return ExitError
	}
	return ExitOK
}

// load reads a stack's organization and aws:region the way the engine hands
// them to the program.
func load(dir, stack string) (*layout.Layout, string, error) {
	cfg, l, err := loadStack(dir, stack)
	if err != nil {
		return nil, "", err
	}
	return l, cfg["aws:region"], nil
}

// loadStack reads a stack's config and its organization.
func loadStack(dir, stack string) (map[string]string, *layout.Layout, error) {
	project, err := stackfile.Project(dir)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := stackfile.Read(dir, stack)
	if err != nil {
		return nil, nil, err
	}
	raw, err := Organization(cfg, project, stack)
	if err != nil {
		return nil, nil, err
	}
	l, err := layout.Load([]byte(raw))
	if err != nil {
		return nil, nil, fmt.Errorf("stack %s: %w", stack, err)
	}
	return cfg, l, nil
}

// Organization returns the organization's config value (JSON) from a
// stack's engine config, or an error that says what the file holds instead
// (a misspelt key, nothing at all) and where to find an example.
func Organization(cfg map[string]string, project, stack string) (string, error) {
	raw, err := stackfile.Require(cfg, stack, project+":"+organizationKey)
	if err != nil {
		return "", fmt.Errorf("%w (for an example, see Pulumi.dev.yaml in the iam-layout repository; every key: docs/configuration.md)", err)
	}
	return raw, nil
}

// formatOwn is the profiles command without --format: the ~/.aws/config
// profiles of the way(s) the stack lets people in, FormatConfig,
// FormatSSO, or in identityCenter.access both the two one after the other
// (both sets of names are kept apart, so one file holds them), which is
// what a person's config file needs while they move over.
const formatOwn = ""

// ownProfiles is what formatOwn prints.
func ownProfiles(r *profiles.Rendered, l *layout.Layout, user string) (string, error) {
	var parts []string
	if l.IAMAccess() {
		v, err := selectOutput(r, l, FormatConfig, user)
		if err != nil {
			return "", err
		}
		parts = append(parts, v.(string))
	}
	if _, inIC := r.SSOConfigByUser[user]; l.IdentityCenterAccess() && (user == "" || inIC || !l.IAMAccess()) {
		v, err := selectOutput(r, l, FormatSSO, user)
		if err != nil {
			return "", err
		}
		parts = append(parts, v.(string))
	}
	return strings.Join(parts, "\n"), nil
}

// selectOutput picks the rendered value a format prints.
func selectOutput(r *profiles.Rendered, l *layout.Layout, format, user string) (any, error) {
	if format == formatOwn {
		return ownProfiles(r, l, user)
	}
	switch {
	case contains(iamFormats, format) && !l.IAMAccess():
		return nil, fmt.Errorf("the stack lays out no IAM roles (identityCenter.access %s): --format %s or %s", layout.AccessIdentityCenter, FormatSSO, FormatPortalLinks)
	case contains(ssoFormats, format) && !l.IdentityCenterAccess():
		return nil, fmt.Errorf("people do not come through Identity Center in this stack (identityCenter.access): --format %s has nothing to print", format)
	}
	if user != "" {
		if !contains(userFormats, format) {
			return nil, fmt.Errorf("--user goes with --format %s or %s, not %s", strings.Join(userFormats[:len(userFormats)-1], ", "), userFormats[len(userFormats)-1], format)
		}
		if !contains(userNames(l), user) {
			return nil, fmt.Errorf("no user %q in the organization (users: %s)", user, strings.Join(userNames(l), ", "))
		}
		if _, ok := r.SSOConfigByUser[user]; format == FormatSSO && !ok {
			return nil, fmt.Errorf("user %q is in no Identity Center group (identityCenter.groups)", user)
		}
	}
	switch format {
	case FormatSSO:
		if user != "" {
			return r.SSOConfigByUser[user], nil
		}
		return r.SSOConfig, nil
	case FormatPortalLinks:
		return r.SSOConsoleURLs, nil
	case FormatConfig:
		if user != "" {
			return r.AWSConfigByUser[user], nil
		}
		return r.AWSConfig, nil
	case FormatCommands:
		if user != "" {
			return r.ConfigureCommandsByUser[user], nil
		}
		return r.ConfigureCommands, nil
	case FormatLinks:
		return r.SwitchRoleURLs, nil
	case FormatSwitchRoles:
		return r.ExtendSwitchRolesConfig, nil
	case FormatExclusions:
		return r.ConsoleExclusions, nil
	case FormatMarkdown:
		return r.AccessMatrix, nil
	case FormatMermaid:
		return r.AccessMatrixMermaid, nil
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

// write prints text outputs as they are and structured ones as JSON, the
// way `pulumi stack output --json` shows them (2-space indent, '&' kept
// readable in URLs).
func write(w io.Writer, value any) error {
	if s, ok := value.(string); ok {
		_, err := io.WriteString(w, s)
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(value)
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func userNames(l *layout.Layout) []string {
	names := make([]string, len(l.Users))
	for i, u := range l.Users {
		names[i] = u.Name
	}
	sort.Strings(names)
	return names
}
