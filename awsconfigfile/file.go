package awsconfigfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// BackupSuffix names the backup: FILE + BackupSuffix holds FILE as it was
// before the last run that changed it. Each such run overwrites it; runs
// that change nothing leave it alone.
const BackupSuffix = ".iam-layout-backup"

// NewFileMode is the mode of a config file the writer creates: it may hold
// role ARNs and account IDs, which are nobody else's business (the AWS CLI
// creates its files 0600 too).
const NewFileMode fs.FileMode = 0o600

// EnvConfigFile is the variable the AWS CLI and SDKs read the config file's
// path from.
const EnvConfigFile = "AWS_CONFIG_FILE"

// DefaultPath is the config file the AWS CLI reads: $AWS_CONFIG_FILE when
// set, else ~/.aws/config. Writing anywhere else would leave the CLI reading
// a file without the profiles.
func DefaultPath() (string, error) {
	return defaultPath(os.Getenv, os.UserHomeDir)
}

func defaultPath(getenv func(string) string, home func() (string, error)) (string, error) {
	if p := getenv(EnvConfigFile); p != "" {
		return ExpandHome(p, home)
	}
	h, err := home()
	if err != nil {
		return "", fmt.Errorf("finding ~/.aws/config: %w", err)
	}
	return filepath.Join(h, ".aws", "config"), nil
}

// ExpandHome replaces a leading "~/" by the home directory, as the AWS CLI
// does for AWS_CONFIG_FILE (and as a shell would not for --write=~/...).
func ExpandHome(path string, home func() (string, error)) (string, error) {
	rest, ok := strings.CutPrefix(path, "~/")
	if !ok && path != "~" {
		return path, nil
	}
	h, err := home()
	if err != nil {
		return "", fmt.Errorf("expanding %s: %w", path, err)
	}
	return filepath.Join(h, rest), nil
}

// Change is a planned update of one file: what Update makes of it, not yet
// written.
type Change struct {
	// Path is the file to write: the path given, or the file a symbolic
	// link there points to (a dotfiles manager's link stays a link).
	Path string
	// Exists says the file exists; Old is its contents and Mode its
	// permissions (NewFileMode for a new file).
	Exists bool
	Old    []byte
	Mode   fs.FileMode
	*Result
}

// Prepare reads path (a missing file is empty) and plans writing b into it.
// It writes nothing: Diff shows the change, Apply makes it.
func Prepare(path string, b Block) (*Change, error) {
	c := &Change{Path: path, Mode: NewFileMode}
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		c.Path = resolved
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("resolving %s: %w", path, err)
	}
	info, err := os.Stat(c.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", c.Path, err)
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file", c.Path)
	default:
		c.Exists, c.Mode = true, info.Mode().Perm()
		if c.Old, err = os.ReadFile(c.Path); err != nil {
			return nil, fmt.Errorf("reading %s: %w", c.Path, err)
		}
	}
	if c.Result, err = Update(c.Old, b); err != nil {
		return nil, fmt.Errorf("%s: %w", c.Path, err)
	}
	return c, nil
}

// Diff is the change as a unified diff ("" when there is none).
func (c *Change) Diff() string {
	old := c.Path
	if !c.Exists {
		old = "/dev/null"
	}
	return Unified(old, c.Path, c.Old, c.Contents)
}

// BackupPath is where Apply keeps the file's previous contents.
func (c *Change) BackupPath() string {
	return c.Path + BackupSuffix
}

// Apply writes the change, if there is one: first the backup of the old
// file (when it exists), then the new file, each through a temporary file in
// the same directory renamed over the target, so a crash or a full disk
// leaves either the old file or the new one, never half of one. The new
// file keeps the old one's permissions. It refuses when the file changed
// since Prepare read it, rather than lose that change.
func (c *Change) Apply() error {
	if !c.Changed {
		return nil
	}
	dir := filepath.Dir(c.Path)
	if !c.Exists {
		// ~/.aws may not exist yet; the CLI makes it private too.
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("creating %s: %w", dir, err)
		}
	} else {
		if err := writeAtomic(c.BackupPath(), c.Old, c.Mode); err != nil {
			return fmt.Errorf("backing up %s: %w", c.Path, err)
		}
	}
	now, err := os.ReadFile(c.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !c.Exists:
	case err != nil:
		return fmt.Errorf("re-reading %s: %w", c.Path, err)
	case !bytes.Equal(now, c.Old):
		return fmt.Errorf("%s changed while it was being updated: run again", c.Path)
	}
	if err := writeAtomic(c.Path, c.Contents, c.Mode); err != nil {
		return fmt.Errorf("writing %s: %w", c.Path, err)
	}
	return nil
}

// writeAtomic replaces path by data with the given permissions.
func writeAtomic(path string, data []byte, mode fs.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Chmod(mode); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The rename is durable once the directory is synced; not every file
	// system supports that, and the data is already safe either way.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
