package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"iam-layout/awsconfigfile"
	"iam-layout/stackfile"
)

// writeFlag is --write [FILE]: alone it writes the AWS CLI's config file
// (awsconfigfile.DefaultPath), with a value that file.
type writeFlag struct {
	set  bool
	path string
}

func (w *writeFlag) String() string { return w.path }

// IsBoolFlag lets --write stand alone; joinWriteValue gives it its value
// when a file name follows.
func (w *writeFlag) IsBoolFlag() bool { return true }

func (w *writeFlag) Set(s string) error {
	if s == "" {
		return errors.New("empty file name")
	}
	w.set = true
	if s != "true" {
		w.path = s
	}
	return nil
}

// writeOptions are the profiles command's flags for writing the config
// file.
type writeOptions struct {
	write  writeFlag
	dryRun bool
}

func addWriteFlags(fs *flag.FlagSet) *writeOptions {
	o := &writeOptions{}
	fs.Var(&o.write, "write", "keep the profiles in a marked block of FILE (default: $AWS_CONFIG_FILE, else ~/.aws/config)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "with --write: print the change as a unified diff, write nothing")
	return o
}

// joinWriteValue turns `--write FILE` into `--write=FILE`: the flag package
// cannot give a flag an optional value, and no argument of the command
// follows its flags, so a word after --write that is not a flag is the file.
func joinWriteValue(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if (a == "--write" || a == "-write") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			a += "=" + args[i+1]
			i++
		}
		out = append(out, a)
		if a == "--" {
			out = append(out, args[i+1:]...)
			break
		}
	}
	return out
}

// strayHint explains a word after the flags when --write came without a
// file: `--write --dry-run FILE` meant FILE for --write. It is refused, not
// taken for the file, because a word left over by another mistake
// (`--user alice bob`) would then name a file to write.
func (o *writeOptions) strayHint(args []string) string {
	if !o.write.set || o.write.path != "" || len(args) != 1 {
		return ""
	}
	return fmt.Sprintf("unexpected %q after the flags: a file to write goes right after --write (--write %s, or --write=%s)", args[0], args[0], args[0])
}

// check reports flags that do not go together.
func (o *writeOptions) check(format string) error {
	switch {
	case o.dryRun && !o.write.set:
		return errors.New("--dry-run goes with --write")
	case o.write.set && format != formatOwn && format != FormatConfig && format != FormatSSO:
		return fmt.Errorf("--write goes with --format %s or %s (or none: the stack's own profiles), not %s", FormatConfig, FormatSSO, format)
	}
	return nil
}

// runWrite keeps content in the stack's block of the config file, or with
// --dry-run prints what that would change.
func runWrite(name string, o *writeOptions, dir, stack, content string, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintf(stderr, "iam-layout %s: %v\n", name, err)
		return ExitError
	}
	project, err := stackfile.Project(dir)
	if err != nil {
		return fail(err)
	}
	path := o.write.path
	if path == "" {
		path, err = awsconfigfile.DefaultPath()
	} else {
		path, err = awsconfigfile.ExpandHome(path, os.UserHomeDir)
	}
	if err != nil {
		return fail(err)
	}
	// The block is the stack's: project/stack names it in the file, so
	// another project's or stack's block there is left alone.
	id := project + "/" + stack
	c, err := awsconfigfile.Prepare(path, awsconfigfile.Block{ID: id, Content: content})
	if err != nil {
		return fail(err)
	}
	if o.dryRun {
		if !c.Changed {
			fmt.Fprintf(stderr, "%s already holds the %s block as rendered: nothing would change\n", c.Path, id)
			return ExitOK
		}
		if _, err := io.WriteString(stdout, c.Diff()); err != nil {
			return fail(fmt.Errorf("writing output: %w", err))
		}
		return ExitOK
	}
	if err := c.Apply(); err != nil {
		return fail(err)
	}
	fmt.Fprint(stdout, writeSummary(c, id))
	return ExitOK
}

// writeSummary says what Apply did, with the profiles that came and went.
func writeSummary(c *awsconfigfile.Change, id string) string {
	var b strings.Builder
	count := sectionCount(c.Sections)
	switch {
	case !c.Changed:
		fmt.Fprintf(&b, "%s already holds the %s block as rendered (%s): nothing written\n", c.Path, id, count)
		return b.String()
	case !c.Exists:
		fmt.Fprintf(&b, "created %s with the %s block (%s)\n", c.Path, id, count)
	case c.Appended:
		fmt.Fprintf(&b, "added the %s block (%s) at the end of %s\n", id, count, c.Path)
	default:
		fmt.Fprintf(&b, "replaced the %s block of %s (%s now)\n", id, c.Path, count)
	}
	if !c.Appended {
		if len(c.Added) > 0 {
			fmt.Fprintf(&b, "  added:   %s\n", strings.Join(profileNames(c.Added), ", "))
		}
		if len(c.Removed) > 0 {
			fmt.Fprintf(&b, "  removed: %s\n", strings.Join(profileNames(c.Removed), ", "))
		}
	}
	if c.Exists {
		fmt.Fprintf(&b, "the file as it was before is in %s (each run that changes the file replaces it)\n", c.BackupPath())
	}
	return b.String()
}

// sectionCount counts the block's profiles, and its sso-session sections
// when it has any: an sso-session is no profile --profile can name.
func sectionCount(sections []string) string {
	sessions := 0
	for _, s := range sections {
		if strings.HasPrefix(s, "sso-session ") {
			sessions++
		}
	}
	count := fmt.Sprintf("%d profile(s)", len(sections)-sessions)
	if sessions > 0 {
		count += fmt.Sprintf(", %d sso-session(s)", sessions)
	}
	return count
}

// profileNames turns section names ("profile alfie-qa") into the names
// --profile takes.
func profileNames(sections []string) []string {
	out := make([]string, len(sections))
	for i, s := range sections {
		out[i] = strings.TrimPrefix(s, "profile ")
	}
	return out
}
