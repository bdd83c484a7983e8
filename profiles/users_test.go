package profiles

import (
	"math/rand"
	"testing"

	"iam-layout/layout"
	"iam-layout/synthetic"
)

// TestUserRendererMatchesTheReferenceRendering holds the fast per-user
// renderer to the plain one (configFile and commands over UserProfiles) on
// random layouts with every option, and on a regular one.
func TestUserRendererMatchesTheReferenceRendering(t *testing.T) {
	t.Parallel()
	specs := []*layout.Spec{synthetic.Organization(synthetic.Options{Accounts: 20, Groups: 5, Users: 30})}
	for seed := int64(0); seed < 200; seed++ {
		s := synthetic.Random(rand.New(rand.NewSource(seed)))
		s.Profiles.DurationSeconds = []int{0, 900, 43200}[seed%3]
		if seed%4 == 0 {
			s.Profiles.CredentialSource = "Environment"
		}
		specs = append(specs, s)
	}
	for i, spec := range specs {
		l, err := layout.Resolve(spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, region := range []string{"", "eu-west-1"} {
			rd := newUserRenderer(l, region)
			for _, u := range l.Users {
				if got, want := rd.config(u), configFile(userHeader(l, u), UserProfiles(l, u, region)); got != want {
					t.Fatalf("layout %d, user %s: config differs\n got:\n%s\nwant:\n%s", i, u.Name, got, want)
				}
				if got, want := rd.commands(u), commands(userHeader(l, u), UserProfiles(l, u, region)); got != want {
					t.Fatalf("layout %d, user %s: commands differ\n got:\n%s\nwant:\n%s", i, u.Name, got, want)
				}
			}
		}
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"arn:aws:iam::012345678901:mfa/alice": "arn:aws:iam::012345678901:mfa/alice",
		"profile.alfie-qa.role_arn":           "profile.alfie-qa.role_arn",
		"":                                    "''",
		"it's $HOME":                          `'it'\''s $HOME'`,
		"a b":                                 "'a b'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
