package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"iam-layout/policies"
)

// GuardrailsType is the type token of the Guardrails component.
const GuardrailsType = "iam-layout:organization:Guardrails"

// GuardrailsArgs are the inputs of Guardrails.
type GuardrailsArgs struct {
	Policies []policies.SharedPolicy
}

// Guardrails holds the shared guardrail policies of the management account:
// each document exists once, however many groups it is attached to.
type Guardrails struct {
	pulumi.ResourceState

	// Arns maps policy name to ARN.
	Arns map[string]pulumi.StringOutput
}

// NewGuardrails creates the shared guardrail policies.
func NewGuardrails(ctx *pulumi.Context, name string, args *GuardrailsArgs, opts ...pulumi.ResourceOption) (*Guardrails, error) {
	if args == nil {
		return nil, errors.New("creating guardrails: args are required")
	}
	comp := &Guardrails{Arns: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource(GuardrailsType, name, comp, opts...); err != nil {
		return nil, fmt.Errorf("registering guardrails: %w", err)
	}
	outputs := pulumi.Map{}
	for _, p := range args.Policies {
		pol, err := iam.NewPolicy(ctx, p.Name, &iam.PolicyArgs{
			Name:        pulumi.String(p.Name),
			Path:        pulumi.String(p.Path),
			Description: pulumi.String("Guardrail for people's groups (managed by iam-layout)"),
			Policy:      pulumi.String(p.Document),
		}, pulumi.Parent(comp))
		if err != nil {
			return nil, fmt.Errorf("creating IAM policy (%s): %w", p.Name, err)
		}
		comp.Arns[p.Name] = pol.Arn
		outputs[p.Name] = pol.Arn
	}
	if err := ctx.RegisterResourceOutputs(comp, outputs); err != nil {
		return nil, fmt.Errorf("registering outputs of guardrails: %w", err)
	}
	return comp, nil
}
