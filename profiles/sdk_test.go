package profiles

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"iam-layout/layout"
)

// sdkProfile is what the AWS SDK for Go v2 reads from a profile, in the
// fields a role profile sets.
type sdkProfile struct {
	RoleARN, SourceProfile, CredentialSource, MFASerial, SessionName, ExternalID, Region string
	DurationSeconds                                                                      int
}

// loadWithSDK parses one profile of a config file with the SDK's own loader.
func loadWithSDK(t *testing.T, configFile, credentialsFile, name string) sdkProfile {
	t.Helper()
	c, err := config.LoadSharedConfigProfile(context.Background(), name, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles = []string{configFile}
		o.CredentialsFiles = []string{credentialsFile}
	})
	if err != nil {
		t.Fatalf("SDK cannot load profile %s: %v", name, err)
	}
	p := sdkProfile{
		RoleARN:          c.RoleARN,
		SourceProfile:    c.SourceProfileName,
		CredentialSource: c.CredentialSource,
		MFASerial:        c.MFASerial,
		SessionName:      c.RoleSessionName,
		ExternalID:       c.ExternalID,
		Region:           c.Region,
	}
	if c.RoleDurationSeconds != nil {
		p.DurationSeconds = int(*c.RoleDurationSeconds / time.Second)
	}
	return p
}

// expectedProfile is what the layout says a profile of r must hold, for u
// when u is not nil. It restates the rules from the configuration
// reference, independently of how Profile is built.
func expectedProfile(l *layout.Layout, r *layout.Role, stackRegion string, u *layout.User) sdkProfile {
	want := sdkProfile{RoleARN: r.ARN, ExternalID: r.ExternalID}
	if l.Profiles.CredentialSource != "" {
		want.CredentialSource = l.Profiles.CredentialSource
	} else {
		want.SourceProfile = l.Profiles.SourceProfile
	}
	if u != nil {
		want.SessionName = u.Name
		if r.RequireMFA || u.MFAEverywhere {
			want.MFASerial = u.MFASerial
		}
	}
	if d := l.Profiles.DurationSeconds; d != 0 {
		want.DurationSeconds = min(d, r.MaxSessionDuration)
	}
	for _, region := range []string{r.Account.Region, l.Profiles.Region, stackRegion} {
		if region != "" {
			want.Region = region
			break
		}
	}
	return want
}

// userRoles are the roles u may assume, found from the groups' side.
func userRoles(l *layout.Layout, u *layout.User) map[*layout.Role]bool {
	out := map[*layout.Role]bool{}
	for _, g := range l.Groups {
		for _, m := range g.Members {
			if m == u {
				for _, r := range g.Roles {
					out[r] = true
				}
			}
		}
	}
	return out
}

func TestEveryOrganizationProfileReadsBackThroughTheSDKAsTheLayoutSays(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			file := writeFile(t, dir, "config", AWSConfig(f.layout, f.stackRegion))
			creds := credentialsFile(t, dir, f.layout)
			for _, r := range f.layout.Roles {
				got := loadWithSDK(t, file, creds, r.ProfileName)
				if want := expectedProfile(f.layout, r, f.stackRegion, nil); got != want {
					t.Errorf("profile %s (%s):\n got %+v\nwant %+v", r.ProfileName, r.Key(), got, want)
				}
			}
		})
	}
}

func TestEveryUsersProfilesReadBackThroughTheSDKWithTheirMFAAndSessionName(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		for _, u := range f.layout.Users {
			t.Run(f.name+"/"+u.Name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				file := writeFile(t, dir, "config", AWSConfigForUser(f.layout, u, f.stackRegion))
				creds := credentialsFile(t, dir, f.layout)
				for r := range userRoles(f.layout, u) {
					got := loadWithSDK(t, file, creds, r.ProfileName)
					if want := expectedProfile(f.layout, r, f.stackRegion, u); got != want {
						t.Errorf("profile %s (%s):\n got %+v\nwant %+v", r.ProfileName, r.Key(), got, want)
					}
				}
			})
		}
	}
}

func TestUsersGetExactlyTheProfilesOfTheirGroupsRoles(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		for _, u := range f.layout.Users {
			t.Run(f.name+"/"+u.Name, func(t *testing.T) {
				t.Parallel()
				want := map[string]bool{}
				for r := range userRoles(f.layout, u) {
					want[r.ProfileName] = true
				}
				got := map[string]bool{}
				for _, p := range UserProfiles(f.layout, u, f.stackRegion) {
					if got[p.Name] {
						t.Errorf("profile %s appears twice", p.Name)
					}
					got[p.Name] = true
				}
				if len(got) != len(want) {
					t.Errorf("profiles = %v, want %v", got, want)
				}
				for name := range want {
					if !got[name] {
						t.Errorf("missing profile %s (have %v)", name, got)
					}
				}
			})
		}
	}
}

// The fallbacks above are restated from the rules; these are the literal
// values a reader of edgeOrganization expects.
func TestSessionLengthIsCappedAndRegionFallsBackAccountThenProfilesThenStack(t *testing.T) {
	t.Parallel()
	l := mustLoad(t, edgeOrganization)
	dev := devLayout(t)
	cases := map[string]struct {
		layout      *layout.Layout
		role        string
		stackRegion string
		duration    int
		region      string
	}{
		"ordinary role gets the configured 2 h":        {l, "prod/Deployer", "us-east-1", 7200, "eu-west-1"},
		"destructive role is capped at its 1 h":        {l, "prod/BreakGlass", "us-east-1", 3600, "eu-west-1"},
		"account region wins over profiles.region":     {l, "tools/Deployer", "us-east-1", 7200, "eu-central-1"},
		"no durationSeconds, no key; stack region":     {dev, "qa/AlfieDeployment", "us-east-1", 0, "us-east-1"},
		"no region anywhere, no key":                   {dev, "qa/AlfieDeployment", "", 0, ""},
		"capped role without destructive (requireMfa)": {l, "tools/Auditor", "", 3600, "eu-central-1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := role(t, tc.layout, tc.role)
			dir := t.TempDir()
			file := writeFile(t, dir, "config", AWSConfig(tc.layout, tc.stackRegion))
			got := loadWithSDK(t, file, credentialsFile(t, dir, tc.layout), r.ProfileName)
			if got.DurationSeconds != tc.duration || got.Region != tc.region {
				t.Errorf("duration_seconds = %d, region = %q; want %d, %q", got.DurationSeconds, got.Region, tc.duration, tc.region)
			}
		})
	}
}

func TestOrganizationFileLeavesMFAForThePersonToComplete(t *testing.T) {
	t.Parallel()
	dev := devLayout(t)
	edge := mustLoad(t, edgeOrganization)
	user(t, edge, "dana").MFAEverywhere = true
	placeholder := "arn:aws:iam::012345678901:mfa/" + MFADevicePlaceholder
	cases := map[string]struct {
		layout *layout.Layout
		role   string
		hint   string
		note   string
	}{
		"destructive role":                      {dev, "production/AlfieDatabaseShutdown", placeholder, "production/AlfieDatabaseShutdown requires MFA"},
		"role whose people must always use MFA": {edge, "prod/Deployer", placeholder, "prod/Deployer needs MFA for members of groups that deny everything without it"},
		"ordinary role":                         {dev, "qa/AlfieDeployment", "", ""},
		"third-party role, nobody needs MFA":    {edge, "prod/VendorAudit", "", ""},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := role(t, tc.layout, tc.role)
			text := AWSConfig(tc.layout, "us-east-1")
			var p Profile
			for _, q := range OrganizationProfiles(tc.layout, "us-east-1") {
				if q.Role == r {
					p = q
				}
			}
			if p.MFASerialHint != tc.hint || p.Get(KeyMFASerial) != "" {
				t.Errorf("hint %q, mfa_serial %q; want hint %q and no mfa_serial: the device is one person's", p.MFASerialHint, p.Get(KeyMFASerial), tc.hint)
			}
			if tc.note != "" && !strings.Contains(text, "# "+tc.note+": set mfa_serial to your MFA device") {
				t.Errorf("the file does not explain the hint with %q", tc.note)
			}
			// Uncommenting the hint, as the note asks, gives a profile the
			// SDK reads with that mfa_serial.
			dir := t.TempDir()
			edited := writeFile(t, dir, "config", strings.ReplaceAll(text, "# "+KeyMFASerial+" = ", KeyMFASerial+" = "))
			if got := loadWithSDK(t, edited, credentialsFile(t, dir, tc.layout), r.ProfileName).MFASerial; got != tc.hint {
				t.Errorf("uncommented mfa_serial = %q, want %q", got, tc.hint)
			}
		})
	}
}
