package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"iam-layout/layout"
	"iam-layout/stackfile"
)

// Formats of the schema command; FormatMarkdown prints the reference table of
// docs/configuration.md.
const (
	FormatOrganization = "organization" // JSON Schema of the organization value
	FormatStack        = "stack"        // JSON Schema of a whole Pulumi.<stack>.yaml
)

var schemaFormats = []string{FormatOrganization, FormatStack, FormatMarkdown}

// runSchema prints the JSON Schema of the organization (or of a whole stack
// file), or the Markdown reference, all generated from the definitions the
// loader reads. It needs no stack: only the stack-file schema reads the
// project name, the namespace of the organization's key.
func runSchema(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("iam-layout schema", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("dir", ".", "project directory (holding Pulumi.yaml), for --format stack")
	format := fs.String("format", FormatOrganization, "what to print")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageText)
			return ExitOK
		}
		fmt.Fprintf(stderr, "iam-layout schema: %v\n%s", err, usageText)
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "iam-layout schema: nothing may follow the flags\n%s", usageText)
		return ExitUsage
	}
	var out []byte
	var err error
	switch *format {
	case FormatOrganization:
		out, err = layout.OrganizationSchema()
	case FormatStack:
		var project string
		if project, err = stackfile.Project(*dir); err == nil {
			out, err = layout.StackFileSchema(project + ":" + organizationKey)
		}
	case FormatMarkdown:
		out = []byte(layout.ReferenceMarkdown())
	default:
		fmt.Fprintf(stderr, "iam-layout schema: unknown format %q (one of: %s)\n", *format, strings.Join(schemaFormats, ", "))
		return ExitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "iam-layout schema: %v\n", err)
		return ExitError
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "iam-layout schema: writing output: %v\n", err)
		return ExitError
	}
	return ExitOK
}
