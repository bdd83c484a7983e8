package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/layout"
)

// PeopleArgs are the inputs of People.
type PeopleArgs struct {
	Users []*layout.User
	// Groups are the created groups by name; memberships wait for them.
	Groups map[string]*iam.Group
}

// People holds the users the stack owns and every user's group memberships.
type People struct {
	pulumi.ResourceState

	// Users holds the IAM users this stack created, by name.
	Users map[string]*iam.User
}

// NewPeople creates the users marked `create` and one membership per user.
// Memberships are iam.UserGroupMembership, per user and non-exclusive: the
// exclusive iam.GroupMembership would evict members added outside this stack
// (it is used only to empty opted-in groups before their deletion, with its
// user list frozen: see removeMembersOnDelete).
// No access keys, passwords or login profiles are ever created.
func NewPeople(ctx *pulumi.Context, name string, args *PeopleArgs, opts ...pulumi.ResourceOption) (*People, error) {
	if args == nil {
		return nil, errors.New("creating people component: args are required")
	}
	comp := &People{Users: map[string]*iam.User{}}
	if err := ctx.RegisterComponentResource(PeopleType, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("registering people: %w", err)
	}
	parent := pulumi.Parent(comp)
	names := make(map[string]pulumi.StringInput, len(args.Users))
	for _, u := range args.Users {
		// With an alias, renaming a user the stack owns renames it in place.
		opts := with([]pulumi.ResourceOption{parent}, formerNames(u.Aliases, func(f string) string { return f })...)
		var userName pulumi.StringInput = pulumi.String(u.Name)
		if u.Create {
			user, err := iam.NewUser(ctx, u.Name, &iam.UserArgs{
				Name: pulumi.String(u.Name),
				Path: pulumi.String(u.Path),
			}, opts...)
			if err != nil {
				return nil, fmt.Errorf("creating IAM user (%s): %w", u.Name, err)
			}
			comp.Users[u.Name] = user
			userName = user.Name
		}
		names[u.Name] = userName
		groups := make(pulumi.StringArray, 0, len(u.Groups))
		for _, g := range u.Groups {
			created, ok := args.Groups[g.Name]
			if !ok {
				return nil, fmt.Errorf("adding IAM user (%s) to groups: group %s was not created", u.Name, g.Name)
			}
			groups = append(groups, created.Name)
		}
		_, err := iam.NewUserGroupMembership(ctx, u.Name, &iam.UserGroupMembershipArgs{
			User:   userName,
			Groups: groups,
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("adding IAM user (%s) to groups: %w", u.Name, err)
		}
	}
	if err := removeMembersOnDelete(ctx, args.Users, args.Groups, names, parent); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(comp, pulumi.Map{}); err != nil {
		return nil, fmt.Errorf("registering outputs of people: %w", err)
	}
	return comp, nil
}
