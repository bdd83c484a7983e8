package components

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/layout"
)

// MembersSuffix ends the logical name of the membership that empties a
// group before IAM deletes it: "<group>/members".
const MembersSuffix = "/members"

// removeMembersOnDelete registers, for each group that opts in
// (groups.<g>.removeMembersOnDelete), an exclusive iam.GroupMembership of
// the group: IAM refuses to delete a group that still has members
// (DeleteConflict), and members added outside this stack are in no
// resource of it. The membership depends on the group, so the engine
// deletes it first, and its delete removes every user in its state from
// the group. Its state holds the group's members as read when it was
// created and at each refresh: `pulumi up --refresh` before deleting the
// group also removes members added since.
//
// Its user list is ignored after creation (IgnoreChanges), so it never
// adds or evicts anyone while the group lives: the non-exclusive
// UserGroupMemberships stay in charge of this stack's members. On creation
// it adds the members declared here, who are members anyway, through the
// created users' names so that those users exist first; pulumi-aws cannot
// create it with none (layout refuses the option on a group without a
// declared member).
func removeMembersOnDelete(ctx *pulumi.Context, users []*layout.User, groups map[string]*iam.Group, names map[string]pulumi.StringInput, parent pulumi.ResourceOption) error {
	var opted []*layout.Group
	for _, u := range users {
		for _, g := range u.Groups {
			if g.RemoveMembersOnDelete && !slices.Contains(opted, g) {
				opted = append(opted, g)
			}
		}
	}
	slices.SortFunc(opted, func(a, b *layout.Group) int { return strings.Compare(a.Name, b.Name) })
	for _, g := range opted {
		group, ok := groups[g.Name]
		if !ok {
			return fmt.Errorf("creating membership of IAM group (%s): the group was not created", g.Name)
		}
		members := make(pulumi.StringArray, 0, len(g.Members))
		for _, u := range g.Members {
			members = append(members, names[u.Name])
		}
		opts := with(formerNames(g.Aliases, func(f string) string { return f + MembersSuffix }),
			parent, pulumi.IgnoreChanges([]string{"users"}))
		_, err := iam.NewGroupMembership(ctx, g.Name+MembersSuffix, &iam.GroupMembershipArgs{
			// The membership's own label in the provider, not an IAM name.
			Name:  pulumi.String(g.Name + MembersSuffix),
			Group: group.Name,
			Users: members,
		}, opts...)
		if err != nil {
			return fmt.Errorf("creating membership of IAM group (%s): %w", g.Name, err)
		}
	}
	return nil
}
