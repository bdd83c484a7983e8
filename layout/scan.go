package layout

import (
	"bytes"
	"encoding/json"
	"errors"
)

// splitObject returns the keys and raw values of a JSON object in document
// order. It expects text that json.Valid accepted (Load checks the whole
// configuration once), which lets it skip values by bracket counting instead
// of running encoding/json's token API, the slowest part of reading a large
// organization.
func splitObject(raw []byte) ([]entry, error) {
	b := bytes.TrimSpace(raw)
	if len(b) < 2 || b[0] != '{' {
		return nil, errors.New("not an object")
	}
	var out []entry
	i := 1
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return nil, errors.New("unterminated object")
		}
		if b[i] == '}' {
			return out, nil
		}
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		end, err := stringEnd(b, i)
		if err != nil {
			return nil, err
		}
		key, err := unquote(b[i:end])
		if err != nil {
			return nil, err
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, errors.New("expected ':'")
		}
		i = skipSpace(b, i+1)
		vend, err := valueEnd(b, i)
		if err != nil {
			return nil, err
		}
		out = append(out, entry{key: key, raw: json.RawMessage(b[i:vend])})
		i = vend
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index just past the string starting at b[i].
func stringEnd(b []byte, i int) (int, error) {
	if i >= len(b) || b[i] != '"' {
		return 0, errors.New("expected a string")
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, errors.New("unterminated string")
}

// valueEnd returns the index just past the value starting at b[i].
func valueEnd(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errors.New("expected a value")
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := stringEnd(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errors.New("unterminated value")
	default:
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\t' && b[j] != '\r' {
			j++
		}
		return j, nil
	}
}

// unquote decodes a JSON string, without encoding/json when it holds no
// escapes.
func unquote(q []byte) (string, error) {
	if len(q) >= 2 && bytes.IndexByte(q, '\\') < 0 {
		return string(q[1 : len(q)-1]), nil
	}
	var s string
	err := json.Unmarshal(q, &s)
	return s, err
}
