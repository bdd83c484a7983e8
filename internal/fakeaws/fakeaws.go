// Package fakeaws is a fake IAM and STS endpoint for tests: an httptest
// server speaking the AWS query protocol (form-encoded Action=...&Version=...
// requests, XML responses shaped as AWS sends them, policy documents
// URL-encoded as IAM returns them). The real SDK clients talk to it through
// a stack's aws:endpoints. It knows which account a call is for from the
// access key in the request's signature: the management account's static
// key, or the key of a session AssumeRole handed out.
//
// The policy simulator is scripted, not an evaluator: Allow says which
// principal may sts:AssumeRole which role under which MFA context. Like
// AWS's, it never reads a trust policy.
package fakeaws

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Credentials the tests use. Other access keys are unknown to the fake,
// except StrangerAccessKey, which belongs to StrangerAccount.
const (
	ManagementAccessKey = "AKIDMANAGEMENTEXAMPLE"
	SecretKey           = "fake-secret"
	StrangerAccessKey   = "AKIDSTRANGEREXAMPLE"
	StrangerAccount     = "999999999999"
	// CallerName is the management account's user the tests run as.
	CallerName = "auditor"
)

// MFA contexts, as package audit names them.
const (
	NoMFA    = "no-mfa"
	FreshMFA = "fresh-mfa"
	StaleMFA = "stale-mfa"
)

// AllContexts are the three MFA contexts.
var AllContexts = []string{NoMFA, FreshMFA, StaleMFA}

// Any in Allow's role map allows every role.
const Any = "*"

const (
	iamVersion   = "2010-05-08"
	stsVersion   = "2011-06-15"
	iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
	// pageSize is small so every listing is paginated with Marker.
	pageSize = 3
)

// Account is one account's IAM.
type Account struct {
	ID       string
	Users    []*User
	Groups   []*Group
	Roles    []*Role
	Policies []*Policy
}

// User is an IAM user.
type User struct {
	Name, Path string
	Groups     []string
	Attached   []string
}

// Group is an IAM group.
type Group struct {
	Name, Path string
	Attached   []string
	Inline     map[string]string
}

// Role is an IAM role.
type Role struct {
	Name, Path, Trust string
	MaxSession        int
	Boundary          string
	Attached          []string
	Inline            map[string]string
}

// Policy is a customer managed policy (its default version).
type Policy struct {
	Name, Path, Document string
}

// Call is one request the fake answered (throttled ones included).
type Call struct {
	Account string
	// Action is "iam:GetRole", "sts:AssumeRole", ...
	Action string
}

// Server is the fake endpoint.
type Server struct {
	*httptest.Server
	Partition  string
	Management string
	// MFAMaxAge tells fresh from stale MFA in simulator requests.
	MFAMaxAge int
	// LegacySimulator answers one result per resource, as the simulator
	// did before it grouped them under ResourceSpecificResults.
	LegacySimulator bool

	mu       sync.Mutex
	accounts map[string]*Account
	// allow: principal ARN -> role ARN (or Any) -> MFA contexts allowed.
	allow    map[string]map[string][]string
	throttle map[string]int
	denied   map[string]bool // accounts whose access role refuses AssumeRole
	keys     map[string]string
	calls    []Call
	sessions int
}

// New starts a fake for a management account.
func New(partition, management string, mfaMaxAge int) *Server {
	s := &Server{
		Partition: partition, Management: management, MFAMaxAge: mfaMaxAge,
		accounts: map[string]*Account{management: {ID: management}},
		allow:    map[string]map[string][]string{},
		throttle: map[string]int{},
		denied:   map[string]bool{},
		keys:     map[string]string{ManagementAccessKey: management, StrangerAccessKey: StrangerAccount},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Account returns the account of that ID, creating it empty.
func (s *Server) Account(id string) *Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.accounts[id] == nil {
		s.accounts[id] = &Account{ID: id}
	}
	return s.accounts[id]
}

// Allow scripts the simulator: principal may assume role (or Any) under
// the MFA contexts given.
func (s *Server) Allow(principal, role string, contexts ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.allow[principal] == nil {
		s.allow[principal] = map[string][]string{}
	}
	s.allow[principal][role] = contexts
}

// Forbid removes every allowance of principal.
func (s *Server) Forbid(principal string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.allow, principal)
}

// Throttle makes the next n calls of action ("iam:GetRole") fail with
// Throttling.
func (s *Server) Throttle(action string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle[action] = n
}

// DenyAccess makes AssumeRole into account fail with AccessDenied.
func (s *Server) DenyAccess(account string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[account] = true
}

// Calls are the requests answered so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// UserARN, RoleARN and PolicyARN compute ARNs as AWS does.
func (s *Server) UserARN(account, path, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:user%s%s", s.Partition, account, path, name)
}

// RoleARN is a role's ARN.
func (s *Server) RoleARN(account, path, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role%s%s", s.Partition, account, path, name)
}

// PolicyARN is a customer managed policy's ARN.
func (s *Server) PolicyARN(account, path, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:policy%s%s", s.Partition, account, path, name)
}

var credentialRE = regexp.MustCompile(`Credential=([^/]+)/`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	m := credentialRE.FindStringSubmatch(r.Header.Get("Authorization"))
	s.mu.Lock()
	defer s.mu.Unlock()
	service, ns := "iam", iamNamespace
	if r.Form.Get("Version") == stsVersion {
		service, ns = "sts", stsNamespace
	} else if r.Form.Get("Version") != iamVersion {
		writeError(w, iamNamespace, http.StatusBadRequest, "InvalidAction", "unknown version "+r.Form.Get("Version"))
		return
	}
	action := r.Form.Get("Action")
	var account string
	if m != nil {
		account = s.keys[m[1]]
	}
	s.calls = append(s.calls, Call{Account: account, Action: service + ":" + action})
	if account == "" {
		writeError(w, ns, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	if n := s.throttle[service+":"+action]; n > 0 {
		s.throttle[service+":"+action] = n - 1
		writeError(w, ns, http.StatusBadRequest, "Throttling", "Rate exceeded")
		return
	}
	a := s.accounts[account]
	if a == nil {
		a = &Account{ID: account}
	}
	var body string
	var err *apiError
	switch service + ":" + action {
	case "sts:GetCallerIdentity":
		body = s.getCallerIdentity(account, m[1])
	case "sts:AssumeRole":
		body, err = s.assumeRole(account, r.Form)
	case "iam:GetAccountAuthorizationDetails":
		body, err = s.authorizationDetails(a, r.Form)
	case "iam:GetRole":
		body, err = s.getRole(a, r.Form.Get("RoleName"))
	case "iam:SimulatePrincipalPolicy":
		body, err = s.simulate(r.Form)
	default:
		err = &apiError{http.StatusBadRequest, "InvalidAction", "the fake does not know " + action}
	}
	if err != nil {
		writeError(w, ns, err.status, err.code, err.message)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, "<%sResponse xmlns=\"%s\">\n  <%sResult>\n%s  </%sResult>\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n</%sResponse>\n",
		action, ns, action, body, action, requestID(len(s.calls)), action)
}

type apiError struct {
	status        int
	code, message string
}

func writeError(w http.ResponseWriter, ns string, status int, code, message string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<ErrorResponse xmlns=\"%s\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>%s</Code>\n    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n", ns, code, esc(message), requestID(0))
}

func requestID(n int) string { return fmt.Sprintf("4d5a3c2b-1e0f-4a9b-8c7d-%012d", n) }

// esc escapes XML text.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// encodeDocument URL-encodes a policy document as IAM returns it.
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

func (s *Server) getCallerIdentity(account, key string) string {
	arn := s.UserARN(account, "/", CallerName)
	if strings.HasPrefix(key, "ASIA") {
		arn = fmt.Sprintf("arn:%s:sts::%s:assumed-role/session", s.Partition, account)
	}
	return fmt.Sprintf("    <Arn>%s</Arn>\n    <UserId>AIDAEXAMPLE%s</UserId>\n    <Account>%s</Account>\n", arn, account, account)
}

func (s *Server) assumeRole(caller string, form url.Values) (string, *apiError) {
	arn := form.Get("RoleArn")
	parts := strings.Split(arn, ":")
	if len(parts) != 6 || caller != s.Management {
		return "", &apiError{http.StatusForbidden, "AccessDenied", "User is not authorized to perform: sts:AssumeRole on resource: " + arn}
	}
	target := parts[4]
	if s.accounts[target] == nil || s.denied[target] {
		return "", &apiError{http.StatusForbidden, "AccessDenied", "User is not authorized to perform: sts:AssumeRole on resource: " + arn}
	}
	s.sessions++
	key := fmt.Sprintf("ASIA%s%04d", target, s.sessions)
	s.keys[key] = target
	return fmt.Sprintf(`    <AssumedRoleUser>
      <Arn>arn:%s:sts::%s:assumed-role/%s/%s</Arn>
      <AssumedRoleId>AROAEXAMPLE:%s</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>%s</AccessKeyId>
      <SecretAccessKey>fake-session-secret</SecretAccessKey>
      <SessionToken>fake-session-token</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
`, s.Partition, target, parts[5][len("role/"):], esc(form.Get("RoleSessionName")), esc(form.Get("RoleSessionName")), key), nil
}

func (s *Server) getRole(a *Account, name string) (string, *apiError) {
	for _, r := range a.Roles {
		if r.Name == name {
			var b strings.Builder
			b.WriteString("    <Role>\n")
			s.roleFields(&b, a, r, "      ")
			fmt.Fprintf(&b, "      <MaxSessionDuration>%d</MaxSessionDuration>\n", r.MaxSession)
			b.WriteString("    </Role>\n")
			return b.String(), nil
		}
	}
	return "", &apiError{http.StatusNotFound, "NoSuchEntity", fmt.Sprintf("The role with name %s cannot be found.", name)}
}

func path(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func (s *Server) roleFields(b *strings.Builder, a *Account, r *Role, in string) {
	fmt.Fprintf(b, "%s<Path>%s</Path>\n%s<RoleName>%s</RoleName>\n%s<RoleId>AROAEXAMPLE%s</RoleId>\n%s<Arn>%s</Arn>\n%s<CreateDate>2024-01-02T03:04:05Z</CreateDate>\n%s<AssumeRolePolicyDocument>%s</AssumeRolePolicyDocument>\n",
		in, path(r.Path), in, r.Name, in, strings.ToUpper(r.Name), in, s.RoleARN(a.ID, path(r.Path), r.Name), in, in, encodeDocument(r.Trust))
	if r.Boundary != "" {
		fmt.Fprintf(b, "%s<PermissionsBoundary>\n%s  <PermissionsBoundaryType>Policy</PermissionsBoundaryType>\n%s  <PermissionsBoundaryArn>%s</PermissionsBoundaryArn>\n%s</PermissionsBoundary>\n", in, in, in, r.Boundary, in)
	}
}

func attachedList(b *strings.Builder, in string, arns []string) {
	if len(arns) == 0 {
		fmt.Fprintf(b, "%s<AttachedManagedPolicies/>\n", in)
		return
	}
	fmt.Fprintf(b, "%s<AttachedManagedPolicies>\n", in)
	for _, arn := range arns {
		fmt.Fprintf(b, "%s  <member>\n%s    <PolicyName>%s</PolicyName>\n%s    <PolicyArn>%s</PolicyArn>\n%s  </member>\n", in, in, arn[strings.LastIndex(arn, "/")+1:], in, arn, in)
	}
	fmt.Fprintf(b, "%s</AttachedManagedPolicies>\n", in)
}

func inlineList(b *strings.Builder, in, element string, policies map[string]string) {
	if len(policies) == 0 {
		fmt.Fprintf(b, "%s<%s/>\n", in, element)
		return
	}
	fmt.Fprintf(b, "%s<%s>\n", in, element)
	names := make([]string, 0, len(policies))
	for n := range policies {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(b, "%s  <member>\n%s    <PolicyName>%s</PolicyName>\n%s    <PolicyDocument>%s</PolicyDocument>\n%s  </member>\n", in, in, n, in, encodeDocument(policies[n]), in)
	}
	fmt.Fprintf(b, "%s</%s>\n", in, element)
}

// authorizationDetails answers GetAccountAuthorizationDetails, pageSize
// entities a page, continued with Marker.
func (s *Server) authorizationDetails(a *Account, form url.Values) (string, *apiError) {
	filter := map[string]bool{}
	for i := 1; ; i++ {
		f := form.Get(fmt.Sprintf("Filter.member.%d", i))
		if f == "" {
			break
		}
		filter[f] = true
	}
	all := len(filter) == 0
	// Every entity rendered as (list, member XML).
	type entity struct{ list, xml string }
	var entities []entity
	in := "        "
	if all || filter["User"] {
		for _, u := range a.Users {
			var b strings.Builder
			fmt.Fprintf(&b, "%s<Path>%s</Path>\n%s<UserName>%s</UserName>\n%s<UserId>AIDAEXAMPLE%s</UserId>\n%s<Arn>%s</Arn>\n%s<CreateDate>2024-01-02T03:04:05Z</CreateDate>\n",
				in, path(u.Path), in, u.Name, in, strings.ToUpper(u.Name), in, s.UserARN(a.ID, path(u.Path), u.Name), in)
			if len(u.Groups) == 0 {
				fmt.Fprintf(&b, "%s<GroupList/>\n", in)
			} else {
				fmt.Fprintf(&b, "%s<GroupList>\n", in)
				for _, g := range u.Groups {
					fmt.Fprintf(&b, "%s  <member>%s</member>\n", in, g)
				}
				fmt.Fprintf(&b, "%s</GroupList>\n", in)
			}
			attachedList(&b, in, u.Attached)
			inlineList(&b, in, "UserPolicyList", nil)
			entities = append(entities, entity{"UserDetailList", b.String()})
		}
	}
	if all || filter["Group"] {
		for _, g := range a.Groups {
			var b strings.Builder
			fmt.Fprintf(&b, "%s<Path>%s</Path>\n%s<GroupName>%s</GroupName>\n%s<GroupId>AGPAEXAMPLE%s</GroupId>\n%s<Arn>arn:%s:iam::%s:group%s%s</Arn>\n%s<CreateDate>2024-01-02T03:04:05Z</CreateDate>\n",
				in, path(g.Path), in, g.Name, in, strings.ToUpper(g.Name), in, s.Partition, a.ID, path(g.Path), g.Name, in)
			attachedList(&b, in, g.Attached)
			inlineList(&b, in, "GroupPolicyList", g.Inline)
			entities = append(entities, entity{"GroupDetailList", b.String()})
		}
	}
	if all || filter["Role"] {
		for _, r := range a.Roles {
			var b strings.Builder
			s.roleFields(&b, a, r, in)
			attachedList(&b, in, r.Attached)
			inlineList(&b, in, "RolePolicyList", r.Inline)
			fmt.Fprintf(&b, "%s<InstanceProfileList/>\n%s<Tags/>\n", in, in)
			entities = append(entities, entity{"RoleDetailList", b.String()})
		}
	}
	if all || filter["LocalManagedPolicy"] {
		for _, p := range a.Policies {
			var b strings.Builder
			fmt.Fprintf(&b, "%s<PolicyName>%s</PolicyName>\n%s<PolicyId>ANPAEXAMPLE%s</PolicyId>\n%s<Arn>%s</Arn>\n%s<Path>%s</Path>\n%s<DefaultVersionId>v2</DefaultVersionId>\n%s<AttachmentCount>1</AttachmentCount>\n%s<IsAttachable>true</IsAttachable>\n%s<CreateDate>2024-01-02T03:04:05Z</CreateDate>\n%s<UpdateDate>2024-01-02T03:04:05Z</UpdateDate>\n",
				in, p.Name, in, strings.ToUpper(p.Name), in, s.PolicyARN(a.ID, path(p.Path), p.Name), in, path(p.Path), in, in, in, in, in)
			// An older version first: only the default one counts.
			fmt.Fprintf(&b, "%s<PolicyVersionList>\n%s  <member>\n%s    <Document>%s</Document>\n%s    <VersionId>v1</VersionId>\n%s    <IsDefaultVersion>false</IsDefaultVersion>\n%s    <CreateDate>2024-01-01T03:04:05Z</CreateDate>\n%s  </member>\n",
				in, in, in, encodeDocument(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`), in, in, in, in)
			fmt.Fprintf(&b, "%s  <member>\n%s    <Document>%s</Document>\n%s    <VersionId>v2</VersionId>\n%s    <IsDefaultVersion>true</IsDefaultVersion>\n%s    <CreateDate>2024-01-02T03:04:05Z</CreateDate>\n%s  </member>\n%s</PolicyVersionList>\n",
				in, in, encodeDocument(p.Document), in, in, in, in, in)
			entities = append(entities, entity{"Policies", b.String()})
		}
	}
	start := 0
	if marker := form.Get("Marker"); marker != "" {
		n, err := strconv.Atoi(marker)
		if err != nil || n < 0 || n > len(entities) {
			return "", &apiError{http.StatusBadRequest, "InvalidInput", "invalid marker"}
		}
		start = n
	}
	end := min(start+pageSize, len(entities))
	var b strings.Builder
	for _, list := range []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"} {
		var members []string
		for _, e := range entities[start:end] {
			if e.list == list {
				members = append(members, e.xml)
			}
		}
		if len(members) == 0 {
			fmt.Fprintf(&b, "    <%s/>\n", list)
			continue
		}
		fmt.Fprintf(&b, "    <%s>\n", list)
		for _, m := range members {
			fmt.Fprintf(&b, "      <member>\n%s      </member>\n", m)
		}
		fmt.Fprintf(&b, "    </%s>\n", list)
	}
	if end < len(entities) {
		fmt.Fprintf(&b, "    <IsTruncated>true</IsTruncated>\n    <Marker>%d</Marker>\n", end)
	} else {
		b.WriteString("    <IsTruncated>false</IsTruncated>\n")
	}
	return b.String(), nil
}

// simulate answers SimulatePrincipalPolicy from the script, for
// sts:AssumeRole only, never reading a trust.
func (s *Server) simulate(form url.Values) (string, *apiError) {
	source := form.Get("PolicySourceArn")
	if form.Get("ActionNames.member.1") != "sts:AssumeRole" || form.Get("ActionNames.member.2") != "" {
		return "", &apiError{http.StatusBadRequest, "InvalidInput", "the fake simulates sts:AssumeRole alone"}
	}
	if !s.principalExists(source) {
		return "", &apiError{http.StatusBadRequest, "NoSuchEntity", "PolicySourceArn " + source + " does not exist"}
	}
	var resources []string
	for i := 1; ; i++ {
		r := form.Get(fmt.Sprintf("ResourceArns.member.%d", i))
		if r == "" {
			break
		}
		resources = append(resources, r)
	}
	ctx := NoMFA
	for i := 1; ; i++ {
		key := form.Get(fmt.Sprintf("ContextEntries.member.%d.ContextKeyName", i))
		if key == "" {
			break
		}
		value := form.Get(fmt.Sprintf("ContextEntries.member.%d.ContextKeyValues.member.1", i))
		if key == "aws:MultiFactorAuthAge" {
			age, _ := strconv.Atoi(value)
			ctx = FreshMFA
			if age >= s.MFAMaxAge {
				ctx = StaleMFA
			}
		}
	}
	decision := func(resource string) string {
		allowed := s.allow[source][resource]
		if contexts, ok := s.allow[source][Any]; ok {
			allowed = append(allowed, contexts...)
		}
		if slices.Contains(allowed, ctx) {
			return "allowed"
		}
		return "implicitDeny"
	}
	var b strings.Builder
	b.WriteString("    <IsTruncated>false</IsTruncated>\n    <EvaluationResults>\n")
	if s.LegacySimulator {
		for _, r := range resources {
			fmt.Fprintf(&b, "      <member>\n        <EvalActionName>sts:AssumeRole</EvalActionName>\n        <EvalResourceName>%s</EvalResourceName>\n        <EvalDecision>%s</EvalDecision>\n        <MatchedStatements/>\n        <MissingContextValues/>\n      </member>\n", r, decision(r))
		}
	} else {
		aggregate := "allowed"
		var each strings.Builder
		for _, r := range resources {
			d := decision(r)
			if d != "allowed" {
				aggregate = d
			}
			fmt.Fprintf(&each, "          <member>\n            <EvalResourceName>%s</EvalResourceName>\n            <EvalResourceDecision>%s</EvalResourceDecision>\n            <MatchedStatements/>\n            <MissingContextValues/>\n          </member>\n", r, d)
		}
		fmt.Fprintf(&b, "      <member>\n        <EvalActionName>sts:AssumeRole</EvalActionName>\n        <EvalResourceName>*</EvalResourceName>\n        <EvalDecision>%s</EvalDecision>\n        <MatchedStatements/>\n        <MissingContextValues/>\n        <EvalDecisionDetails/>\n        <ResourceSpecificResults>\n%s        </ResourceSpecificResults>\n      </member>\n", aggregate, each.String())
	}
	b.WriteString("    </EvaluationResults>\n")
	return b.String(), nil
}

func (s *Server) principalExists(arn string) bool {
	a := s.accounts[s.Management]
	for _, u := range a.Users {
		if s.UserARN(a.ID, path(u.Path), u.Name) == arn {
			return true
		}
	}
	for _, r := range a.Roles {
		if s.RoleARN(a.ID, path(r.Path), r.Name) == arn {
			return true
		}
	}
	return false
}
