package awsconfigfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

// write plans and applies one block.
func write(t *testing.T, path, content string) *Change {
	t.Helper()
	c, err := Prepare(path, Block{ID: id, Content: content})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(); err != nil {
		t.Fatal(err)
	}
	return c
}

// onlyFiles fails unless dir holds exactly the named files: no temporary
// file is left behind.
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

func TestANewFileIsPrivateInAPrivateDirectory(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	path := filepath.Join(home, ".aws", "config")
	c := write(t, path, twoProfiles)
	if !c.Changed || c.Exists {
		t.Errorf("changed %v exists %v, want a change to a new file", c.Changed, c.Exists)
	}
	if got := readFile(t, path); got != blockText(id, twoProfiles, "\n") {
		t.Errorf("file:\n%s", got)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("mode %v, want 0600", m)
	}
	if m := mode(t, filepath.Dir(path)); m != 0o700 {
		t.Errorf("~/.aws mode %v, want 0700", m)
	}
	onlyFiles(t, filepath.Dir(path), "config") // no backup of nothing
}

func TestAnExistingFileKeepsItsModeAndIsBackedUpOnEveryChange(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte(personal), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil { // whatever the umask
		t.Fatal(err)
	}
	first := write(t, path, twoProfiles)
	backup := path + BackupSuffix
	if first.BackupPath() != backup {
		t.Errorf("backup path %s, want %s", first.BackupPath(), backup)
	}
	if got := readFile(t, backup); got != personal {
		t.Errorf("backup holds:\n%s\nwant the file before the run", got)
	}
	if m := mode(t, path); m != 0o640 {
		t.Errorf("mode %v, want the original 0640", m)
	}
	if m := mode(t, backup); m != 0o640 {
		t.Errorf("backup mode %v, want the original's 0640", m)
	}
	afterFirst := readFile(t, path)

	// Nothing to change: nothing written, the backup still holds the file
	// before the first run.
	again := write(t, path, twoProfiles)
	if again.Changed || readFile(t, path) != afterFirst || readFile(t, backup) != personal {
		t.Errorf("an unchanged run wrote something (changed %v)", again.Changed)
	}

	// A change: the backup now holds the file before this run.
	write(t, path, changedProfiles)
	if got := readFile(t, backup); got != afterFirst {
		t.Errorf("backup holds:\n%s\nwant the file before the second change", got)
	}
	if got, want := readFile(t, path), personal+"\n"+blockText(id, changedProfiles, "\n"); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	onlyFiles(t, dir, "config", "config"+BackupSuffix)
}

func TestASymlinkedConfigStaysALink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dotfiles := filepath.Join(dir, "dotfiles")
	if err := os.Mkdir(dotfiles, 0o700); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dotfiles, "aws-config")
	if err := os.WriteFile(target, []byte(personal), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "config")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	c := write(t, link, twoProfiles)
	if info, err := os.Lstat(link); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("config is no longer a symbolic link (%v)", err)
	}
	if got := readFile(t, target); got != personal+"\n"+blockText(id, twoProfiles, "\n") {
		t.Errorf("link target:\n%s", got)
	}
	if c.BackupPath() != target+BackupSuffix || readFile(t, target+BackupSuffix) != personal {
		t.Errorf("backup at %s, want next to the link's target", c.BackupPath())
	}
}

func TestApplyRefusesAFileChangedSinceItWasRead(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(personal), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Prepare(path, Block{ID: id, Content: twoProfiles})
	if err != nil {
		t.Fatal(err)
	}
	edited := personal + "[profile added-meanwhile]\n"
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(); err == nil || !strings.Contains(err.Error(), "changed while it was being updated") {
		t.Fatalf("err = %v, want a refusal", err)
	}
	if got := readFile(t, path); got != edited {
		t.Errorf("the other writer's change was lost:\n%s", got)
	}
}

func TestPrepareWritesNothingAndReportsRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	conflicting := personal + "[profile alfie-qa]\n"
	if err := os.WriteFile(path, []byte(conflicting), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Prepare(path, Block{ID: id, Content: twoProfiles})
	var ce *ConflictError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v, want a ConflictError naming the file", err)
	}
	if err := os.WriteFile(path, []byte(personal), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Prepare(path, Block{ID: id, Content: twoProfiles})
	if err != nil {
		t.Fatal(err)
	}
	if d := c.Diff(); !strings.HasPrefix(d, "--- "+path+"\n+++ "+path+"\n") || !strings.Contains(d, "+[profile alfie-qa]\n") {
		t.Errorf("diff:\n%s", d)
	}
	if readFile(t, path) != personal {
		t.Error("Prepare wrote the file")
	}
	onlyFiles(t, dir, "config")

	missing, err := Prepare(filepath.Join(dir, "none", "config"), Block{ID: id, Content: twoProfiles})
	if err != nil {
		t.Fatal(err)
	}
	if d := missing.Diff(); !strings.HasPrefix(d, "--- /dev/null\n") {
		t.Errorf("diff of a new file:\n%s", d)
	}
	if _, err := Prepare(dir, Block{ID: id, Content: twoProfiles}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory: err = %v", err)
	}
}

func TestDefaultPathIsWhereTheCLIReads(t *testing.T) {
	t.Parallel()
	home := func() (string, error) { return "/home/alice", nil }
	noHome := func() (string, error) { return "", errors.New("$HOME is not defined") }
	cases := map[string]struct {
		env  string
		home func() (string, error)
		want string
	}{
		"unset":             {"", home, "/home/alice/.aws/config"},
		"AWS_CONFIG_FILE":   {"/etc/aws/config", noHome, "/etc/aws/config"},
		"~ in the variable": {"~/work/aws-config", home, "/home/alice/work/aws-config"},
		"no home":           {"", noHome, ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			getenv := func(k string) string {
				if k == EnvConfigFile {
					return tc.env
				}
				return ""
			}
			got, err := defaultPath(getenv, tc.home)
			if got != tc.want || (err != nil) != (tc.want == "") {
				t.Errorf("path %q, err %v; want %q", got, err, tc.want)
			}
		})
	}
}
