package stackfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// ProjectFile is the project file inside a project directory.
func ProjectFile(projectDir string) string {
	return filepath.Join(projectDir, "Pulumi.yaml")
}

// Project reads the project name from Pulumi.yaml: the namespace of the
// project's own config keys ("<project>:organization").
func Project(projectDir string) (string, error) {
	data, err := os.ReadFile(ProjectFile(projectDir))
	if errors.Is(err, fs.ErrNotExist) {
		// The offline command reads the current directory unless told
		// otherwise: run elsewhere, it lands here.
		return "", fmt.Errorf("no Pulumi.yaml in %s, so it is not the project directory: run the command there, or name that directory with --dir", displayDir(projectDir))
	}
	if err != nil {
		return "", fmt.Errorf("reading project file: %w", err)
	}
	var file struct {
		Name string `yaml:"name"`
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		return "", fmt.Errorf("parsing Pulumi.yaml: %w", err)
	}
	if file.Name == "" {
		return "", errors.New("no project name (name:) in Pulumi.yaml")
	}
	return file.Name, nil
}
