package layout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// JSONSchemaDraft is the JSON Schema dialect of the generated schemas.
// Draft-07 rather than 2020-12: yaml-language-server (VS Code's YAML
// extension, and the editors built on it) supports draft-07 and earlier,
// and the schemas need nothing later drafts added.
const JSONSchemaDraft = "http://json-schema.org/draft-07/schema#"

// The patterns of a few value kinds, matching what the decoder accepts.
var (
	// integerStringPattern is a whole number written as a string.
	integerStringPattern = `^\s*[-+]?[0-9]+\s*$`
	// booleanStringPattern is what strconv.ParseBool accepts.
	booleanStringPattern = `^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$`
	// policyVersion is the only Version IAM accepts for a policy document.
	policyVersion = "2012-10-17"
)

// OrganizationSchema returns the JSON Schema (draft-07) of the value of
// `iam-layout:organization`, generated from the definition tree. Unknown keys
// are errors (additionalProperties: false) as they are for the loader;
// validation the schema cannot express (references between accounts, roles
// and groups, document sizes) stays with the loader.
func OrganizationSchema() ([]byte, error) {
	s := schemaOf(organizationKeys)
	s = append(jsonObject{
		{"$schema", JSONSchemaDraft},
		{"title", "iam-layout:organization"},
	}, s...)
	return marshalSchema(s)
}

// StackFileSchema returns the JSON Schema (draft-07) of a whole
// Pulumi.<stack>.yaml whose organization lives under configKey (e.g.
// "iam-layout:organization"): editors apply a schema to a whole file, and the
// organization sits under `config:`. The other keys of the project's
// namespace are refused (a misspelt key would be silently ignored by the
// engine); every other key, `aws:` settings included, is allowed.
func StackFileSchema(configKey string) ([]byte, error) {
	i := strings.LastIndex(configKey, ":")
	if i <= 0 {
		return nil, fmt.Errorf("config key %q has no namespace (want project:key)", configKey)
	}
	namespace := configKey[:i]
	s := jsonObject{
		{"$schema", JSONSchemaDraft},
		{"title", "Pulumi.<stack>.yaml of " + namespace},
		{"description", "A stack's configuration; " + configKey + " holds the organization."},
		{"type", "object"},
		{"required", []string{"config"}},
		{"properties", jsonObject{
			{"config", jsonObject{
				{"type", "object"},
				{"required", []string{configKey}},
				{"properties", jsonObject{
					{configKey, jsonObject{{"$ref", "#/definitions/organization"}}},
				}},
				{"propertyNames", jsonObject{
					{"anyOf", []any{
						jsonObject{{"not", jsonObject{{"pattern", "^" + regexp.QuoteMeta(namespace+":")}}}},
						jsonObject{{"enum", []string{configKey}}},
					}},
				}},
			}},
		}},
		{"definitions", jsonObject{
			{"organization", schemaOf(organizationKeys)},
		}},
	}
	return marshalSchema(s)
}

// schemaOf is the schema of one key's value.
func schemaOf(k *Key) jsonObject {
	var s jsonObject
	add := func(key string, value any) { s = append(s, jsonMember{key, value}) }
	if k.Description != "" {
		// Plain text: VS Code's markdownDescription would show the code
		// spans, but it is no JSON Schema keyword, and strict validators
		// (ajv's default mode) refuse a schema holding one.
		add("description", strings.ReplaceAll(k.Description, "`", ""))
	}
	switch k.Kind {
	case KindString:
		add("type", "string")
		stringBounds(k, add)
	case KindInteger:
		// A string of digits too: `pulumi config set --path` stores text.
		add("type", []string{"integer", "string"})
		add("pattern", integerStringPattern)
		if k.Max != 0 {
			add("minimum", k.Min)
			add("maximum", k.Max)
		}
	case KindBoolean:
		add("type", []string{"boolean", "string"})
		add("pattern", booleanStringPattern)
	case KindAccountID:
		add("type", "string")
		add("pattern", accountIDRE.String())
	case KindStrings, KindAccountIDs:
		item := jsonObject{{"type", "string"}, {"minLength", 1}}
		if k.Kind == KindAccountIDs {
			item = jsonObject{{"type", "string"}, {"pattern", accountIDRE.String()}}
		}
		stringBounds(k, func(key string, value any) { item = append(item, jsonMember{key, value}) })
		add("type", "array")
		add("items", item)
		add("uniqueItems", true)
		if k.MinItems > 0 {
			add("minItems", k.MinItems)
		}
		if k.MaxItems > 0 {
			add("maxItems", k.MaxItems)
		}
	case KindTags:
		// Numbers and booleans are read as text (`cost-centre: 42`).
		add("type", "object")
		add("propertyNames", jsonObject{{"minLength", 1}, {"maxLength", 128}})
		add("additionalProperties", jsonObject{{"type", []string{"string", "number", "boolean"}}, {"maxLength", 256}})
		if k.MaxEntries > 0 {
			add("maxProperties", k.MaxEntries)
		}
	case KindDocument:
		// An object, or a JSON string holding one; the loader checks the
		// statements.
		add("type", []string{"object", "string"})
		add("required", []string{"Version", "Statement"})
		add("properties", jsonObject{
			{"Version", jsonObject{{"enum", []string{policyVersion}}}},
			{"Statement", jsonObject{{"type", []string{"array", "object"}}}},
		})
	case KindObject:
		add("type", "object")
		props := jsonObject{}
		var required []string
		for _, c := range k.Keys {
			props = append(props, jsonMember{c.Name, schemaOf(c)})
			if c.Required {
				required = append(required, c.Name)
			}
		}
		add("properties", props)
		if len(required) > 0 {
			add("required", required)
		}
		add("additionalProperties", false)
	case KindMap:
		add("type", "object")
		names := jsonObject{}
		if k.NamePattern != "" {
			names = append(names, jsonMember{"pattern", k.NamePattern})
		}
		if k.NameMaxLength > 0 {
			names = append(names, jsonMember{"maxLength", k.NameMaxLength})
		}
		if len(names) > 0 {
			add("propertyNames", names)
		}
		add("additionalProperties", schemaOf(k.Entry))
	}
	if len(k.Enum) > 0 {
		add("enum", k.Enum)
	}
	if k.Default != nil {
		add("default", k.Default)
	}
	return s
}

// stringBounds adds a string's pattern and length bounds.
func stringBounds(k *Key, add func(string, any)) {
	if k.Pattern != "" {
		add("pattern", k.Pattern)
	}
	if k.MinLength > 0 {
		add("minLength", k.MinLength)
	}
	if k.MaxLength > 0 {
		add("maxLength", k.MaxLength)
	}
}

// jsonObject is a JSON object whose keys keep their order, so the generated
// schema reads like the reference (and diffs stay small when a key is added).
type jsonObject []jsonMember

type jsonMember struct {
	key   string
	value any
}

// MarshalJSON writes the members in order.
func (o jsonObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalPlain(m.key)
		if err != nil {
			return nil, err
		}
		v, err := marshalPlain(m.value)
		if err != nil {
			return nil, fmt.Errorf("encoding %s: %w", m.key, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalPlain encodes without escaping <, > and &: the schema is read by
// people and editors, not embedded in HTML.
func marshalPlain(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func marshalSchema(s jsonObject) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encoding the schema: %w", err)
	}
	return b.Bytes(), nil
}
