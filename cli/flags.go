package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// stackFlags are the flags every command that reads a stack file takes:
// --stack, --dir and, for commands with formats, --format (the first format
// is the default). Commands add their own flags to FlagSet before parse.
type stackFlags struct {
	name    string
	formats []string
	*flag.FlagSet
	stack, dir, format *string
	// strayHint, when set, may explain words left after the flags better
	// than "nothing else may follow the flags" (a file name meant for a
	// flag); "" keeps the general message.
	strayHint func(args []string) string
}

func newStackFlags(name string, formats []string) *stackFlags {
	f := &stackFlags{name: name, formats: formats, FlagSet: flag.NewFlagSet("iam-layout "+name, flag.ContinueOnError)}
	f.SetOutput(io.Discard)
	f.stack = f.String("stack", "", "stack whose Pulumi.<stack>.yaml to read")
	f.dir = f.String("dir", ".", "project directory (holding Pulumi.yaml)")
	if len(formats) > 0 {
		f.format = f.String("format", formats[0], "what to print")
	}
	return f
}

// given reports whether the flag of that name was on the command line.
func (f *stackFlags) given(name string) bool {
	found := false
	f.Visit(func(fl *flag.Flag) { found = found || fl.Name == name })
	return found
}

// parse parses args and checks what every stack command requires. When it
// returns false the command is over, with the exit code given: help was
// printed, or the usage was wrong and stderr says how.
func (f *stackFlags) parse(args []string, stdout, stderr io.Writer) (int, bool) {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageText)
			return ExitOK, false
		}
		fmt.Fprintf(stderr, "iam-layout %s: %v\n%s", f.name, err, usageText)
		return ExitUsage, false
	}
	var problems []string
	if *f.stack == "" {
		problems = append(problems, "--stack is required")
	}
	if f.NArg() > 0 {
		stray := fmt.Sprintf("unexpected %q after the flags: nothing else may follow the flags", f.Arg(0))
		if f.strayHint != nil {
			if hint := f.strayHint(f.Args()); hint != "" {
				stray = hint
			}
		}
		problems = append(problems, stray)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "iam-layout %s: %s\n%s", f.name, strings.Join(problems, "; "), usageText)
		return ExitUsage, false
	}
	if f.format != nil && !contains(f.formats, *f.format) {
		fmt.Fprintf(stderr, "iam-layout %s: unknown format %q (one of: %s)\n", f.name, *f.format, strings.Join(f.formats, ", "))
		return ExitUsage, false
	}
	return ExitOK, true
}
