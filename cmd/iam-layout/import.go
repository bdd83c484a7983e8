package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"iam-layout/cli"
)

// importPackage is the import command's own main package.
const importPackage = "iam-layout/cmd/iam-layout-import"

// runImport builds the import command into binDir (go build leaves an
// up-to-date binary alone, so only the first run, or one after a change,
// compiles) and runs it with args, passing its exit code on. It builds with
// the Go toolchain rather than linking package adopt into this binary: the
// Pulumi SDK adopt needs is most of a fresh machine's first `go run`.
func runImport(args []string, stdin io.Reader, stdout, stderr io.Writer, binDir string) int {
	name := "iam-layout-import"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	bin := filepath.Join(binDir, name)
	if _, err := os.Stat(bin); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "iam-layout import: building the import command first (it links the Pulumi SDK: a minute or two on a fresh machine, once)\n")
	}
	build := exec.Command("go", "build", "-o", bin, importPackage)
	build.Dir = moduleDir()
	build.Stdout, build.Stderr = stderr, stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(stderr, "iam-layout import: building %s in %s: %v (go run ./cmd/iam-layout-import in the project's source runs it directly)\n", importPackage, build.Dir, err)
		return cli.ExitError
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	case err != nil:
		fmt.Fprintf(stderr, "iam-layout import: running %s: %v\n", bin, err)
		return cli.ExitError
	}
	return cli.ExitOK
}

// moduleDir is the source of this module: where this file was compiled
// from when that still holds the module (always so under go run), else the
// working directory, which go build searches upwards for go.mod.
func moduleDir() string {
	if _, file, _, ok := runtime.Caller(0); ok {
		dir := filepath.Dir(filepath.Dir(filepath.Dir(file)))
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
	}
	return "."
}

// importBinDir is where the import command's binary is kept: the user's
// cache, one directory per source tree, so two checkouts (worktrees) never
// build over each other's binary.
func importBinDir() string {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	src, err := filepath.Abs(moduleDir())
	if err != nil {
		src = moduleDir()
	}
	sum := sha256.Sum256([]byte(src))
	return filepath.Join(base, "iam-layout", hex.EncodeToString(sum[:6]))
}
