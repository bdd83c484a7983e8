package layout_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"iam-layout/layout"
	"iam-layout/policies"
	"iam-layout/policycheck"
	"iam-layout/stackfile"
)

// FuzzLoad feeds arbitrary bytes to the config loader and validator. For
// every input: no panic; a rejection is a *layout.ConfigError whose every
// problem names a field; an accepted config yields documents that either
// fail a quota cleanly or pass the policy checker.
func FuzzLoad(f *testing.F) {
	for _, stack := range []string{"dev", "ci"} {
		if cfg, err := stackfile.Read("..", stack); err == nil {
			f.Add([]byte(cfg["iam-layout:organization"]))
		}
	}
	f.Add([]byte(`{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111"}},"roles":{"R":{"accounts":["a"],"destructive":true}},"groups":{"g":{"roles":["R","a/R"]}},"users":{"u":{"groups":["g"]}}}`))
	f.Add([]byte(`{"masterAccountId":12345678901,"accounts":{"a":{"id":"1"},"a":{}}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := layout.Load(data)
		if err != nil {
			var ce *layout.ConfigError
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("rejection is not a ConfigError with problems: %v", err)
			}
			for _, p := range ce.Problems {
				field, msg, ok := strings.Cut(p.String(), ": ")
				if !ok || field == "" || msg == "" {
					t.Fatalf("problem does not name a field: %q", p.String())
				}
			}
			return
		}
		docs, err := policies.Build(l)
		if err != nil {
			var ce *layout.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("document build failed without a ConfigError: %v", err)
			}
			return
		}
		if _, err := policycheck.Check(l, docs); err != nil {
			t.Fatalf("an accepted config produced documents that break the rules: %v", err)
		}
	})
}

func TestHostileValuesGetClearErrors(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("A", 10<<20)
	cases := map[string]struct {
		text string
		want []string
	}{
		"ten megabyte string": {
			text: `{"masterAccountId":"012345678901","accounts":{"a":{"id":"` + big + `"}}}`,
			want: []string{"organization: is 10485", "this program reads at most 4194304"},
		},
		"wildcards in names and references": {
			text: `{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111"}},
			  "roles":{"Admin*":{"accounts":["*"]}},"groups":{"g*":{"roles":["*"]}},"users":{"*":{"groups":["g*"]}}}`,
			want: []string{
				`roles."Admin*": role name "Admin*" may only hold`,
				`roles."Admin*".accounts: unknown account "*"`,
				`groups."g*": group name "g*" may only hold`,
				`groups."g*".roles[0]: unknown role "*"`,
				`users."*": user name "*" may only hold`,
			},
		},
		"other partitions": {
			text: `{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111"}},
			  "roles":{"R":{"accounts":["a"],"managedPolicyArns":["arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"],"permissionsBoundary":"arn:aws-cn:iam::111111111111:policy/B"}}}`,
			want: []string{`is in partition "aws-us-gov" but the organization is in "aws"`, `is in partition "aws-cn"`},
		},
		"long value is clipped in the message": {
			text: `{"masterAccountId":"012345678901","accounts":{"a":{"id":"111111111111","region":"` + strings.Repeat("x", 100000) + `"}}}`,
			want: []string{`accounts.a.region: "xxxxxxxx`, `... (100000 bytes)" is not an AWS region`},
		},
		"duplicate and unknown top-level keys": {
			text: `{"masterAccountId":"012345678901","masterAccountId":"012345678901","acounts":{}}`,
			want: []string{"masterAccountId: is given more than once", `acounts: unknown key (did you mean "accounts"?)`},
		},
		"not JSON at all": {
			text: `{"masterAccountId":`,
			want: []string{"organization: is not valid JSON"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := layout.Load([]byte(tc.text))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%.2000s", w, err)
				}
			}
			if len(err.Error()) > 4000 {
				t.Errorf("error is %d bytes: hostile values must not be echoed whole", len(err.Error()))
			}
		})
	}
}

// TestFuzzCorpusIsCommitted keeps the seed corpus in the repository, where
// CI's short fuzz pass starts from it.
func TestFuzzCorpusIsCommitted(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir("testdata/fuzz/FuzzLoad")
	if err != nil || len(entries) < 5 {
		t.Fatalf("seed corpus: %d entries, err %v", len(entries), err)
	}
}
