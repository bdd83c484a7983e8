package importfile

import (
	"strings"
	"testing"
)

func TestURNsNameTheParentsQualifiedType(t *testing.T) {
	t.Parallel()
	component := URN("dev", "iam-layout", "", "iam-layout:organization:RoleStackSet", "ReadOnly")
	cases := map[string]struct {
		parent, typ, name, want string
	}{
		"under the stack": {"", "iam-layout:organization:RoleStackSet", "ReadOnly",
			"urn:pulumi:dev::iam-layout::iam-layout:organization:RoleStackSet::ReadOnly"},
		"the stack named as parent": {"urn:pulumi:dev::iam-layout::pulumi:pulumi:Stack::iam-layout-dev", "aws:iam/role:Role", "r",
			"urn:pulumi:dev::iam-layout::aws:iam/role:Role::r"},
		"under a component": {component, "aws:cloudformation/stackSetInstance:StackSetInstance", "qa/ReadOnly",
			"urn:pulumi:dev::iam-layout::iam-layout:organization:RoleStackSet$aws:cloudformation/stackSetInstance:StackSetInstance::qa/ReadOnly"},
		"two levels down": {"urn:pulumi:dev::iam-layout::a:b:C$d:e:F::x", "g:h:I", "y",
			"urn:pulumi:dev::iam-layout::a:b:C$d:e:F$g:h:I::y"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := URN("dev", "iam-layout", tc.parent, tc.typ, tc.name)
			if got != tc.want {
				t.Errorf("URN = %s\nwant   %s", got, tc.want)
			}
			if Name(got) != tc.name {
				t.Errorf("Name = %q", Name(got))
			}
		})
	}
	if QualifiedType("arn:aws:iam::123456789012:role/x") != "" || Name("urn:pulumi:dev::p") != "" {
		t.Error("a string that is not a URN has a type or name")
	}
	if Name("urn:pulumi:dev::p::t:m:T::a::b") != "a::b" {
		t.Error("a name holding :: is cut")
	}
}

func TestCheckReportsEveryProblem(t *testing.T) {
	t.Parallel()
	parent := URN("dev", "p", "", "p:m:C", "c")
	f := &File{
		NameTable: map[string]string{"c": parent, "bad": "not-a-urn"},
		Resources: []Resource{
			{Type: "t:m:R", Name: "a", ID: "1", Parent: "c"},
			{Type: "t:m:R", Name: "a", ID: "2", Parent: "c"},
			{Type: "t:m:R", Name: "b", Parent: "nope", Provider: "gone"},
		},
	}
	err := f.Check()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, w := range []string{
		`nameTable.bad: "not-a-urn" is not a URN`,
		"resources[1]: same type, name and parent as resources[0]",
		`resources[2]: needs a type, a name and an ID`,
		`resources[2]: parent "nope" is not in the name table`,
		`resources[2]: provider "gone" is not in the name table`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
	f.Resources = f.Resources[:1]
	delete(f.NameTable, "bad")
	if err := f.Check(); err != nil {
		t.Errorf("a good file: %v", err)
	}
}
