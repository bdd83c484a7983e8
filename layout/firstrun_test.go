package layout

import (
	"errors"
	"strings"
	"testing"

	"iam-layout/stackfile"
)

// stackOrganization is the organization of a stack file's text, as the
// engine hands it to the program.
func stackOrganization(t *testing.T, text string) []byte {
	t.Helper()
	cfg, err := stackfile.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := cfg[configKey]
	if !ok {
		t.Fatalf("no %s in:\n%s", configKey, text)
	}
	return []byte(raw)
}

// problemsAt returns the messages of the problems Load reports at path.
func problemsAt(t *testing.T, raw []byte, path string) []string {
	t.Helper()
	_, err := Load(raw)
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("Load(%s) = %v, want a *ConfigError", raw, err)
	}
	var out []string
	for _, p := range ce.Problems {
		if p.Path == path {
			out = append(out, p.Message)
		}
	}
	return out
}

// TestUnquotedAccountIDsAreToldTheirQuotedForm writes account IDs unquoted
// in real YAML: each is reported once, at its path, with the quoted 12-digit
// form to write (undoing YAML's dropped zeros and octal reading), and no
// "is required" follows for the same key.
func TestUnquotedAccountIDsAreToldTheirQuotedForm(t *testing.T) {
	t.Parallel()
	const stack = `config:
  iam-layout:organization:
    masterAccountId: MASTER
    accounts:
      qa: {id: QA}
    roles:
      AuditorAccess: {accounts: [qa], externalId: auditor-7f3a, trustedAccounts: [TRUSTED]}
`
	cases := map[string]struct {
		placeholder, value, path, want string
	}{
		"leading zero dropped": {
			"MASTER", "012345678901", "masterAccountId",
			`must be a quoted string of 12 digits, got the number 12345678901 (unquoted, YAML reads an ID as a number and drops its leading zeros): write "012345678901" in quotes`,
		},
		"no leading zero": {
			"QA", "234567890123", "accounts.qa.id",
			`must be a quoted string of 12 digits, got the number 234567890123 (unquoted, YAML reads an ID as a number): write "234567890123" in quotes`,
		},
		"read as octal": {
			"QA", "000000000777", "accounts.qa.id",
			`must be a quoted string of 12 digits, got the number 511 (unquoted, YAML reads a 0 followed only by digits 0-7 as an octal number): write "000000000777" in quotes`,
		},
		"octal or decimal": {
			"MASTER", "000000001234", "masterAccountId",
			`must be a quoted string of 12 digits, got the number 668 (unquoted, YAML reads an ID as a number, dropping its leading zeros, and reads a 0 followed only by digits 0-7 as octal): write "000000001234" or "000000000668" in quotes, whichever you meant`,
		},
		"too long to be an ID": {
			"QA", "1234567890123", "accounts.qa.id",
			`must be a quoted string of 12 digits, got the number 1234567890123 (unquoted, YAML reads an ID as a number): write the 12-digit ID in quotes`,
		},
		"third-party account": {
			"TRUSTED", "000000000089", "roles.AuditorAccess.trustedAccounts[0]",
			`must be a quoted string of 12 digits, got the number 89 (unquoted, YAML reads an ID as a number, dropping its leading zeros, and reads a 0 followed only by digits 0-7 as octal): write "000000000131" or "000000000089" in quotes, whichever you meant`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// The case's placeholder first: a Replacer takes the first match.
			text := strings.NewReplacer(tc.placeholder, tc.value,
				"MASTER", `"012345678901"`, "QA", `"234567890123"`, "TRUSTED", `"123456789012"`).Replace(stack)
			got := problemsAt(t, stackOrganization(t, text), tc.path)
			if len(got) != 1 || got[0] != tc.want {
				t.Errorf("problems at %s:\n%q\nwant exactly:\n%q", tc.path, got, tc.want)
			}
		})
	}
}

// TestATypeErrorIsNotFollowedByIsRequired covers every required key: a value
// of the wrong type is the one problem reported there.
func TestATypeErrorIsNotFollowedByIsRequired(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ yaml, path string }{
		"master account as a list": {`masterAccountId: [012345678901]`, "masterAccountId"},
		"account ID as a mapping":  {`accounts: {qa: {id: {value: "234567890123"}}}`, "accounts.qa.id"},
		"role accounts as a string": {
			`roles: {ReadOnly: {accounts: qa}}`, "roles.ReadOnly.accounts",
		},
		"group roles as a number": {`groups: {readers: {roles: 5}}`, "groups.readers.roles"},
		"user groups as a string": {`users: {alice: {groups: readers}}`, "users.alice.groups"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			text := "config:\n  iam-layout:organization:\n    " + tc.yaml + "\n"
			if got := problemsAt(t, stackOrganization(t, text), tc.path); len(got) != 1 || !strings.Contains(got[0], "must be") {
				t.Errorf("problems at %s = %q, want one type error", tc.path, got)
			}
		})
	}
	// An element of the wrong type in a required list is enough too.
	text := "config:\n  iam-layout:organization:\n    roles: {ReadOnly: {accounts: [5]}}\n"
	if got := problemsAt(t, stackOrganization(t, text), "roles.ReadOnly.accounts"); len(got) != 0 {
		t.Errorf("roles.ReadOnly.accounts: %q after the type error at [0]", got)
	}
}

// TestAnOrganizationThatIsNotAMappingIsShownTheShape: a scalar, as YAML
// hands it to the program, is told to be a mapping and shown one; only
// broken JSON is called invalid JSON.
func TestAnOrganizationThatIsNotAMappingIsShownTheShape(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		raw  []byte
		want string
	}{
		"text in YAML": {
			stackOrganization(t, "config:\n  iam-layout:organization: \"some text\"\n"),
			`must be a mapping of keys, got the text "some text"; write it in Pulumi.<stack>.yaml like this`,
		},
		"number in YAML": {stackOrganization(t, "config:\n  iam-layout:organization: 42\n"), "must be a mapping of keys, got a number 42;"},
		"list in YAML":   {stackOrganization(t, "config:\n  iam-layout:organization: [a, b]\n"), "must be a mapping of keys, got a list;"},
		"JSON string":    {[]byte(`"masterAccountId: 012345678901"`), `must be a mapping of keys, got the text "masterAccountId: 012345678901";`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := problemsAt(t, tc.raw, "")
			if len(got) != 1 || !strings.HasPrefix(got[0], tc.want) || !strings.HasSuffix(got[0], mappingShape) {
				t.Errorf("problems = %q\nwant one starting %q and ending with the shape", got, tc.want)
			}
			if strings.Contains(got[0], "JSON") {
				t.Errorf("the message speaks of JSON, which the person did not write: %q", got[0])
			}
		})
	}
	if got := problemsAt(t, []byte(`{"masterAccountId":`), ""); len(got) != 1 || !strings.HasPrefix(got[0], "is not valid JSON") {
		t.Errorf("broken JSON: %q", got)
	}
}

// TestTheShapeShownIsAValidOrganization loads the shape the message shows,
// as a person pasting it into a stack file would.
func TestTheShapeShownIsAValidOrganization(t *testing.T) {
	t.Parallel()
	text := "config:\n" + strings.ReplaceAll(mappingShape, "\n      ", "\n  ")
	raw := stackOrganization(t, text)
	if _, err := Load(raw); err != nil {
		t.Fatalf("the shape does not load: %v\n%s", err, text)
	}
	org, _ := compileSchemas(t)
	if err := org.Validate(unmarshalInstance(t, string(raw))); err != nil {
		t.Errorf("the shape does not validate: %v", err)
	}
}

// TestARootStackNeedsNoAccount: the root stack of a split organization holds
// groups and people only; a layout declaring nothing at all is refused.
func TestARootStackNeedsNoAccount(t *testing.T) {
	t.Parallel()
	root := `{"masterAccountId":"012345678901","groups":{"sandboxes":{"grantedElsewhere":true}},"users":{"alice":{"groups":["sandboxes"]}}}`
	l, err := Load([]byte(root))
	if err != nil {
		t.Fatalf("root stack refused: %v", err)
	}
	if len(l.Accounts) != 0 || len(l.Roles) != 0 || len(l.Groups) != 1 || len(l.Users) != 1 || len(l.Groups[0].Members) != 1 {
		t.Errorf("root layout = %d accounts, %d roles, %d groups, %d users", len(l.Accounts), len(l.Roles), len(l.Groups), len(l.Users))
	}

	nothing := problemsAt(t, []byte(`{"masterAccountId":"012345678901"}`), "")
	if len(nothing) != 1 || !strings.HasPrefix(nothing[0], "declares nothing to lay out") {
		t.Errorf("empty layout: %q", nothing)
	}
	// A key of the wrong type is reported as such, not as "nothing".
	if got := problemsAt(t, []byte(`{"masterAccountId":"012345678901","accounts":[]}`), ""); len(got) != 0 {
		t.Errorf("accounts given as a list also reported %q", got)
	}
}
