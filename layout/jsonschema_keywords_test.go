package layout

import (
	"encoding/json"
	"sort"
	"testing"
)

// draft07Keywords are the keywords of JSON Schema draft-07 (the validation
// and core vocabularies of json-schema.org/draft-07/schema). A strict
// validator, such as ajv in its default mode, refuses a schema with any
// other keyword.
var draft07Keywords = map[string]bool{
	"$schema": true, "$id": true, "$ref": true, "$comment": true,
	"title": true, "description": true, "default": true, "readOnly": true, "writeOnly": true, "examples": true,
	"multipleOf": true, "maximum": true, "exclusiveMaximum": true, "minimum": true, "exclusiveMinimum": true,
	"maxLength": true, "minLength": true, "pattern": true,
	"additionalItems": true, "items": true, "maxItems": true, "minItems": true, "uniqueItems": true, "contains": true,
	"maxProperties": true, "minProperties": true, "required": true, "additionalProperties": true,
	"definitions": true, "properties": true, "patternProperties": true, "dependencies": true, "propertyNames": true,
	"const": true, "enum": true, "type": true, "format": true, "contentMediaType": true, "contentEncoding": true,
	"if": true, "then": true, "else": true, "allOf": true, "anyOf": true, "oneOf": true, "not": true,
}

// unknownKeywords walks a schema and returns the path of each keyword
// draft-07 does not define. Only the values of keywords that hold schemas
// are walked: names under properties are property names, and enum or
// default values are data.
func unknownKeywords(path string, schema any) []string {
	obj, ok := schema.(map[string]any)
	if !ok {
		return nil // true/false schemas
	}
	var out []string
	for k, v := range obj {
		p := path + "/" + k
		switch k {
		case "properties", "patternProperties", "definitions", "dependencies":
			if m, ok := v.(map[string]any); ok {
				for name, sub := range m {
					out = append(out, unknownKeywords(p+"/"+name, sub)...)
				}
			}
		case "items", "allOf", "anyOf", "oneOf":
			if list, ok := v.([]any); ok {
				for _, sub := range list {
					out = append(out, unknownKeywords(p+"/[]", sub)...)
				}
			} else {
				out = append(out, unknownKeywords(p, v)...)
			}
		case "additionalProperties", "additionalItems", "contains", "propertyNames", "not", "if", "then", "else":
			out = append(out, unknownKeywords(p, v)...)
		default:
			if !draft07Keywords[k] {
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestTheSchemasHoldOnlyDraft07Keywords: both generated schemas declare
// draft-07 and use nothing else, so strict validators accept them
// (docs/configuration.md shows ajv's command line).
func TestTheSchemasHoldOnlyDraft07Keywords(t *testing.T) {
	t.Parallel()
	org, err := OrganizationSchema()
	if err != nil {
		t.Fatal(err)
	}
	stack, err := StackFileSchema("iam-layout:organization")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"organization": org, "stack": stack} {
		var schema map[string]any
		if err := json.Unmarshal(data, &schema); err != nil {
			t.Fatal(err)
		}
		if schema["$schema"] != JSONSchemaDraft || JSONSchemaDraft != "http://json-schema.org/draft-07/schema#" {
			t.Errorf("%s declares %v", name, schema["$schema"])
		}
		if bad := unknownKeywords("#", schema); len(bad) > 0 {
			t.Errorf("%s schema: keywords draft-07 does not define: %v", name, bad)
		}
	}
	// The walk finds what it is for.
	if bad := unknownKeywords("#", map[string]any{"properties": map[string]any{"a": map[string]any{"markdownDescription": "x"}}}); len(bad) != 1 || bad[0] != "#/properties/a/markdownDescription" {
		t.Errorf("the walk found %v in a schema with markdownDescription", bad)
	}
}
