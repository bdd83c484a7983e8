// Package tests runs the whole program under Pulumi mocks that behave like
// AWS: they compute ARNs from the account a resource is created in, insist on
// the inputs IAM requires, and refuse any invoke or resource type the program
// has no business using.
package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"iam-layout/program"
	"iam-layout/stackfile"
)

const (
	project = "iam-layout"
	stack   = "dev"
	// seedMaster is the seeds' made-up management account.
	seedMaster = "012345678901"
)

// Resource type tokens the program may create; anything else fails the mock.
const (
	typeProvider        = "pulumi:providers:aws"
	typeRole            = "aws:iam/role:Role"
	typeRoleAttachment  = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeRolePolicy      = "aws:iam/rolePolicy:RolePolicy"
	typeGroup           = "aws:iam/group:Group"
	typePolicy          = "aws:iam/policy:Policy"
	typeGroupAttachment = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
	typeUser            = "aws:iam/user:User"
	typeUserMembership  = "aws:iam/userGroupMembership:UserGroupMembership"
	typeGroupMembership = "aws:iam/groupMembership:GroupMembership"
	typeAccount         = "iam-layout:organization:Account"
	typeGroupComponent  = "iam-layout:organization:Group"
	typePeople          = "iam-layout:organization:People"
	typeGuardrails      = "iam-layout:organization:Guardrails"
	typeStackReference  = "pulumi:pulumi:StackReference"
	typeStackSet        = "aws:cloudformation/stackSet:StackSet"
	typeStackSetInst    = "aws:cloudformation/stackSetInstance:StackSetInstance"
	typeStackSetAdmin   = "iam-layout:organization:StackSetAdministration"
	typeRoleStackSet    = "iam-layout:organization:RoleStackSet"
	typeOIDCProvider    = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	typeOIDCStackSet    = "iam-layout:organization:OIDCProviderStackSet"
)

// selfStack is the name under which the program reads its own previous
// outputs.
const selfStack = "organization/" + project + "/" + stack

// recorded is one resource the program registered.
type recorded struct {
	Type, Name, URN, Parent string
	Custom                  bool
	// ProviderID is the ID of the explicit provider, "" for the default one.
	ProviderID string
	// AccountID is the account the resource lives in, as AWS would see it.
	AccountID string
	Inputs    resource.PropertyMap
	State     resource.PropertyMap
	// Options the engine would see.
	Protect, RetainOnDelete bool
	// AliasNames are the former logical names the resource answers to.
	AliasNames []string
	// IgnoreChanges are the inputs the engine leaves alone after creation.
	IgnoreChanges []string
	// InputDeps are the URNs each input depends on.
	InputDeps map[string][]string
	// Dependencies are the URNs the resource waits for (dependsOn).
	Dependencies []string
	// CreateTimeout and DeleteTimeout are the customTimeouts given.
	CreateTimeout, DeleteTimeout string
}

func (r recorded) str(key string) string {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	if !ok || !v.IsString() {
		return ""
	}
	return v.StringValue()
}

// awsMocks is a strict, realistic stand-in for the AWS provider.
type awsMocks struct {
	master string

	mu        sync.Mutex
	providers map[string]string // provider ID -> account ID it assumes into
	resources []recorded
	// stacks are other stacks' outputs, for StackReferences. The program's
	// own stack has no outputs unless a test gives it some: a first
	// deployment.
	stacks map[string]map[string]any
	// stackSets are the StackSets created, by name, and cfnRoles the roles
	// their instances created, as CloudFormation would.
	stackSets map[string]mockStackSet
	cfnRoles  []cfnRole
	// idc is IAM Identity Center as the mocks' AWS has it; invokes are the
	// invokes the program made (harness_identitycenter_test.go).
	idc     *mockIdentityCenter
	invokes []invoked
	// oidcProviders are the IAM OIDC providers by account ID and issuer
	// host, created by iam.OpenIdConnectProvider or by stack instances.
	oidcProviders map[string]map[string]bool
	// existingUsers are the ARNs of the management account's users that
	// exist before the run (the file's users without create); users the
	// run creates join them as they are created. IAM refuses a trust that
	// names any other user.
	existingUsers map[string]bool
}

func newMocks(master string) *awsMocks {
	return &awsMocks{master: master, providers: map[string]string{}, stackSets: map[string]mockStackSet{}, idc: newMockIdentityCenter()}
}

func (m *awsMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	// The only reads the program may make: Identity Center's instance and
	// the groups and users it is told exist.
	if out, ok, err := m.callIdentityCenter(args); ok {
		return out, err
	}
	return nil, fmt.Errorf("unexpected invoke %s: the program must not call AWS while planning", args.Token)
}

func (m *awsMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec := recorded{
		Type:   args.TypeToken,
		Name:   args.Name,
		Custom: args.Custom,
		Inputs: args.Inputs,
	}
	if rpc := args.ReadRPC; rpc != nil {
		rec.Parent = rpc.GetParent()
	}
	if rpc := args.RegisterRPC; rpc != nil {
		rec.Parent = rpc.GetParent()
		rec.Protect, rec.RetainOnDelete = rpc.GetProtect(), rpc.GetRetainOnDelete()
		rec.IgnoreChanges = rpc.GetIgnoreChanges()
		rec.InputDeps = map[string][]string{}
		for k, deps := range rpc.GetPropertyDependencies() {
			rec.InputDeps[k] = deps.GetUrns()
		}
		rec.Dependencies = rpc.GetDependencies()
		if ct := rpc.GetCustomTimeouts(); ct != nil {
			rec.CreateTimeout, rec.DeleteTimeout = ct.GetCreate(), ct.GetDelete()
		}
		for _, a := range rpc.GetAliases() {
			if urn := a.GetUrn(); urn != "" {
				rec.AliasNames = append(rec.AliasNames, resource.URN(urn).Name())
			} else if spec := a.GetSpec(); spec != nil {
				rec.AliasNames = append(rec.AliasNames, spec.GetName())
			}
		}
	}
	rec.URN = newURN(rec.Parent, rec.Type, rec.Name)
	if args.Provider != "" {
		rec.ProviderID = args.Provider[strings.LastIndex(args.Provider, "::")+2:]
	}
	id, state, err := m.create(&rec)
	if err != nil {
		return "", nil, fmt.Errorf("%s %s: %w", args.TypeToken, args.Name, err)
	}
	rec.State = state
	m.resources = append(m.resources, rec)
	return id, state, nil
}

func newURN(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(stack), tokens.PackageName(project), parentType, tokens.Type(typ), name))
}

// create does what AWS would: checks required inputs and returns the state
// with computed attributes.
func (m *awsMocks) create(rec *recorded) (string, resource.PropertyMap, error) {
	state := rec.Inputs.Copy()
	set := func(k, v string) { state[resource.PropertyKey(k)] = resource.NewStringProperty(v) }
	if rec.Type == typeStackReference {
		outputs, ok := m.stacks[rec.Name]
		if !ok && rec.Name == selfStack {
			outputs, ok = map[string]any{}, true
		}
		if !ok {
			return "", nil, fmt.Errorf("unknown stack %q", rec.Name)
		}
		return rec.Name, resource.NewPropertyMapFromMap(map[string]any{
			"name": rec.Name, "outputs": outputs, "secretOutputNames": []string{},
		}), nil
	}
	if !rec.Custom {
		if !strings.HasPrefix(rec.Type, project+":") {
			return "", nil, fmt.Errorf("unknown component type")
		}
		return "", resource.PropertyMap{}, nil
	}
	if rec.Type == typeProvider {
		roleArn := ""
		if ar, ok := rec.Inputs["assumeRole"]; ok && ar.IsObject() {
			if v, ok := ar.ObjectValue()["roleArn"]; ok && v.IsString() {
				roleArn = v.StringValue()
			}
		}
		parts := strings.Split(roleArn, ":")
		if roleArn == "" && rec.Name == program.IdentityCenterProviderName {
			// Identity Center's provider stays in the management account.
			parts = []string{"arn", "aws", "iam", "", m.master, "root"}
		}
		if len(parts) != 6 || len(parts[4]) != 12 {
			return "", nil, fmt.Errorf("provider must assume a role in a child account, got assumeRole.roleArn %q", roleArn)
		}
		id := "provider-" + rec.Name
		m.providers[id] = parts[4]
		rec.AccountID = m.master
		return id, state, nil
	}
	rec.AccountID = m.master
	if rec.ProviderID != "" {
		acct, ok := m.providers[rec.ProviderID]
		if !ok {
			return "", nil, fmt.Errorf("unknown provider %q", rec.ProviderID)
		}
		rec.AccountID = acct
	}
	need := func(keys ...string) error {
		for _, k := range keys {
			v, ok := rec.Inputs[resource.PropertyKey(k)]
			if !ok || v.IsNull() || (v.IsString() && v.StringValue() == "") {
				return fmt.Errorf("missing required input %q", k)
			}
		}
		return nil
	}
	validJSON := func(key string) error {
		if !json.Valid([]byte(rec.str(key))) {
			return fmt.Errorf("input %q is not a JSON document: MalformedPolicyDocument", key)
		}
		return nil
	}
	path := rec.str("path")
	if path == "" {
		path = "/"
	}
	arn := func(kind string) string {
		return fmt.Sprintf("arn:aws:iam::%s:%s%s%s", rec.AccountID, kind, path, rec.str("name"))
	}
	switch rec.Type {
	case typeRole:
		if err := need("name", "assumeRolePolicy"); err != nil {
			return "", nil, err
		}
		if err := validJSON("assumeRolePolicy"); err != nil {
			return "", nil, err
		}
		if err := m.checkTrustPrincipals(rec.AccountID, rec.str("assumeRolePolicy")); err != nil {
			return "", nil, err
		}
		set("arn", arn("role"))
		set("uniqueId", "AROA"+strings.ToUpper(rec.str("name")))
		return rec.str("name"), state, nil
	case typeRoleAttachment:
		if err := need("role", "policyArn"); err != nil {
			return "", nil, err
		}
		return rec.str("role") + "-" + rec.str("policyArn"), state, nil
	case typeRolePolicy:
		if err := need("role", "name", "policy"); err != nil {
			return "", nil, err
		}
		if err := validJSON("policy"); err != nil {
			return "", nil, err
		}
		return rec.str("role") + ":" + rec.str("name"), state, nil
	case typeGroup:
		if err := need("name"); err != nil {
			return "", nil, err
		}
		set("arn", arn("group"))
		set("uniqueId", "AGPA"+strings.ToUpper(rec.str("name")))
		return rec.str("name"), state, nil
	case typePolicy:
		if err := need("name", "policy"); err != nil {
			return "", nil, err
		}
		if err := validJSON("policy"); err != nil {
			return "", nil, err
		}
		set("arn", arn("policy"))
		set("policyId", "ANPA"+strings.ToUpper(rec.str("name")))
		return arn("policy"), state, nil
	case typeGroupAttachment:
		if err := need("group", "policyArn"); err != nil {
			return "", nil, err
		}
		return rec.str("group") + "-" + rec.str("policyArn"), state, nil
	case typeUser:
		if err := need("name"); err != nil {
			return "", nil, err
		}
		set("arn", arn("user"))
		set("uniqueId", "AIDA"+strings.ToUpper(rec.str("name")))
		if m.existingUsers == nil {
			m.existingUsers = map[string]bool{}
		}
		m.existingUsers[arn("user")] = true
		return rec.str("name"), state, nil
	case typeUserMembership:
		if err := need("user"); err != nil {
			return "", nil, err
		}
		if g := rec.Inputs["groups"]; !g.IsArray() || len(g.ArrayValue()) == 0 {
			return "", nil, fmt.Errorf("groups must list at least one group")
		}
		return rec.str("user"), state, nil
	case typeOIDCProvider:
		return m.createOIDCProvider(rec, state)
	case typeStackSet:
		return m.createStackSet(rec)
	case typeStackSetInst:
		return m.createStackSetInstance(rec)
	case typeGroupMembership:
		if err := need("name", "group"); err != nil {
			return "", nil, err
		}
		// "users" is required, and the bridge may pass an empty set on as
		// null (pulumi-terraform-bridge #1970): the program never sends one.
		if u := rec.Inputs["users"]; !u.IsArray() || len(u.ArrayValue()) == 0 {
			return "", nil, fmt.Errorf("users must list at least one user")
		}
		return rec.str("name"), state, nil
	}
	if id, out, ok, err := m.createIdentityCenter(rec, state); ok {
		return id, out, err
	}
	return "", nil, fmt.Errorf("unexpected resource type: the layout never creates one")
}

// result is what one run of the program produced.
type result struct {
	Err       error
	Resources []recorded
	Exports   map[string]any
	// CFNRoles are the roles stack instances created in child accounts.
	CFNRoles []cfnRole
	// InstanceOps counts, by StackSet name, the stack instances the run
	// created in it: one CloudFormation operation each, run one after
	// another within a StackSet.
	InstanceOps map[string]int
}

// run runs the program under mocks with the given engine config.
func run(t testing.TB, cfg map[string]string) *result {
	t.Helper()
	return runWithStacks(t, cfg, nil)
}

// runWithStacks runs the program where other stacks have the given outputs.
func runWithStacks(t testing.TB, cfg map[string]string, stacks map[string]map[string]any) *result {
	t.Helper()
	m := newMocks(seedMaster)
	m.stacks = stacks
	return runMocks(t, cfg, m)
}

// runMocks runs the program against the given mocks.
func runMocks(t testing.TB, cfg map[string]string, m *awsMocks) *result {
	t.Helper()
	res := &result{Exports: map[string]any{}}
	res.Err = pulumi.RunErr(func(ctx *pulumi.Context) error {
		if err := program.Run(ctx); err != nil {
			return err
		}
		for key, value := range ctx.GetCurrentExportMap() {
			out, err := internals.UnsafeAwaitOutput(context.Background(), pulumi.ToOutput(value))
			if err != nil {
				return fmt.Errorf("awaiting output %s: %w", key, err)
			}
			// A JSON round trip gives every export the shape a consumer
			// reading `pulumi stack output --json` sees.
			data, err := json.Marshal(out.Value)
			if err != nil {
				return fmt.Errorf("encoding output %s: %w", key, err)
			}
			var plain any
			if err := json.Unmarshal(data, &plain); err != nil {
				return err
			}
			res.Exports[key] = plain
		}
		return nil
	}, pulumi.WithMocks(project, stack, m), func(info *pulumi.RunInfo) { info.Config = cfg })
	m.mu.Lock()
	res.Resources = append([]recorded(nil), m.resources...)
	res.CFNRoles = append([]cfnRole(nil), m.cfnRoles...)
	res.InstanceOps = m.instanceOps()
	m.mu.Unlock()
	return res
}

// mustRun runs and fails the test on error.
func mustRun(t testing.TB, cfg map[string]string) *result {
	t.Helper()
	res := run(t, cfg)
	if res.Err != nil {
		t.Fatalf("program failed: %v", res.Err)
	}
	return res
}

// devConfig is the engine config of the shipped Pulumi.dev.yaml.
func devConfig(t testing.TB) map[string]string {
	t.Helper()
	cfg, err := stackfile.Read("..", "dev")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// withOrganization returns config holding the given organization object.
func withOrganization(org any) map[string]string {
	data, err := json.Marshal(org)
	if err != nil {
		panic(err)
	}
	return map[string]string{"aws:region": "us-east-1", project + ":" + program.ConfigKey: string(data)}
}

// devOrganization is the dev stack's organization as a mutable value.
func devOrganization(t testing.TB) map[string]any {
	t.Helper()
	var org map[string]any
	if err := json.Unmarshal([]byte(devConfig(t)[project+":"+program.ConfigKey]), &org); err != nil {
		t.Fatal(err)
	}
	return org
}

func (r *result) ofType(typ string) []recorded {
	var out []recorded
	for _, rec := range r.Resources {
		if rec.Type == typ {
			out = append(out, rec)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

func (r *result) byURN(urn string) (recorded, bool) {
	for _, rec := range r.Resources {
		if rec.URN == urn {
			return rec, true
		}
	}
	return recorded{}, false
}

func (r *result) named(typ, name string) (recorded, bool) {
	for _, rec := range r.Resources {
		if rec.Type == typ && rec.Name == name {
			return rec, true
		}
	}
	return recorded{}, false
}
