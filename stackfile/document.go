package stackfile

import (
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Document returns a whole stack file as JSON, with YAML's own types, the
// way an editor's YAML language server sees it when it checks the file
// against the stack file schema (`iam-layout schema --format stack`).
func Document(data []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("parsing YAML: %w", err)
	}
	out, err := json.Marshal(normalise(v))
	if err != nil {
		return nil, fmt.Errorf("encoding the stack file as JSON: %w", err)
	}
	return out, nil
}
