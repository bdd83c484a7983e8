// Package adopt plans the adoption of a live organization by a stack: the
// `pulumi import --file` file of every resource the stack would create, from
// the stack file alone. It runs the program itself (program.Run) in-process
// under a planning monitor that answers registrations the way AWS names
// things, so every type, logical name, parent and provider in the file is
// the one the program registers: the URNs match by construction, not by a
// second description of the resource graph that could drift from it.
//
// Import IDs follow from each resource's inputs (ids.go). Providers,
// components and stack references are not cloud resources and cannot be
// imported; they are created first with `pulumi up --target` (Targets).
// What has no offline import ID (Identity Center's AWS-assigned IDs, the
// exclusive group membership of removeMembersOnDelete) is listed in Skipped
// with the reason, never silently left out.
package adopt

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/cli"
	"iam-layout/contract"
	"iam-layout/importfile"
	"iam-layout/layout"
	"iam-layout/program"
)

// Plan is what adopting a live organization takes.
type Plan struct {
	// File is the `pulumi import --file` file.
	File *importfile.File
	// Targets are the URNs to create with `pulumi up --target` before the
	// import: the explicit providers, the components (the imported
	// resources' parents) and the stack references the program reads.
	Targets []string
	// Skipped are the resources the file leaves out, with why.
	Skipped []Skipped
}

// Skipped is a resource that cannot be imported from the stack file alone.
type Skipped struct {
	URN, Reason string
}

// registration is one resource the program registered.
type registration struct {
	urn, typ, name, parent string
	// provider is the URN of the resource's explicit provider, "" for the
	// default provider.
	provider string
	custom   bool
	read     bool
	inputs   resource.PropertyMap
	state    resource.PropertyMap
}

// DefaultOrganization is the Pulumi organization of the DIY backends (the
// local file backend, S3): the first part of the name under which the
// program reads its own stack.
const DefaultOrganization = "organization"

// Build runs the program for a stack's engine config (as stackfile.Read
// gives it) under the planning monitor and plans the import. organization
// is the stack's Pulumi organization (DefaultOrganization on a DIY
// backend): it names the stack reference the program reads itself through.
func Build(organization, project, stack string, config map[string]string) (*Plan, error) {
	raw, err := cli.Organization(config, project, stack)
	if err != nil {
		return nil, err
	}
	// The program validates the configuration itself; the layout is read
	// here too for what the planning monitor must answer like AWS.
	l, err := layout.Load([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", stack, err)
	}
	p := &planner{project: project, stack: stack, layout: l, accounts: map[string]string{}}
	err = pulumi.RunErr(program.Run, pulumi.WithMocksWithOrganization(organization, project, stack, p), func(info *pulumi.RunInfo) { info.Config = config })
	if err != nil {
		return nil, fmt.Errorf("running the program for stack %s: %w", stack, err)
	}
	return p.plan()
}

// plan turns the registrations into the import file, the targets and the
// skipped resources.
func (p *planner) plan() (*Plan, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	regs := append([]registration(nil), p.regs...)
	sort.Slice(regs, func(i, j int) bool { return regs[i].urn < regs[j].urn })
	// An empty list, not null: the file of a stack with nothing to import
	// is still a file pulumi import reads.
	out := &Plan{File: &importfile.File{NameTable: map[string]string{}, Resources: []importfile.Resource{}}}
	names := map[string]string{} // URN -> name-table key
	key := func(urn string) string {
		if urn == "" {
			return ""
		}
		if k, ok := names[urn]; ok {
			return k
		}
		qualified := importfile.QualifiedType(urn)
		short := qualified[strings.LastIndex(qualified, ":")+1:]
		k := short + "/" + importfile.Name(urn)
		for n := 2; out.File.NameTable[k] != ""; n++ {
			k = fmt.Sprintf("%s/%s#%d", short, importfile.Name(urn), n)
		}
		names[urn], out.File.NameTable[k] = k, urn
		return k
	}
	var problems []string
	for _, r := range regs {
		if !r.custom || r.read || r.typ == "pulumi:pulumi:StackReference" || strings.HasPrefix(r.typ, "pulumi:providers:") {
			out.Targets = append(out.Targets, r.urn)
			continue
		}
		id, why, err := importID(r)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s: %v", r.urn, err))
			continue
		case why != "":
			out.Skipped = append(out.Skipped, Skipped{URN: r.urn, Reason: why})
			continue
		}
		out.File.Resources = append(out.File.Resources, importfile.Resource{
			Type: r.typ, Name: r.name, ID: id, Parent: key(r.parent), Provider: key(r.provider),
		})
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("planning the import:\n  - %s", strings.Join(problems, "\n  - "))
	}
	if err := out.File.Check(); err != nil {
		return nil, err
	}
	return out, nil
}

// planner is a Pulumi resource monitor that registers nothing anywhere: it
// records each registration and answers with the outputs AWS would give
// (ARNs from the account a resource lives in), so the program runs to the
// end exactly as under the engine.
type planner struct {
	project, stack string
	layout         *layout.Layout

	mu sync.Mutex
	// accounts maps an explicit provider's URN to the account it reaches.
	accounts map[string]string
	regs     []registration
}

// NewResource records a registration and computes its outputs.
func (p *planner) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := registration{typ: args.TypeToken, name: args.Name, custom: args.Custom, inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		r.parent = rpc.GetParent()
	}
	if rpc := args.ReadRPC; rpc != nil {
		r.parent, r.read = rpc.GetParent(), true
	}
	if r.parent != "" && importfile.QualifiedType(r.parent) == importfile.RootStackType {
		r.parent = ""
	}
	r.urn = importfile.URN(p.stack, p.project, r.parent, r.typ, r.name)
	if args.Provider != "" {
		// A provider reference is "URN::ID".
		r.provider = args.Provider[:strings.LastIndex(args.Provider, "::")]
	}
	id, state, err := p.answer(&r)
	if err != nil {
		return "", nil, fmt.Errorf("%s %s: %w", r.typ, r.name, err)
	}
	r.state = state
	p.mu.Lock()
	p.regs = append(p.regs, r)
	p.mu.Unlock()
	return id, state, nil
}

// answer is what AWS (or the engine) would return for a registration.
func (p *planner) answer(r *registration) (string, resource.PropertyMap, error) {
	l := p.layout
	state := r.inputs.Copy()
	str := func(k string) string {
		if v, ok := r.inputs[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	switch {
	case r.typ == "pulumi:pulumi:StackReference":
		return r.name, resource.NewPropertyMapFromMap(map[string]any{
			"name": r.name, "outputs": p.stackOutputs(r.name), "secretOutputNames": []string{},
		}), nil
	case !r.custom:
		return "", resource.PropertyMap{}, nil
	case strings.HasPrefix(r.typ, "pulumi:providers:"):
		account := l.MasterAccountID
		if ar, ok := r.inputs["assumeRole"]; ok && ar.IsObject() {
			if v, ok := ar.ObjectValue()["roleArn"]; ok && v.IsString() {
				parts := strings.Split(v.StringValue(), ":")
				if len(parts) != 6 {
					return "", nil, fmt.Errorf("assumeRole.roleArn %q is not an ARN", v.StringValue())
				}
				account = parts[4]
			}
		}
		p.mu.Lock()
		p.accounts[r.urn] = account
		p.mu.Unlock()
		return "planned-" + r.name, state, nil
	}
	account := l.MasterAccountID
	if r.provider != "" {
		p.mu.Lock()
		a, ok := p.accounts[r.provider]
		p.mu.Unlock()
		if !ok {
			return "", nil, fmt.Errorf("unknown provider %s", r.provider)
		}
		account = a
	}
	if kind, ok := iamKinds[r.typ]; ok {
		path := str("path")
		if path == "" {
			path = "/"
		}
		state["arn"] = resource.NewStringProperty(fmt.Sprintf("arn:%s:iam::%s:%s%s%s", l.Partition, account, kind, path, str("name")))
	}
	if r.typ == typeOIDCProvider {
		// A CI workload's provider: IAM names it by its URL.
		state["arn"] = resource.NewStringProperty(layout.OIDCProviderARN(l.Partition, account, strings.TrimPrefix(str("url"), "https://")))
	}
	return "planned-" + r.name, state, nil
}

// iamKinds are the IAM types whose ARN AWS builds from account, path and
// name, by the ARN's resource kind.
var iamKinds = map[string]string{
	typeRole:   "role",
	typeGroup:  "group",
	typeUser:   "user",
	typePolicy: "policy",
}

// stackOutputs answers a stack reference: the stack's own previous outputs
// are those of a stack deployed with this delivery (the guard lets the run
// through, as it will once the providers and components exist); another
// stack, one whose groups this stack grants to, exports those groups under
// their names, which is all the grants' import IDs need.
func (p *planner) stackOutputs(name string) map[string]any {
	l := p.layout
	groups := map[string]any{}
	for _, g := range l.Groups {
		if g.ManagedBy == name {
			groups[g.Name] = map[string]any{
				contract.GroupName: g.Name,
				contract.GroupArn:  layout.GroupARN(l.Partition, l.MasterAccountID, "/", g.Name),
			}
		}
	}
	return map[string]any{contract.GroupsKey: groups}
}

// Call answers invokes. The only ones the program makes are Identity
// Center's look-ups, whose answers are IDs only AWS knows: they get
// placeholders, and what uses them is listed in Skipped.
func (p *planner) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "aws:ssoadmin/getInstances:getInstances":
		return resource.NewPropertyMapFromMap(map[string]any{
			"arns":             []string{"arn:" + p.layout.Partition + ":sso:::instance/ssoins-unknown0000000"},
			"identityStoreIds": []string{"d-unknown000"},
			"id":               "unknown",
		}), nil
	case "aws:identitystore/getGroup:getGroup":
		return resource.NewPropertyMapFromMap(map[string]any{"groupId": "unknown-group", "id": "unknown-group"}), nil
	case "aws:identitystore/getUser:getUser":
		return resource.NewPropertyMapFromMap(map[string]any{"userId": "unknown-user", "id": "unknown-user"}), nil
	}
	return nil, errors.New("unexpected invoke " + args.Token + ": the program must not call AWS while planning")
}
