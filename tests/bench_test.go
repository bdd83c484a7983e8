package tests

import (
	"fmt"
	"sort"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudformation"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/components"
	"iam-layout/layout"
	"iam-layout/policies"
	"iam-layout/program"
	"iam-layout/stacksets"
	"iam-layout/synthetic"
)

// benchSizes are the organization sizes of the scale benchmarks: N accounts
// (3 roles each), 20 groups, 500 users; stackSetsSizes those of the
// stackSets delivery variants.
var (
	benchSizes     = []int{10, 100, 1000}
	stackSetsSizes = []int{100, 1000}
)

func benchOrganization(n int) *layout.Spec {
	return synthetic.Organization(synthetic.Options{Accounts: n, Groups: 20, Users: 500, Seed: 1})
}

// benchConfig is engine config for the n-account organization, as JSON
// text, the way `pulumi up` hands it over. Per-user outputs are off, as the
// README recommends at this size: at a thousand accounts they would put
// 158 MB of text into the state (BenchmarkLayoutWithPerUserOutputs shows
// the cost; BenchmarkRender renders them offline).
func benchConfig(b testing.TB, n int) map[string]string {
	b.Helper()
	return withOrganization(specJSON(withPerUserOutputs(benchOrganization(n), false)))
}

func withPerUserOutputs(s *layout.Spec, on bool) *layout.Spec {
	s.Profiles.PerUserOutputs = &on
	return s
}

// BenchmarkLayout runs the whole program under mocks: config parsing,
// validation, documents, policy check, components and outputs, in both
// deliveries.
func BenchmarkLayout(b *testing.B) {
	b.Run("providers", func(b *testing.B) {
		benchLayout(b, benchSizes, func(n int) map[string]string { return benchConfig(b, n) })
	})
	b.Run("stackSets", func(b *testing.B) {
		benchLayout(b, stackSetsSizes, func(n int) map[string]string {
			return withOrganization(specJSON(withPerUserOutputs(withStackSets(benchOrganization(n)), false)))
		})
	})
}

// BenchmarkLayoutWithPerUserOutputs is BenchmarkLayout with every user's
// fragments and the access matrix exported too.
func BenchmarkLayoutWithPerUserOutputs(b *testing.B) {
	benchLayout(b, benchSizes, func(n int) map[string]string {
		return withOrganization(specJSON(withPerUserOutputs(benchOrganization(n), true)))
	})
}

func benchLayout(b *testing.B, sizes []int, config func(n int) map[string]string) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			cfg := config(n)
			var registered int
			var ops map[string]int
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m := newMocks(synthetic.Master)
				err := pulumi.RunErr(program.Run, pulumi.WithMocks(project, stack, m), func(info *pulumi.RunInfo) { info.Config = cfg })
				if err != nil {
					b.Fatal(err)
				}
				registered, ops = len(m.resources), m.instanceOps()
			}
			b.ReportMetric(float64(registered), "resources/op")
			if len(ops) > 0 {
				reportRollOut(b, ops)
			}
		})
	}
}

// reportRollOut reports what a first roll-out of the run's stack instances
// costs in CloudFormation operations: the StackSets, the instance
// operations in all, and the most that one StackSet runs one after
// another, which bounds how long the roll-out takes (StackSets run side by
// side; a StackSet runs its operations one at a time).
func reportRollOut(b *testing.B, ops map[string]int) {
	total, most := 0, 0
	for _, n := range ops {
		total, most = total+n, max(most, n)
	}
	b.ReportMetric(float64(len(ops)), "stacksets")
	b.ReportMetric(float64(total), "instance-ops")
	b.ReportMetric(float64(most), "ops-in-a-row")
}

// BenchmarkFloor registers the same custom resources as BenchmarkLayout,
// same types and count, directly, with inputs computed before the timer
// and no components: what the engine SDK costs whatever the program does.
func BenchmarkFloor(b *testing.B) {
	b.Run("providers", func(b *testing.B) {
		benchFloor(b, benchSizes, func(n int) *layout.Spec { return benchOrganization(n) })
	})
	b.Run("stackSets", func(b *testing.B) {
		benchFloor(b, stackSetsSizes, func(n int) *layout.Spec { return withStackSets(benchOrganization(n)) })
	})
}

func benchFloor(b *testing.B, sizes []int, spec func(n int) *layout.Spec) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			plan := newFloorPlan(b, spec(n))
			var registered int
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m := newMocks(synthetic.Master)
				if err := pulumi.RunErr(plan.register, pulumi.WithMocks(project, stack, m)); err != nil {
					b.Fatal(err)
				}
				registered = len(m.resources)
			}
			b.ReportMetric(float64(registered), "resources/op")
		})
	}
}

// floorPlan is every resource input of a layout, as plain values.
type floorPlan struct {
	accounts []floorAccount
	groups   []floorGroup
	users    []*layout.User
	// stackSets delivery: the administration role and the StackSets.
	admin     *policies.StackSetAdministrationDocuments
	settings  *layout.StackSets
	stackSets []stacksets.StackSet
}

type floorAccount struct {
	name, accessRole string
	roles            []floorRole
}

type floorRole struct {
	key   string
	args  iam.RoleArgs
	attch []string // policy ARNs
	names []string // attachment logical names
	pols  []layout.InlinePolicy
}

type floorGroup struct {
	name, path string
	policies   []policies.GroupPolicy
	arns       []string
	declared   []string
}

func newFloorPlan(b testing.TB, spec *layout.Spec) *floorPlan {
	b.Helper()
	l, err := layout.Resolve(spec)
	if err != nil {
		b.Fatal(err)
	}
	docs, err := policies.Build(l)
	if err != nil {
		b.Fatal(err)
	}
	p := &floorPlan{users: l.Users}
	if l.StackSets() {
		p.admin, p.settings = docs.StackSetAdministration, l.Delivery.StackSets
		if p.stackSets, err = stacksets.Build(l, docs.Trust); err != nil {
			b.Fatal(err)
		}
	}
	for _, a := range l.Accounts {
		if l.StackSets() {
			break
		}
		fa := floorAccount{name: a.Name, accessRole: a.AccessRoleARN}
		for _, r := range a.Roles {
			fr := floorRole{key: r.Key(), pols: r.InlinePolicies, args: iam.RoleArgs{
				Name:               pulumi.String(r.Name),
				Path:               pulumi.String(r.Path),
				AssumeRolePolicy:   pulumi.String(docs.Trust[r.Key()]),
				MaxSessionDuration: pulumi.Int(r.MaxSessionDuration),
				Description:        pulumi.String(r.Description),
				Tags:               pulumi.ToStringMap(r.Tags),
			}}
			for _, arn := range r.ManagedPolicyARNs {
				fr.attch = append(fr.attch, arn)
				fr.names = append(fr.names, r.Key()+"/"+arn[len("arn:aws:iam::"):])
			}
			fa.roles = append(fa.roles, fr)
		}
		p.accounts = append(p.accounts, fa)
	}
	for _, g := range l.Groups {
		fg := floorGroup{name: g.Name, path: g.Path, policies: docs.Groups[g.Name], declared: g.ManagedPolicyARNs}
		for _, gp := range fg.policies {
			fg.arns = append(fg.arns, layout.PolicyARN(l.Partition, l.MasterAccountID, gp.Path, gp.Name))
		}
		p.groups = append(p.groups, fg)
	}
	return p
}

func (p *floorPlan) register(ctx *pulumi.Context) error {
	if err := p.registerStackSets(ctx); err != nil {
		return err
	}
	for _, a := range p.accounts {
		prov, err := aws.NewProvider(ctx, a.name, &aws.ProviderArgs{
			AssumeRole: aws.ProviderAssumeRoleArgs{RoleArn: pulumi.String(a.accessRole), SessionName: pulumi.String(components.SessionName)},
			Region:     pulumi.String("us-east-1"),
		})
		if err != nil {
			return err
		}
		in := pulumi.Provider(prov)
		for _, r := range a.roles {
			args := r.args
			if _, err := iam.NewRole(ctx, r.key, &args, in); err != nil {
				return err
			}
			for i, arn := range r.attch {
				if _, err := iam.NewRolePolicyAttachment(ctx, r.names[i], &iam.RolePolicyAttachmentArgs{Role: args.Name, PolicyArn: pulumi.String(arn)}, in); err != nil {
					return err
				}
			}
			for _, ip := range r.pols {
				if _, err := iam.NewRolePolicy(ctx, r.key+"/"+ip.Name, &iam.RolePolicyArgs{Role: args.Name, Name: pulumi.String(ip.Name), Policy: pulumi.String(ip.Document)}, in); err != nil {
					return err
				}
			}
		}
	}
	for _, g := range p.groups {
		if _, err := iam.NewGroup(ctx, g.name, &iam.GroupArgs{Name: pulumi.String(g.name), Path: pulumi.String(g.path)}); err != nil {
			return err
		}
		for i, gp := range g.policies {
			if _, err := iam.NewPolicy(ctx, gp.Name, &iam.PolicyArgs{Name: pulumi.String(gp.Name), Path: pulumi.String(gp.Path), Policy: pulumi.String(gp.Document)}); err != nil {
				return err
			}
			if _, err := iam.NewGroupPolicyAttachment(ctx, g.name+"/"+gp.Name, &iam.GroupPolicyAttachmentArgs{Group: pulumi.String(g.name), PolicyArn: pulumi.String(g.arns[i])}); err != nil {
				return err
			}
		}
	}
	for _, u := range p.users {
		if u.Create {
			if _, err := iam.NewUser(ctx, u.Name, &iam.UserArgs{Name: pulumi.String(u.Name), Path: pulumi.String(u.Path)}); err != nil {
				return err
			}
		}
		groups := make([]string, len(u.Groups))
		for i, g := range u.Groups {
			groups[i] = g.Name
		}
		sort.Strings(groups)
		if _, err := iam.NewUserGroupMembership(ctx, u.Name, &iam.UserGroupMembershipArgs{User: pulumi.String(u.Name), Groups: pulumi.ToStringArray(groups)}); err != nil {
			return err
		}
	}
	return nil
}

// TestFloorRegistersTheLayoutsCustomResources keeps the floor honest: the
// same custom resources, by type and count, as the program itself.
func TestFloorRegistersTheLayoutsCustomResources(t *testing.T) {
	t.Parallel()
	t.Run("providers", func(t *testing.T) { t.Parallel(); floorMatchesLayout(t, benchOrganization(30)) })
	// 100 accounts: four StackSets a definition.
	t.Run("stackSets", func(t *testing.T) { t.Parallel(); floorMatchesLayout(t, withStackSets(benchOrganization(100))) })
}

func floorMatchesLayout(t *testing.T, spec *layout.Spec) {
	count := func(rs []recorded) map[string]int {
		out := map[string]int{}
		for _, r := range rs {
			if r.Custom {
				out[r.Type]++
			}
		}
		return out
	}
	layoutRun := mustRun(t, withOrganization(specJSON(spec)))
	plan := newFloorPlan(t, spec)
	m := newMocks(synthetic.Master)
	if err := pulumi.RunErr(plan.register, pulumi.WithMocks(project, stack, m)); err != nil {
		t.Fatal(err)
	}
	got, want := count(m.resources), count(layoutRun.Resources)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("floor registers %v\nlayout registers %v", got, want)
	}
}

// registerStackSets registers stackSets delivery's resources directly.
func (p *floorPlan) registerStackSets(ctx *pulumi.Context) error {
	if p.admin == nil {
		return nil
	}
	name := p.settings.AdministrationRoleName
	role, err := iam.NewRole(ctx, name, &iam.RoleArgs{Name: pulumi.String(name), Path: pulumi.String("/"), AssumeRolePolicy: pulumi.String(p.admin.Trust)})
	if err != nil {
		return err
	}
	if _, err := iam.NewRolePolicy(ctx, name+"/policy", &iam.RolePolicyArgs{Role: role.Name, Name: pulumi.String("policy"), Policy: pulumi.String(p.admin.Policy)}); err != nil {
		return err
	}
	for _, ss := range p.stackSets {
		sets := map[string]*cloudformation.StackSet{}
		for _, name := range ss.Shards {
			set, err := cloudformation.NewStackSet(ctx, name, &cloudformation.StackSetArgs{
				Name: pulumi.String(name), TemplateBody: pulumi.String(ss.Template), Capabilities: pulumi.ToStringArray([]string{stacksets.Capability}),
				PermissionModel: pulumi.String(p.settings.PermissionModel), AdministrationRoleArn: role.Arn,
				ExecutionRoleName: pulumi.String(p.settings.ExecutionRoleName),
				ManagedExecution:  &cloudformation.StackSetManagedExecutionArgs{Active: pulumi.Bool(true)},
			})
			if err != nil {
				return err
			}
			sets[name] = set
		}
		for _, in := range ss.Instances {
			if _, err := cloudformation.NewStackSetInstance(ctx, in.Key, &cloudformation.StackSetInstanceArgs{
				StackSetName: sets[in.StackSet].Name, AccountId: pulumi.String(in.Account.ID), Region: pulumi.String("us-east-1"),
			}); err != nil {
				return err
			}
		}
	}
	return nil
}
