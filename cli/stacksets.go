package cli

import (
	"fmt"
	"io"

	"iam-layout/handover"
	"iam-layout/stackfile"
)

// Formats of the stacksets command.
const (
	FormatTemplates = "templates" // every StackSet's template body by StackSet name, as JSON
	FormatHandover  = "handover"  // the bash script adopting the live roles into the StackSets
	FormatImport    = "import"    // the pulumi import --file file of the stack instances
)

var stackSetsFormats = []string{FormatTemplates, FormatHandover, FormatImport}

// runStackSets prints what moving a stack's live roles to StackSets needs
// outside the engine (docs/stacksets-handover.md). Its first format is the
// default.
func runStackSets(args []string, stdout, stderr io.Writer) int {
	const name = "stacksets"
	fs := newStackFlags(name, stackSetsFormats)
	if code, ok := fs.parse(args, stdout, stderr); !ok {
		return code
	}
	stack, dir, format := fs.stack, fs.dir, fs.format
	value, err := stackSetsOutput(*dir, *stack, *format)
	if err != nil {
		fmt.Fprintf(stderr, "iam-layout %s: %v\n", name, err)
		return ExitError
	}
	if err := write(stdout, value); err != nil {
		fmt.Fprintf(stderr, "iam-layout %s: writing output: %v\n", name, err)
		return ExitError
	}
	return ExitOK
}

// stackSetsOutput plans the stack's StackSets and renders one format.
func stackSetsOutput(dir, stack, format string) (any, error) {
	l, region, err := load(dir, stack)
	if err != nil {
		return nil, err
	}
	plan, err := handover.NewPlan(l, region)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", stack, err)
	}
	switch format {
	case FormatTemplates:
		return plan.Templates(), nil
	case FormatHandover:
		script, err := plan.Script(stack)
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", stack, err)
		}
		return script, nil
	case FormatImport:
		project, err := stackfile.Project(dir)
		if err != nil {
			return nil, err
		}
		f, err := plan.ImportFile(project, stack)
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", stack, err)
		}
		return f, nil
	}
	return nil, fmt.Errorf("unknown format %q", format)
}
