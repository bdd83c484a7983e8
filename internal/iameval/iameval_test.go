package iameval

import "testing"

const (
	alice     = "arn:aws:iam::012345678901:user/alice"
	admin     = "arn:aws:iam::012345678901:user/admin"
	outsider  = "arn:aws:iam::999999999999:user/mallory"
	roleARN   = "arn:aws:iam::123456789012:role/AlfieReadOnly"
	otherRole = "arn:aws:iam::123456789012:role/Other"
)

func TestEvaluateDecidesLikeIAM(t *testing.T) {
	t.Parallel()
	fresh := map[string]string{"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}
	stale := map[string]string{"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "7200"}
	mfaTrust := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole",
		"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}}`
	for name, tc := range map[string]struct {
		doc      string
		resource bool
		req      Request
		want     Decision
	}{
		"an account root trusts every principal of that account": {
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole"}]}`,
			true, Request{Principal: admin, Action: "sts:AssumeRole"}, Allow},
		"an account root trusts no one from another account": {
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole"}]}`,
			true, Request{Principal: outsider, Action: "sts:AssumeRole"}, NotApplicable},
		"a bare account ID stands for its root": {
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"012345678901"},"Action":"sts:AssumeRole"}]}`,
			true, Request{Principal: admin, Action: "sts:AssumeRole"}, Allow},
		"a user ARN trusts that user only": {
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::012345678901:user/alice"]},"Action":"sts:AssumeRole"}]}`,
			true, Request{Principal: admin, Action: "sts:AssumeRole"}, NotApplicable},
		"the trusted user gets in": {
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::012345678901:user/alice"]},"Action":"sts:AssumeRole"}]}`,
			true, Request{Principal: alice, Action: "sts:AssumeRole"}, Allow},
		"MFA required and absent (long-term keys)": {mfaTrust, true, Request{Principal: alice, Action: "sts:AssumeRole"}, NotApplicable},
		"MFA required and fresh":                   {mfaTrust, true, Request{Principal: alice, Action: "sts:AssumeRole", Context: fresh}, Allow},
		"MFA required and too old":                 {mfaTrust, true, Request{Principal: alice, Action: "sts:AssumeRole", Context: stale}, NotApplicable},
		"BoolIfExists in an Allow lets keys without MFA through": {
			`{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}}}`,
			true, Request{Principal: alice, Action: "sts:AssumeRole"}, Allow},
		"ForAllValues on an absent key is true": {
			`{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"ForAllValues:StringEquals":{"token:sub":"repo:a/b:ref:refs/heads/main"}}}}`,
			true, Request{Principal: outsider, Action: "sts:AssumeRole"}, Allow},
		"an identity policy allows the listed role": {
			`{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":["arn:aws:iam::123456789012:role/AlfieReadOnly"]}}`,
			false, Request{Principal: alice, Action: "sts:AssumeRole", Resource: roleARN}, Allow},
		"an identity policy does not allow another role": {
			`{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":["arn:aws:iam::123456789012:role/AlfieReadOnly"]}}`,
			false, Request{Principal: alice, Action: "sts:AssumeRole", Resource: otherRole}, NotApplicable},
		"actions match case-insensitively with wildcards": {
			`{"Statement":{"Effect":"Allow","Action":"STS:Assume*","Resource":"*"}}`,
			false, Request{Principal: admin, Action: "sts:AssumeRole", Resource: roleARN}, Allow},
		"resources match with wildcards across slashes": {
			`{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/*"}}`,
			false, Request{Principal: admin, Action: "sts:AssumeRole", Resource: "arn:aws:iam::123456789012:role/team/Deep"}, Allow},
		"a Deny wins over an Allow": {
			`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"iam:ChangePassword","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`,
			false, Request{Principal: alice, Action: "sts:AssumeRole", Resource: roleARN}, Deny},
		"policy variables come from the context": {
			`{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"StringEquals":{"sts:RoleSessionName":"${aws:username}"}}}}`,
			false, Request{Principal: alice, Action: "sts:AssumeRole", Resource: roleARN, Context: map[string]string{"aws:username": "alice", "sts:RoleSessionName": "alice"}}, Allow},
		"a session name that is not the user's": {
			`{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"StringEquals":{"sts:RoleSessionName":"${aws:username}"}}}}`,
			false, Request{Principal: alice, Action: "sts:AssumeRole", Resource: roleARN, Context: map[string]string{"aws:username": "alice", "sts:RoleSessionName": "bob"}}, NotApplicable},
		"ArnLike on the principal": {
			`{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::012345678901:user/a*"}}}}`,
			true, Request{Principal: admin, Action: "sts:AssumeRole", Context: map[string]string{"aws:PrincipalArn": admin}}, Allow},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := Evaluate(tc.doc, tc.req, tc.resource)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("decision = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAssumeRoleNeedsBothSides(t *testing.T) {
	t.Parallel()
	trust := `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:user/alice"},"Action":"sts:AssumeRole"}}`
	everything := `{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}`
	for name, tc := range map[string]struct {
		principal string
		identity  []string
		want      bool
	}{
		"trusted and granted":       {alice, []string{everything}, true},
		"trusted but not granted":   {alice, nil, false},
		"granted but not trusted":   {admin, []string{everything}, false},
		"neither trusted nor given": {admin, nil, false},
	} {
		got, err := AssumeRole(trust, tc.identity, Request{Principal: tc.principal, Action: "sts:AssumeRole", Resource: roleARN})
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s: allowed = %v, want %v", name, got, tc.want)
		}
	}
}

func TestEvaluateRefusesWhatItCannotJudge(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"not JSON":         `{`,
		"unknown operator": `{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01"}}}}`,
		"NotPrincipal":     `{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole"}}`,
		"no action":        `{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"}}}`,
	} {
		if _, err := Evaluate(doc, Request{Principal: alice, Action: "sts:AssumeRole", Context: map[string]string{"aws:CurrentTime": "2026-01-01"}}, true); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
