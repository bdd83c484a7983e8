package program

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/identitystore"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssoadmin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/components"
	"iam-layout/contract"
	"iam-layout/layout"
)

// IdentityCenterProviderName is the logical name of the one explicit
// provider an Identity Center stack may have: in the management account,
// in Identity Center's region, when that is not the stack's aws:region.
// Identity Center is managed from the management account, so it needs no
// provider per child account.
const IdentityCenterProviderName = "identity-center"

// identityCenterComponentName is the logical name of the IdentityCenter
// component.
const identityCenterComponentName = "identity-center"

// Attribute paths the identity store finds existing groups and users by.
const (
	attributeDisplayName = "DisplayName"
	attributeUserName    = "UserName"
)

// identityCenterInstance is what registration needs beyond the layout.
type identityCenterInstance struct {
	InstanceArn, IdentityStoreID string
	GroupIDs, UserIDs            map[string]string
}

// registerIdentityCenter registers the Identity Center side of the layout:
// an explicit provider only when Identity Center's region differs from the
// stack's, the lookups of what exists already (plain values, before any
// Identity Center resource), then the permission sets, groups, memberships
// and assignments.
func registerIdentityCenter(ctx *pulumi.Context, l *layout.Layout, settings components.ProviderSettings) (*components.IdentityCenter, *identityCenterInstance, error) {
	ic := l.IdentityCenter
	var provider *aws.Provider
	var invoke []pulumi.InvokeOption
	if ic.Region != settings.Region {
		var err error
		provider, err = aws.NewProvider(ctx, IdentityCenterProviderName, settings.ManagementProviderArgs(ic.Region))
		if err != nil {
			return nil, nil, fmt.Errorf("creating the Identity Center provider (%s): %w", ic.Region, err)
		}
		invoke = append(invoke, pulumi.Provider(provider))
	}
	found, err := lookUpIdentityCenter(ctx, ic, invoke)
	if err != nil {
		return nil, nil, err
	}
	comp, err := components.NewIdentityCenter(ctx, identityCenterComponentName, &components.IdentityCenterArgs{
		IdentityCenter:  ic,
		InstanceArn:     found.InstanceArn,
		IdentityStoreID: found.IdentityStoreID,
		GroupIDs:        found.GroupIDs,
		UserIDs:         found.UserIDs,
		Provider:        provider,
	})
	if err != nil {
		return nil, nil, err
	}
	return comp, found, nil
}

// lookUpIdentityCenter finds the instance (unless configured), the existing
// groups by display name and the existing users the stack adds to groups by
// user name. Every lookup that finds nothing is reported, all at once, with
// the config path to fix.
func lookUpIdentityCenter(ctx *pulumi.Context, ic *layout.IdentityCenter, opts []pulumi.InvokeOption) (*identityCenterInstance, error) {
	found := &identityCenterInstance{
		InstanceArn: ic.InstanceARN, IdentityStoreID: ic.IdentityStoreID,
		GroupIDs: map[string]string{}, UserIDs: map[string]string{},
	}
	var problems layout.Problems
	if found.InstanceArn == "" {
		res, err := ssoadmin.GetInstances(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("looking up the Identity Center instance in %s: %w", ic.Region, err)
		}
		switch {
		case len(res.Arns) == 0 || len(res.IdentityStoreIds) != len(res.Arns):
			problems.Addf(layout.IdentityCenterPath("region"), "no IAM Identity Center instance is enabled in %s for this account: enable it there, or set the region it is enabled in", ic.Region)
		case len(res.Arns) > 1:
			problems.Addf(layout.IdentityCenterPath("instanceArn"), "%d Identity Center instances answer in %s (%s): name one with instanceArn and identityStoreId", len(res.Arns), ic.Region, strings.Join(res.Arns, ", "))
		default:
			found.InstanceArn, found.IdentityStoreID = res.Arns[0], res.IdentityStoreIds[0]
		}
		if err := problems.Err(); err != nil {
			return nil, err
		}
	}
	for _, g := range ic.Groups {
		if g.Create {
			continue
		}
		res, err := identitystore.LookupGroup(ctx, &identitystore.LookupGroupArgs{
			IdentityStoreId: found.IdentityStoreID,
			AlternateIdentifier: &identitystore.GetGroupAlternateIdentifier{
				UniqueAttribute: &identitystore.GetGroupAlternateIdentifierUniqueAttribute{AttributePath: attributeDisplayName, AttributeValue: g.DisplayName},
			},
		}, opts...)
		if err != nil || res.GroupId == "" {
			problems.Addf(layout.IdentityCenterPath("groups", g.Name(), "displayName"), "no group %q in identity store %s (create it, set create: true, or fix the name): %v", g.DisplayName, found.IdentityStoreID, err)
			continue
		}
		found.GroupIDs[g.Name()] = res.GroupId
	}
	for _, u := range ic.Users {
		if !u.LookUp {
			continue
		}
		res, err := identitystore.LookupUser(ctx, &identitystore.LookupUserArgs{
			IdentityStoreId: found.IdentityStoreID,
			AlternateIdentifier: &identitystore.GetUserAlternateIdentifier{
				UniqueAttribute: &identitystore.GetUserAlternateIdentifierUniqueAttribute{AttributePath: attributeUserName, AttributeValue: u.UserName},
			},
		}, opts...)
		if err != nil || res.UserId == "" {
			problems.Addf(layout.IdentityCenterPath("users", u.Name(), "userName"), "no user %q in identity store %s (create it, set create: true, or fix the name): %v", u.UserName, found.IdentityStoreID, err)
			continue
		}
		found.UserIDs[u.Name()] = res.UserId
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return found, nil
}

// exportIdentityCenter exports the instance and the permission sets.
func exportIdentityCenter(ctx *pulumi.Context, l *layout.Layout, comp *components.IdentityCenter, found *identityCenterInstance) {
	ic := l.IdentityCenter
	sets := pulumi.Map{}
	for _, set := range ic.PermissionSets {
		accounts := make([]string, len(set.Placements))
		for i, pl := range set.Placements {
			accounts[i] = pl.Role.Account.Name
		}
		sets[set.Role] = pulumi.Map{
			contract.PermissionSetArn:             comp.PermissionSets[set.Role].Arn,
			contract.PermissionSetName:            pulumi.String(set.Name),
			contract.PermissionSetSessionDuration: pulumi.String(set.SessionDuration),
			contract.PermissionSetAccounts:        pulumi.ToStringArray(accounts),
		}
	}
	ctx.Export(contract.PermissionSetsKey, sets)
	ctx.Export(contract.IdentityCenterKey, pulumi.Map{
		contract.IdentityCenterInstanceArn:     pulumi.String(found.InstanceArn),
		contract.IdentityCenterIdentityStoreID: pulumi.String(found.IdentityStoreID),
		contract.IdentityCenterStartURL:        pulumi.String(ic.StartURL),
		contract.IdentityCenterRegion:          pulumi.String(ic.Region),
		contract.IdentityCenterSSOSession:      pulumi.String(ic.SessionName),
	})
}

// warnUnassigned warns, for a stack without IAM access, of every role
// definition no Identity Center group is assigned: it lays out nothing.
func warnUnassigned(ctx *pulumi.Context, l *layout.Layout) error {
	assigned := map[string]bool{}
	for _, set := range l.IdentityCenter.PermissionSets {
		assigned[set.Role] = true
	}
	warned := map[string]bool{}
	for _, r := range l.Roles {
		if assigned[r.Name] || warned[r.Name] {
			continue
		}
		warned[r.Name] = true
		if err := ctx.Log.Warn(fmt.Sprintf("role %s is declared but no Identity Center group is assigned it, so it has no permission set", r.Name), nil); err != nil {
			return err
		}
	}
	return nil
}
