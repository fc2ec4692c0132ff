package policy

import (
	"reflect"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestFindingsShareConvertedEvidence: findings whose evidence is one value
// of the evaluation share one converted map, and each finding still reads
// its own evidence.
func TestFindingsShareConvertedEvidence(t *testing.T) {
	t.Parallel()
	shared := ast.MustParseTerm(`{"roles": ["Salesperson"], "depth": {"Salesperson": "Local"}}`)
	own := ast.MustParseTerm(`{"roles": ["Reader"]}`)
	finding := func(path string, ev *ast.Term) *ast.Term {
		return ast.ObjectTerm(
			ast.Item(ast.StringTerm("msg"), ast.StringTerm("m "+path)),
			ast.Item(ast.StringTerm("path"), ast.StringTerm(path)),
			ast.Item(ast.StringTerm("evidence"), ev),
		)
	}
	set := ast.NewSet(finding("/a/1", shared), finding("/a/2", shared), finding("/a/3", own))
	got := findings(set, false)
	if len(got) != 3 {
		t.Fatalf("%d findings, want 3", len(got))
	}
	if reflect.ValueOf(got[0].Evidence).UnsafePointer() != reflect.ValueOf(got[1].Evidence).UnsafePointer() {
		t.Error("findings /a/1 and /a/2 share one evidence value but got two converted maps")
	}
	want := map[string]any{"roles": []any{"Salesperson"}, "depth": map[string]any{"Salesperson": "Local"}}
	for i, w := range []map[string]any{want, want, {"roles": []any{"Reader"}}} {
		if !reflect.DeepEqual(got[i].Evidence, w) {
			t.Errorf("finding %s: evidence %v, want %v", got[i].Path, got[i].Evidence, w)
		}
	}
}
