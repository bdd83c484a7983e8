package tests

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/intrinsics"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// mockStackSet is a StackSet as CloudFormation holds it.
type mockStackSet struct {
	Name, PermissionModel, ExecutionRole, AdministrationRole string
	ManagedExecution                                         bool
	Template                                                 string
	RoleName, RolePath                                       string
	// RoleTrust is the role's trust policy as the template holds it,
	// intrinsic functions included.
	RoleTrust any
	// OIDCURL, OIDCClientIDs and OIDCThumbprints describe the template's
	// AWS::IAM::OIDCProvider, when it holds one.
	OIDCURL                        string
	OIDCClientIDs, OIDCThumbprints []string
	// Instances counts the instances created, by "account|ous,region".
	Instances map[string]bool
}

// cfnRole is a role a stack instance created in a child account.
type cfnRole struct {
	StackSet, AccountID, ARN string
	// Trust is the trust policy the role got in its account: the
	// template's, Fn::Sub resolved there.
	Trust string
}

var stackSetNameRE = regexp.MustCompile(`^[a-zA-Z][-a-zA-Z0-9]{0,127}$`)

// mockRegion is the region of the stack's default provider in the mocks.
const mockRegion = "us-east-1"

// createStackSet does what CloudFormation's CreateStackSet would: it checks
// the name, the template (parsed as CloudFormation parses it), the
// capabilities a named IAM role needs, and the permission model's inputs.
func (m *awsMocks) createStackSet(rec *recorded) (string, resource.PropertyMap, error) {
	name := rec.str("name")
	if !stackSetNameRE.MatchString(name) {
		return "", nil, fmt.Errorf("ValidationError: StackSet name %q must match %s", name, stackSetNameRE)
	}
	if _, dup := m.stackSets[name]; dup {
		return "", nil, fmt.Errorf("NameAlreadyExistsException: StackSet %s", name)
	}
	body := rec.str("templateBody")
	if len(body) > 51200 {
		return "", nil, fmt.Errorf("ValidationError: template body is %d bytes, over 51200", len(body))
	}
	// CloudFormation resolves intrinsic functions in each target account,
	// not here; goformation would put its own placeholder account in.
	t, err := goformation.ParseJSONWithOptions([]byte(body), &intrinsics.ProcessorOptions{NoProcess: true})
	if err != nil {
		return "", nil, fmt.Errorf("ValidationError: template does not parse: %v", err)
	}
	ss := mockStackSet{Name: name, PermissionModel: rec.str("permissionModel"), Template: body, Instances: map[string]bool{}}
	for _, role := range t.GetAllIAMRoleResources() {
		if role.RoleName != nil {
			ss.RoleName = *role.RoleName
			if !slices.Contains(stringList(rec.Inputs["capabilities"]), "CAPABILITY_NAMED_IAM") {
				return "", nil, fmt.Errorf("InsufficientCapabilitiesException: requires capabilities: [CAPABILITY_NAMED_IAM]")
			}
		}
		ss.RolePath = "/"
		if role.Path != nil {
			ss.RolePath = *role.Path
		}
		ss.RoleTrust = role.AssumeRolePolicyDocument
	}
	for _, p := range t.GetAllIAMOIDCProviderResources() {
		if p.Url == nil {
			return "", nil, fmt.Errorf("ValidationError: AWS::IAM::OIDCProvider without Url")
		}
		ss.OIDCURL, ss.OIDCClientIDs, ss.OIDCThumbprints = *p.Url, p.ClientIdList, p.ThumbprintList
	}
	if me := rec.Inputs["managedExecution"]; me.IsObject() {
		if a := me.ObjectValue()["active"]; a.IsBool() {
			ss.ManagedExecution = a.BoolValue()
		}
	}
	switch ss.PermissionModel {
	case "SELF_MANAGED":
		ss.AdministrationRole, ss.ExecutionRole = rec.str("administrationRoleArn"), rec.str("executionRoleName")
		if ss.AdministrationRole == "" || ss.ExecutionRole == "" {
			return "", nil, fmt.Errorf("ValidationError: SELF_MANAGED needs administrationRoleArn and executionRoleName")
		}
		if rec.Inputs["autoDeployment"].IsObject() {
			return "", nil, fmt.Errorf("ValidationError: autoDeployment is only for SERVICE_MANAGED")
		}
	case "SERVICE_MANAGED":
		if rec.str("administrationRoleArn") != "" || rec.str("executionRoleName") != "" {
			return "", nil, fmt.Errorf("ValidationError: SERVICE_MANAGED takes no administration or execution role")
		}
	default:
		return "", nil, fmt.Errorf("ValidationError: permissionModel %q", ss.PermissionModel)
	}
	m.stackSets[name] = ss
	id := name + ":0e1f2a3b-0000-4000-8000-" + fmt.Sprintf("%012d", len(m.stackSets))
	arn := fmt.Sprintf("arn:aws:cloudformation:%s:%s:stackset/%s", mockRegion, m.master, id)
	return name, stackSetReadBack(rec, m.master, arn, id), nil
}

// createStackSetInstance does what CreateStackInstances would for one
// instance, and creates the template's role in the target account, where
// AWS would name it.
func (m *awsMocks) createStackSetInstance(rec *recorded) (string, resource.PropertyMap, error) {
	ss, ok := m.stackSets[rec.str("stackSetName")]
	if !ok {
		return "", nil, fmt.Errorf("StackSetNotFoundException: %q", rec.str("stackSetName"))
	}
	if !ss.ManagedExecution {
		// The engine creates instances in parallel; without managed
		// execution CloudFormation refuses all but the first.
		return "", nil, fmt.Errorf("OperationInProgressException: StackSet %s runs one operation at a time", ss.Name)
	}
	region := rec.str("region")
	if region == "" {
		return "", nil, fmt.Errorf("missing required input %q", "region")
	}
	var account, target string
	dt := rec.Inputs["deploymentTargets"]
	switch ss.PermissionModel {
	case "SELF_MANAGED":
		account = rec.str("accountId")
		if account == "" || dt.IsObject() {
			return "", nil, fmt.Errorf("ValidationError: SELF_MANAGED instances name an accountId and no deploymentTargets")
		}
		target = account
	case "SERVICE_MANAGED":
		if !dt.IsObject() {
			return "", nil, fmt.Errorf("ValidationError: SERVICE_MANAGED instances need deploymentTargets")
		}
		targets := dt.ObjectValue()
		ous := stringList(targets["organizationalUnitIds"])
		if len(ous) == 0 {
			return "", nil, fmt.Errorf("ValidationError: deploymentTargets need organizationalUnitIds")
		}
		accounts := stringList(targets["accounts"])
		switch {
		case len(accounts) == 0:
			target = strings.Join(ous, "/")
		case len(accounts) == 1 && targets["accountFilterType"].IsString() && targets["accountFilterType"].StringValue() == "INTERSECTION":
			account, target = accounts[0], accounts[0]
		default:
			return "", nil, fmt.Errorf("ValidationError: deploymentTargets %v", targets)
		}
	}
	if account == m.master {
		return "", nil, fmt.Errorf("ValidationError: StackSets do not deploy to the management account")
	}
	key := target + "," + region
	if ss.Instances[key] {
		return "", nil, fmt.Errorf("a second resource for the instance %s of %s", key, ss.Name)
	}
	ss.Instances[key] = true
	if account != "" && ss.OIDCURL != "" {
		if _, err := m.addOIDCProvider(account, ss.OIDCURL, ss.OIDCClientIDs, ss.OIDCThumbprints); err != nil {
			return "", nil, err
		}
	}
	if account != "" && ss.RoleName != "" {
		// CloudFormation resolves the template's intrinsic functions in the
		// target account; IAM then checks the trust's principals there.
		resolved, err := resolveTemplateIntrinsics(ss.RoleTrust, account)
		if err != nil {
			return "", nil, err
		}
		trust, err := json.Marshal(resolved)
		if err != nil {
			return "", nil, err
		}
		if err := m.checkTrustPrincipals(account, string(trust)); err != nil {
			return "", nil, err
		}
		m.cfnRoles = append(m.cfnRoles, cfnRole{StackSet: ss.Name, AccountID: account,
			ARN: fmt.Sprintf("arn:aws:iam::%s:role%s%s", account, ss.RolePath, ss.RoleName), Trust: string(trust)})
	}
	// The AWS provider's ID: StackSet, account or OUs, region; reading an
	// instance by OUs lists the StackSet's instances there.
	idTarget := target
	var summaries []any
	if dt.IsObject() {
		idTarget = strings.Join(stringList(dt.ObjectValue()["organizationalUnitIds"]), "/")
		for key := range ss.Instances {
			if acct, _, _ := strings.Cut(key, ","); len(acct) == 12 {
				summaries = append(summaries, map[string]any{"accountId": acct, "organizationalUnitId": idTarget})
			}
		}
	}
	return ss.Name + "," + idTarget + "," + region, stackSetInstanceReadBack(rec, ss.Name, account, region, summaries), nil
}

// instanceOps counts the instances created in each StackSet.
func (m *awsMocks) instanceOps() map[string]int {
	out := make(map[string]int, len(m.stackSets))
	for name, ss := range m.stackSets {
		out[name] = len(ss.Instances)
	}
	return out
}

func stringList(v resource.PropertyValue) []string {
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}
