package stacksets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/policies"

	"iam-layout/layout"
	iampolicies "iam-layout/policies"
)

// OIDCProviderLogicalID is the provider's logical ID in every issuer's
// template; like RoleLogicalID it never changes.
const OIDCProviderLogicalID = "Provider"

// ProviderStackSet is the plan of one issuer's StackSets: an IAM OIDC
// provider in every account where a workload trusts the issuer.
type ProviderStackSet struct {
	// Name is the name of the issuer's first StackSet.
	Name   string
	Issuer *layout.Issuer
	// Template is the template body, normalised JSON.
	Template string
	// ClientIDs are the audiences the template's provider accepts.
	ClientIDs []string
	// Instances are one per account, sorted by key ("account/oidc/host").
	Instances []Instance
	// Shards are the names of the StackSets the instances are spread over
	// (Arrange), Name first.
	Shards []string
}

// subFunction is CloudFormation's Fn::Sub with a plain string.
type subFunction struct {
	Sub string `json:"Fn::Sub"`
}

// WorkloadTemplateTrust is the trust policy of a workload's role as its
// StackSet template holds it: the document policies.WorkloadTrust builds,
// with the OIDC provider's ARN written as Fn::Sub of
// ${AWS::AccountId}, so each account's stack names its own provider. It
// also returns the document before the substitution, with the variable in
// place of the account ID, to check placements against.
func WorkloadTemplateTrust(l *layout.Layout, r *layout.Role) (template, plain string, err error) {
	plain, err = iampolicies.Marshal(iampolicies.WorkloadTrust(l, r, iampolicies.AccountIDVariable))
	if err != nil {
		return "", "", err
	}
	arn := layout.OIDCProviderARN(l.Partition, iampolicies.AccountIDVariable, r.Workload.Issuer.Host)
	quoted, err := json.Marshal(arn)
	if err != nil {
		return "", "", err
	}
	sub, err := json.Marshal(subFunction{Sub: arn})
	if err != nil {
		return "", "", err
	}
	// The quoted ARN is a whole JSON string token of the compact document,
	// and appears nowhere else: the only text holding the variable is the
	// provider ARN (the issuer host and subjects cannot hold "${").
	if bytes.Count([]byte(plain), quoted) == 0 || strings.Count(plain, iampolicies.AccountIDVariable) != bytes.Count([]byte(plain), quoted) {
		return "", "", fmt.Errorf("the trust policy of workload %s does not name its provider as %s once per statement", r.Name, arn)
	}
	out, err := Normalise(bytes.ReplaceAll([]byte(plain), quoted, sub))
	if err != nil {
		return "", "", err
	}
	return out, plain, nil
}

// placementTrust is plain (from WorkloadTemplateTrust) in one account.
func placementTrust(plain string, a *layout.Account) string {
	return strings.ReplaceAll(plain, iampolicies.AccountIDVariable, a.ID)
}

// BuildOIDCProviders plans the issuers' StackSets of a stackSets layout: one
// family per issuer, its instances the accounts that need the provider,
// arranged as on a first deployment (Arrange). The
// template's audiences are those of the issuer's workloads in any account:
// a template is shared by all its accounts, and each role's trust still
// demands its own workload's audience exactly.
func BuildOIDCProviders(l *layout.Layout) ([]ProviderStackSet, error) {
	out := make([]ProviderStackSet, 0, len(l.Issuers))
	for _, iss := range l.Issuers {
		var clientIDs []string
		seen := map[string]bool{}
		ps := ProviderStackSet{Name: iss.StackSetName, Issuer: iss}
		for _, p := range iss.Providers {
			for _, id := range p.ClientIDs {
				if !seen[id] {
					seen[id] = true
					clientIDs = append(clientIDs, id)
				}
			}
			ps.Instances = append(ps.Instances, Instance{Key: OIDCProviderKey(p), Account: p.Account})
		}
		sort.Strings(clientIDs)
		sort.Slice(ps.Instances, func(i, j int) bool { return ps.Instances[i].Key < ps.Instances[j].Key })
		body, err := OIDCProviderTemplate(iss, clientIDs)
		if err != nil {
			return nil, fmt.Errorf("rendering the StackSet template of issuer %s: %w", iss.URL, err)
		}
		ps.Template, ps.ClientIDs = body, clientIDs
		out = append(out, ps)
	}
	Arrange(nil, out, nil)
	return out, nil
}

// OIDCProviderKey is the stable name of a provider, in providers delivery
// its resource and in stackSets delivery its instance: account and issuer,
// both config keys.
func OIDCProviderKey(p *layout.OIDCProvider) string {
	return p.Account.Name + "/oidc/" + p.Issuer.Host
}

// oidcProvider is AWS::IAM::OIDCProvider. goformation's type (v7.14.9) writes
// ThumbprintList as null when there is none, and CloudFormation validates
// a property's type against its schema; this one leaves the property out,
// so IAM uses its trusted root CAs (or fetches the thumbprint itself: the
// thumbprint list is optional in CreateOpenIDConnectProvider).
type oidcProvider struct {
	URL            string   `json:"Url"`
	ClientIDList   []string `json:"ClientIdList"`
	ThumbprintList []string `json:"ThumbprintList,omitempty"`
}

// AWSCloudFormationType makes oidcProvider a goformation resource.
func (oidcProvider) AWSCloudFormationType() string { return "AWS::IAM::OIDCProvider" }

// MarshalJSON writes the resource as a template holds it.
func (p oidcProvider) MarshalJSON() ([]byte, error) {
	type properties oidcProvider
	return json.Marshal(struct {
		Type           string
		Properties     properties
		DeletionPolicy policies.DeletionPolicy `json:",omitempty"`
	}{p.AWSCloudFormationType(), properties(p), policies.DeletionPolicy("Delete")})
}

// OIDCProviderTemplate renders the template that creates iss's provider.
func OIDCProviderTemplate(iss *layout.Issuer, clientIDs []string) (string, error) {
	t := cloudformation.NewTemplate()
	t.Description = "iam-layout: OIDC provider " + iss.URL + " for CI workloads (managed by iam-layout; edit the organization's stack file, not this template)"
	t.Resources[OIDCProviderLogicalID] = oidcProvider{URL: iss.URL, ClientIDList: clientIDs, ThumbprintList: iss.Thumbprints}
	raw, err := json.Marshal(t)
	if err != nil {
		return "", err
	}
	return Normalise(raw)
}
