package program

import (
	"errors"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/awsprovider"
	"iam-layout/awssettings"
	"iam-layout/components"
	"iam-layout/layout"
)

// readAWSSettings reads the stack's own AWS provider configuration, so the
// explicit per-account providers behave like the default one (same region,
// profile, endpoints and skip flags). Malformed keys join the
// organization's problems: one error lists them all.
func readAWSSettings(ctx *pulumi.Context, problems *layout.Problems) components.ProviderSettings {
	s, err := awsprovider.Read(ctx)
	var bad *awsprovider.Error
	switch {
	case errors.As(err, &bad):
		for _, p := range bad.Problems {
			problems.Addf(p.Key, "%s", p.Message)
		}
	case err != nil:
		problems.Addf(awssettings.Namespace+":", "%v", err)
	}
	return components.ProviderSettings{Settings: s}
}
