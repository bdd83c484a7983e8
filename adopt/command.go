package adopt

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"iam-layout/stackfile"
)

// Exit codes, as the rest of the offline command uses them.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// Formats of the import command.
const (
	FormatFile    = "file"    // the pulumi import --file file
	FormatTargets = "targets" // URNs to create first, one per line
	FormatSkipped = "skipped" // what the file leaves out, and why
)

// Usage is the import command's usage text.
const Usage = `usage:
  iam-layout import --stack NAME [--dir DIR] [--org ORG] [--format file|targets|skipped]

Plans adopting the live organization into the stack, from Pulumi.<NAME>.yaml
alone (docs/adoption.md):
  file     the pulumi import --file file of every resource the stack creates
  targets  URNs to create first with pulumi up --target (providers, components,
           stack references), one per line
  skipped  resources the file leaves out, with why
--org is the stack's Pulumi organization (default "organization", a DIY
backend's, such as the local file backend).
`

// Run runs `iam-layout import` with args (after the command name).
func Run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("iam-layout import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	stack := fs.String("stack", "", "stack whose Pulumi.<stack>.yaml to read")
	dir := fs.String("dir", ".", "project directory (holding Pulumi.yaml)")
	format := fs.String("format", FormatFile, "what to print")
	org := fs.String("org", DefaultOrganization, "the stack's Pulumi organization")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, Usage)
			return exitOK
		}
		fmt.Fprintf(stderr, "iam-layout import: %v\n%s", err, Usage)
		return exitUsage
	}
	var problems []string
	if *stack == "" {
		problems = append(problems, "--stack is required")
	}
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Sprintf("unexpected %q after the flags: nothing else may follow the flags", fs.Arg(0)))
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "iam-layout import: %s\n%s", strings.Join(problems, "; "), Usage)
		return exitUsage
	}
	if *format != FormatFile && *format != FormatTargets && *format != FormatSkipped {
		fmt.Fprintf(stderr, "iam-layout import: unknown format %q (one of: %s, %s, %s)\n", *format, FormatFile, FormatTargets, FormatSkipped)
		return exitUsage
	}
	project, err := stackfile.Project(*dir)
	if err != nil {
		fmt.Fprintf(stderr, "iam-layout import: %v\n", err)
		return exitError
	}
	cfg, err := stackfile.Read(*dir, *stack)
	if err != nil {
		fmt.Fprintf(stderr, "iam-layout import: %v\n", err)
		return exitError
	}
	plan, err := Build(*org, project, *stack, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "iam-layout import: %v\n", err)
		return exitError
	}
	switch *format {
	case FormatTargets:
		_, err = io.WriteString(stdout, strings.Join(plan.Targets, "\n")+"\n")
	case FormatSkipped:
		var b strings.Builder
		for _, s := range plan.Skipped {
			fmt.Fprintf(&b, "%s\n  %s\n", s.URN, s.Reason)
		}
		_, err = io.WriteString(stdout, b.String())
	default:
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		err = enc.Encode(plan.File)
	}
	if err != nil {
		fmt.Fprintf(stderr, "iam-layout import: writing output: %v\n", err)
		return exitError
	}
	if *format == FormatFile {
		fmt.Fprint(stderr, skippedNote(plan))
	}
	return exitOK
}

// skippedNote says what the file leaves to pulumi up; when that is
// everything, it says why, so an empty file does not read as a stack with
// nothing in it.
func skippedNote(plan *Plan) string {
	if len(plan.Skipped) == 0 {
		return ""
	}
	if len(plan.File.Resources) > 0 {
		return fmt.Sprintf("iam-layout import: %d resources are left to pulumi up (--format skipped says which and why)\n", len(plan.Skipped))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "iam-layout import: nothing to import: none of the stack's %d resources can be imported from the stack file alone (--format skipped lists each):\n", len(plan.Skipped))
	counts := map[string]int{}
	var reasons []string
	for _, s := range plan.Skipped {
		if counts[s.Reason] == 0 {
			reasons = append(reasons, s.Reason)
		}
		counts[s.Reason]++
	}
	for _, r := range reasons {
		fmt.Fprintf(&b, "  - %d of them: %s\n", counts[r], r)
	}
	return b.String()
}
