package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"iam-layout/audit"
	"iam-layout/awssettings"
)

// Exit codes of the audit command, for scheduled jobs: the others' ExitError
// (1) means "differs" here.
const (
	AuditEqual   = 0 // live equals declared
	AuditDiffers = 1 // anything differs
	AuditError   = 2 // bad flags, unreadable stack, credentials, API errors
)

// FormatJSON is the audit's machine-readable report (audit.Report).
const FormatJSON = "json"

var auditFormats = []string{FormatMarkdown, FormatJSON}

// accountFlags collects repeated --account values.
type accountFlags []string

func (a *accountFlags) String() string { return strings.Join(*a, ",") }

func (a *accountFlags) Set(v string) error {
	*a = append(*a, v)
	return nil
}

// runAudit runs `iam-layout audit`. The report goes to stdout, progress
// and errors to stderr.
func runAudit(args []string, stdout, stderr io.Writer) int {
	fs := newStackFlags("audit", auditFormats)
	var accounts accountFlags
	fs.Var(&accounts, "account", "audit only this account (repeatable)")
	if code, ok := fs.parse(args, stdout, stderr); !ok {
		if code == ExitOK {
			return AuditEqual
		}
		return AuditError
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "iam-layout audit: %v\n", err)
		return AuditError
	}
	cfg, l, err := loadStack(*fs.dir, *fs.stack)
	if err != nil {
		return fail(err)
	}
	if _, err := audit.SelectAccounts(l, accounts); err != nil {
		return fail(err)
	}
	settings, err := awssettings.FromConfig(cfg)
	if err != nil {
		return fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	report, err := audit.Run(ctx, audit.Options{Stack: *fs.stack, Layout: l, Settings: settings, Accounts: accounts, Progress: stderr})
	if err != nil {
		return fail(err)
	}
	var out any = report
	if *fs.format == FormatMarkdown {
		out = report.Markdown()
	}
	if err := write(stdout, out); err != nil {
		return fail(fmt.Errorf("writing the report: %w", err))
	}
	if !report.Equal {
		return AuditDiffers
	}
	return AuditEqual
}
