package stackfile

import (
	"strings"
	"testing"
)

func TestParseGivesStructuredValuesAsJSONAndScalarsAsText(t *testing.T) {
	t.Parallel()
	cfg, err := Parse([]byte(`
config:
  aws:region: us-east-1
  aws:skipCredentialsValidation: true
  p:org:
    quoted: "012345678901"
    unquoted: 345678901234
    list: [a, b]
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg["aws:region"] != "us-east-1" || cfg["aws:skipCredentialsValidation"] != "true" {
		t.Errorf("scalars = %q %q", cfg["aws:region"], cfg["aws:skipCredentialsValidation"])
	}
	if want := `{"list":["a","b"],"quoted":"012345678901","unquoted":345678901234}`; cfg["p:org"] != want {
		t.Errorf("object = %s, want %s", cfg["p:org"], want)
	}
}

func TestParseRefusesEncryptedSecrets(t *testing.T) {
	t.Parallel()
	_, err := Parse([]byte("config:\n  aws:secretKey:\n    secure: AAABAx==\n"))
	if err == nil || !strings.Contains(err.Error(), "aws:secretKey: holds an encrypted secret") {
		t.Fatalf("err = %v", err)
	}
}

func TestReadNamesTheMissingFile(t *testing.T) {
	t.Parallel()
	_, err := Read(t.TempDir(), "nope")
	if err == nil || !strings.Contains(err.Error(), "Pulumi.nope.yaml") {
		t.Fatalf("err = %v", err)
	}
}

func TestDocumentKeepsYAMLTypes(t *testing.T) {
	t.Parallel()
	out, err := Document([]byte("# yaml-language-server: $schema=./schema/stack.schema.json\nconfig:\n  aws:region: us-east-1\n  p:org:\n    id: 012345678901\n    on: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"config":{"aws:region":"us-east-1","p:org":{"id":12345678901,"on":true}}}`; string(out) != want {
		t.Errorf("document = %s, want %s", out, want)
	}
}
