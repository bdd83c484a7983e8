// Package awsclitest runs the real AWS CLI in tests, offline: it reads the
// generated ~/.aws/config files as people's machines will. Tests that need
// it skip without it, except in CI (.ci/run sets IAM_LAYOUT_CI and installs
// Debian's awscli), where its absence is a failure.
package awsclitest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Path is Debian's AWS CLI, called by path: an older `aws` may come first on
// PATH.
const Path = "/usr/bin/aws"

// Require skips the test without the CLI, and fails it in CI.
func Require(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(Path); err != nil {
		if os.Getenv("IAM_LAYOUT_CI") != "" {
			t.Fatalf("%s is missing in CI: .ci/run installs it (apt-get install awscli)", Path)
		}
		t.Skipf("%s is not installed (apt-get install awscli)", Path)
	}
}

// Env is an environment of the test's own for a CLI reading configFile: no
// AWS_* variable of the machine (AWS_PROFILE would point elsewhere), no
// credentials, no instance metadata, HOME a directory without ~/.aws.
// Nothing the CLI runs with it touches the network.
func Env(home, configFile string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"LC_ALL=C.UTF-8",
		"AWS_CONFIG_FILE=" + configFile,
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "no-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}
}

// Configure runs `aws configure ARGS...` on configFile (HOME its directory)
// and returns its trimmed output and exit code 0, or its error output and
// exit code: a missing key exits 1, a missing profile 255.
func Configure(t testing.TB, configFile string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(Path, append([]string{"configure"}, args...)...)
	cmd.Env = Env(filepath.Dir(configFile), configFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return stderr.String(), exit.ExitCode()
	case err != nil:
		t.Fatalf("running aws configure %v: %v", args, err)
	}
	return strings.TrimSpace(string(out)), 0
}
