// Package stackfile reads a Pulumi.<stack>.yaml the way the Pulumi engine
// hands it to a program: a flat map of "namespace:key" to string, where
// structured values (objects, lists) are JSON text. Tests and the offline
// command use it to see exactly what `pulumi up` would see.
package stackfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Path is the file of a stack inside a project directory.
func Path(projectDir, stack string) string {
	return filepath.Join(projectDir, "Pulumi."+stack+".yaml")
}

// Read loads the config of a stack from its file. A missing file is an
// error that lists the stacks the directory has, since the usual cause is a
// misspelt stack name.
func Read(projectDir, stack string) (map[string]string, error) {
	path := Path(projectDir, stack)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		there := "no Pulumi.<stack>.yaml there at all"
		if stacks, _ := Stacks(projectDir); len(stacks) > 0 {
			there = "stacks there: " + strings.Join(stacks, ", ")
		}
		return nil, fmt.Errorf("no stack file %s in %s (%s)", filepath.Base(path), displayDir(projectDir), there)
	}
	if err != nil {
		return nil, fmt.Errorf("reading stack file: %w", err)
	}
	cfg, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("reading stack file %s: %w", filepath.Base(path), err)
	}
	return cfg, nil
}

// Stacks are the names of the stacks whose files are in projectDir, sorted.
func Stacks(projectDir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(projectDir, "Pulumi.*.yaml"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, p := range paths {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "Pulumi."), ".yaml")
		if name != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// displayDir is a directory as a person can find it: absolute, since "."
// says nothing about where the command ran.
func displayDir(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// Parse converts the text of a stack file into engine config.
func Parse(data []byte) (map[string]string, error) {
	var file struct {
		Config map[string]yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("parsing YAML: %w%s", err, tabHint(data, err))
	}
	out := make(map[string]string, len(file.Config))
	for key, node := range file.Config {
		value, err := engineValue(&node)
		if err != nil {
			return nil, fmt.Errorf("config key %s: %w", key, err)
		}
		out[key] = value
	}
	return out, nil
}

// engineValue renders one value: scalars as their text, everything else as
// JSON with YAML's types (so an unquoted 012345678901 arrives as a number,
// as it does under the engine).
func engineValue(node *yaml.Node) (string, error) {
	if node.Kind == yaml.ScalarNode {
		return node.Value, nil
	}
	if node.Kind == yaml.MappingNode && isSecure(node) {
		return "", fmt.Errorf("holds an encrypted secret, which this reader cannot decrypt")
	}
	var v any
	if err := node.Decode(&v); err != nil {
		return "", err
	}
	out, err := json.Marshal(normalise(v))
	if err != nil {
		return "", err
	}
	return string(out), nil
}

func isSecure(node *yaml.Node) bool {
	return len(node.Content) == 2 && node.Content[0].Value == "secure"
}

// normalise turns YAML's map[string]any / []any / ints into JSON-encodable
// values.
func normalise(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = normalise(e)
		}
		return t
	case []any:
		for i, e := range t {
			t[i] = normalise(e)
		}
		return t
	case int:
		return json.Number(strconv.Itoa(t))
	default:
		return t
	}
}
