package tests

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Identity Center resource types and invokes the program may use.
const (
	typePermissionSet          = "aws:ssoadmin/permissionSet:PermissionSet"
	typeManagedAttachment      = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"
	typeCustomerAttachment     = "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment"
	typeInlinePolicy           = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"
	typeBoundaryAttachment     = "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment"
	typeAccountAssignment      = "aws:ssoadmin/accountAssignment:AccountAssignment"
	typeIdentityStoreGroup     = "aws:identitystore/group:Group"
	typeIdentityStoreUser      = "aws:identitystore/user:User"
	typeIdentityStoreMember    = "aws:identitystore/groupMembership:GroupMembership"
	typeIdentityCenter         = "iam-layout:organization:IdentityCenter"
	typePermissionSetComponent = "iam-layout:organization:PermissionSet"
	typeIdentityCenterGroup    = "iam-layout:organization:IdentityCenterGroup"

	invokeGetInstances = "aws:ssoadmin/getInstances:getInstances"
	invokeGetGroup     = "aws:identitystore/getGroup:getGroup"
	invokeGetUser      = "aws:identitystore/getUser:getUser"
)

// The mocks' Identity Center instance, in the formats AWS uses.
const (
	mockInstanceArn = "arn:aws:sso:::instance/ssoins-7223c5bd4e2f9a01"
	mockStoreID     = "d-9067c1a2b3"
)

// mockIdentityCenter is Identity Center as the mocks' AWS has it: its
// instances and the groups and users that exist before the program runs.
type mockIdentityCenter struct {
	arns, stores []string
	// groups and users map display name / user name to ID.
	groups, users map[string]string
}

func newMockIdentityCenter() *mockIdentityCenter {
	return &mockIdentityCenter{
		arns: []string{mockInstanceArn}, stores: []string{mockStoreID},
		// The sso example stack's existing group.
		groups: map[string]string{"Alfie Developers": storeID("group", "Alfie Developers")},
		users:  map[string]string{},
	}
}

// invoked is one invoke the program made.
type invoked struct {
	Token, Provider string
	Args            resource.PropertyMap
}

// storeID is an identity store ID as AWS writes them: a UUID, here derived
// from the kind and name so runs are repeatable.
func storeID(kind, name string) string {
	h := sha256.Sum256([]byte(kind + "/" + name))
	x := hex.EncodeToString(h[:16])
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

var (
	uuidRE          = regexp.MustCompile(`^([0-9a-f]{10}-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	psNameRE        = regexp.MustCompile(`^[\w+=,.@-]{1,32}$`)
	psArnRE         = regexp.MustCompile(`^arn:aws:sso:::permissionSet/(ssoins-[0-9a-f]{16})/ps-[0-9a-f]{16}$`)
	isoRE           = regexp.MustCompile(`^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$`)
	awsManagedRE    = regexp.MustCompile(`^arn:aws:iam::aws:policy/`)
	policyRefNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)
	policyRefPathRE = regexp.MustCompile(`^/$|^/[\x21-\x7E]+/$`)
	accountIDRE     = regexp.MustCompile(`^[0-9]{12}$`)
)

// nested reads a string at a path of nested objects in a property map.
func nested(m resource.PropertyMap, keys ...string) string {
	for i, k := range keys {
		v, ok := m[resource.PropertyKey(k)]
		if !ok {
			return ""
		}
		if i == len(keys)-1 {
			if v.IsString() {
				return v.StringValue()
			}
			return ""
		}
		if !v.IsObject() {
			return ""
		}
		m = v.ObjectValue()
	}
	return ""
}

// callIdentityCenter answers the Identity Center invokes, as AWS would;
// ok is false for any other invoke.
func (m *awsMocks) callIdentityCenter(args pulumi.MockCallArgs) (resource.PropertyMap, bool, error) {
	switch args.Token {
	case invokeGetInstances, invokeGetGroup, invokeGetUser:
	default:
		return nil, false, nil
	}
	m.mu.Lock()
	m.invokes = append(m.invokes, invoked{Token: args.Token, Provider: args.Provider, Args: args.Args})
	m.mu.Unlock()
	idc := m.idc
	switch args.Token {
	case invokeGetInstances:
		return resource.NewPropertyMapFromMap(map[string]any{"id": "us-east-1", "arns": idc.arns, "identityStoreIds": idc.stores}), true, nil
	case invokeGetGroup:
		if err := m.knownStore(nested(args.Args, "identityStoreId")); err != nil {
			return nil, true, err
		}
		if path := nested(args.Args, "alternateIdentifier", "uniqueAttribute", "attributePath"); path != "DisplayName" {
			return nil, true, fmt.Errorf("ValidationException: groups are found by DisplayName, got attribute path %q", path)
		}
		name := nested(args.Args, "alternateIdentifier", "uniqueAttribute", "attributeValue")
		id, ok := idc.groups[name]
		if !ok {
			return nil, true, fmt.Errorf("ResourceNotFoundException: no group with DisplayName %q", name)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": id, "groupId": id, "displayName": name, "identityStoreId": mockStoreID, "description": "", "externalIds": []any{},
		}), true, nil
	default: // invokeGetUser
		if err := m.knownStore(nested(args.Args, "identityStoreId")); err != nil {
			return nil, true, err
		}
		if path := nested(args.Args, "alternateIdentifier", "uniqueAttribute", "attributePath"); path != "UserName" {
			return nil, true, fmt.Errorf("ValidationException: users are found by UserName, got attribute path %q", path)
		}
		name := nested(args.Args, "alternateIdentifier", "uniqueAttribute", "attributeValue")
		id, ok := idc.users[name]
		if !ok {
			return nil, true, fmt.Errorf("ResourceNotFoundException: no user with UserName %q", name)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": id, "userId": id, "userName": name, "identityStoreId": mockStoreID,
		}), true, nil
	}
}

func (m *awsMocks) knownStore(id string) error {
	for _, s := range m.idc.stores {
		if s == id {
			return nil
		}
	}
	return fmt.Errorf("ResourceNotFoundException: identity store %q", id)
}

// createIdentityCenter does what Identity Center would for its resource
// types: checks the inputs its API requires and computes ARNs and IDs in its
// formats. ok is false for other types.
func (m *awsMocks) createIdentityCenter(rec *recorded, state resource.PropertyMap) (string, resource.PropertyMap, bool, error) {
	switch rec.Type {
	case typePermissionSet, typeManagedAttachment, typeCustomerAttachment, typeInlinePolicy, typeBoundaryAttachment,
		typeAccountAssignment, typeIdentityStoreGroup, typeIdentityStoreUser, typeIdentityStoreMember:
	default:
		return "", nil, false, nil
	}
	fail := func(format string, args ...any) (string, resource.PropertyMap, bool, error) {
		return "", nil, true, fmt.Errorf(format, args...)
	}
	if rec.AccountID != m.master {
		return fail("Identity Center is managed from the management account, not %s", rec.AccountID)
	}
	need := func(keys ...string) error {
		for _, k := range keys {
			if rec.str(k) == "" {
				return fmt.Errorf("missing required input %q", k)
			}
		}
		return nil
	}
	set := func(k, v string) { state[resource.PropertyKey(k)] = resource.NewStringProperty(v) }
	instanceID := strings.TrimPrefix(mockInstanceArn, "arn:aws:sso:::instance/")
	permissionSet := func() error {
		if err := need("instanceArn", "permissionSetArn"); err != nil {
			return err
		}
		if rec.str("instanceArn") != mockInstanceArn {
			return fmt.Errorf("ResourceNotFoundException: instance %q", rec.str("instanceArn"))
		}
		if mm := psArnRE.FindStringSubmatch(rec.str("permissionSetArn")); mm == nil || mm[1] != instanceID {
			return fmt.Errorf("permission set %q is not of instance %s", rec.str("permissionSetArn"), instanceID)
		}
		return nil
	}
	switch rec.Type {
	case typePermissionSet:
		if err := need("instanceArn", "name"); err != nil {
			return fail("%v", err)
		}
		if rec.str("instanceArn") != mockInstanceArn {
			return fail("ResourceNotFoundException: instance %q", rec.str("instanceArn"))
		}
		if !psNameRE.MatchString(rec.str("name")) {
			return fail("ValidationException: permission set name %q", rec.str("name"))
		}
		if d := rec.str("sessionDuration"); d != "" {
			mm := isoRE.FindStringSubmatch(d)
			if mm == nil || d == "PT" {
				return fail("ValidationException: session duration %q", d)
			}
			h, _ := strconv.Atoi("0" + mm[1])
			mi, _ := strconv.Atoi("0" + mm[2])
			s, _ := strconv.Atoi("0" + mm[3])
			if total := h*3600 + mi*60 + s; total < 3600 || total > 43200 {
				return fail("ValidationException: session duration %s outside PT1H-PT12H", d)
			}
		}
		if len(rec.str("description")) > 700 {
			return fail("ValidationException: description over 700 characters")
		}
		h := sha256.Sum256([]byte(rec.str("name")))
		arn := "arn:aws:sso:::permissionSet/" + instanceID + "/ps-" + hex.EncodeToString(h[:8])
		set("arn", arn)
		set("createdDate", "2024-01-01T00:00:00Z")
		return arn + "," + mockInstanceArn, state, true, nil
	case typeManagedAttachment:
		if err := permissionSet(); err != nil {
			return fail("%v", err)
		}
		// Identity Center attaches only AWS managed policies this way;
		// customer managed ones are references by name and path.
		if !awsManagedRE.MatchString(rec.str("managedPolicyArn")) {
			return fail("ValidationException: %q is not an AWS managed policy", rec.str("managedPolicyArn"))
		}
		return rec.str("managedPolicyArn") + "," + rec.str("permissionSetArn") + "," + mockInstanceArn, state, true, nil
	case typeCustomerAttachment:
		if err := permissionSet(); err != nil {
			return fail("%v", err)
		}
		name, path := nested(rec.Inputs, "customerManagedPolicyReference", "name"), nested(rec.Inputs, "customerManagedPolicyReference", "path")
		if !policyRefNameRE.MatchString(name) || !policyRefPathRE.MatchString(path) {
			return fail("ValidationException: customer managed policy reference %q %q", name, path)
		}
		return name + "," + path + "," + rec.str("permissionSetArn") + "," + mockInstanceArn, state, true, nil
	case typeInlinePolicy:
		if err := permissionSet(); err != nil {
			return fail("%v", err)
		}
		doc := rec.str("inlinePolicy")
		chars := len(strings.Join(strings.FieldsFunc(doc, unicode.IsSpace), ""))
		if !json.Valid([]byte(doc)) || len(doc) > 32768 || chars > 10240 {
			return fail("MalformedPolicyDocument: inline policy of %d bytes", len(doc))
		}
		return rec.str("permissionSetArn") + "," + mockInstanceArn, state, true, nil
	case typeBoundaryAttachment:
		if err := permissionSet(); err != nil {
			return fail("%v", err)
		}
		managed := nested(rec.Inputs, "permissionsBoundary", "managedPolicyArn")
		ref := nested(rec.Inputs, "permissionsBoundary", "customerManagedPolicyReference", "name")
		if (managed == "") == (ref == "") {
			return fail("ValidationException: a permissions boundary is an AWS managed policy or a customer managed reference, exactly one")
		}
		return rec.str("permissionSetArn") + "," + mockInstanceArn, state, true, nil
	case typeAccountAssignment:
		if err := permissionSet(); err != nil {
			return fail("%v", err)
		}
		if err := need("principalId", "principalType", "targetId"); err != nil {
			return fail("%v", err)
		}
		if t := rec.str("principalType"); t != "GROUP" && t != "USER" {
			return fail("ValidationException: principal type %q", t)
		}
		if t := rec.str("targetType"); t != "AWS_ACCOUNT" {
			return fail("ValidationException: target type %q", t)
		}
		if !accountIDRE.MatchString(rec.str("targetId")) || !uuidRE.MatchString(rec.str("principalId")) {
			return fail("ValidationException: target %q principal %q", rec.str("targetId"), rec.str("principalId"))
		}
		return strings.Join([]string{rec.str("principalId"), rec.str("principalType"), rec.str("targetId"), "AWS_ACCOUNT", rec.str("permissionSetArn"), mockInstanceArn}, ","), state, true, nil
	case typeIdentityStoreGroup:
		if err := need("identityStoreId", "displayName"); err != nil {
			return fail("%v", err)
		}
		if err := m.knownStore(rec.str("identityStoreId")); err != nil {
			return fail("%v", err)
		}
		if _, exists := m.idc.groups[rec.str("displayName")]; exists {
			return fail("ConflictException: a group named %q exists", rec.str("displayName"))
		}
		id := storeID("group", rec.str("displayName"))
		set("groupId", id)
		return mockStoreID + "/" + id, state, true, nil
	case typeIdentityStoreUser:
		if err := need("identityStoreId", "userName", "displayName"); err != nil {
			return fail("%v", err)
		}
		if nested(rec.Inputs, "name", "givenName") == "" || nested(rec.Inputs, "name", "familyName") == "" {
			return fail("ValidationException: a user needs name.givenName and name.familyName")
		}
		if err := m.knownStore(rec.str("identityStoreId")); err != nil {
			return fail("%v", err)
		}
		id := storeID("user", rec.str("userName"))
		set("userId", id)
		return mockStoreID + "/" + id, state, true, nil
	default: // typeIdentityStoreMember
		if err := need("identityStoreId", "groupId", "memberId"); err != nil {
			return fail("%v", err)
		}
		if !uuidRE.MatchString(rec.str("groupId")) || !uuidRE.MatchString(rec.str("memberId")) {
			return fail("ValidationException: group %q member %q", rec.str("groupId"), rec.str("memberId"))
		}
		id := storeID("membership", rec.str("groupId")+"/"+rec.str("memberId"))
		set("membershipId", id)
		return mockStoreID + "/" + id, state, true, nil
	}
}
