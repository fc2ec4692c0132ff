package policy

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

var versionQuery = sync.OnceValues(func() (rego.PreparedEvalQuery, error) {
	modules, err := loadModules(nil, false)
	if err != nil {
		return rego.PreparedEvalQuery{}, err
	}
	c, err := compile(modules, false)
	if err != nil {
		return rego.PreparedEvalQuery{}, err
	}
	return rego.New(rego.Query(`x := data.lib.snapshot.version_at_least(input.a, input.b)`), rego.Compiler(c)).PrepareForEval(context.Background())
})

// FuzzVersionCompare checks the Rego version comparison against a plain Go
// one, for every pair of versions the schema accepts.
func FuzzVersionCompare(f *testing.F) {
	f.Add("7.1", "7.1")
	f.Add("07.00.0001", "7.1")
	f.Add("10.0", "7.1")
	f.Add("9.2.24101.191", "9.2.24101.0191")
	f.Add("7", "7.0.0.1")
	f.Fuzz(func(t *testing.T, a, b string) {
		pa, okA := parseVersion(a)
		pb, okB := parseVersion(b)
		if !okA || !okB {
			return // the loader rejects it before any policy runs
		}
		q, err := versionQuery()
		if err != nil {
			t.Fatal(err)
		}
		rs, err := q.Eval(context.Background(), rego.EvalParsedInput(ast.MustInterfaceToValue(map[string]any{"a": a, "b": b})))
		if err != nil {
			t.Fatal(err)
		}
		got := len(rs) == 1 && rs[0].Bindings["x"] == true
		want := compareParts(pa, pb) >= 0
		if got != want {
			t.Fatalf("version_at_least(%q, %q) = %v, want %v", a, b, got, want)
		}
	})
}

// parseVersion is the reference: 1 to 4 dot-separated numbers of up to 9
// digits (the schema's pattern), padded to 4 parts.
func parseVersion(v string) ([4]int, bool) {
	var out [4]int
	parts := strings.Split(v, ".")
	if len(parts) > 4 {
		return out, false
	}
	for i, p := range parts {
		if len(p) == 0 || len(p) > 9 {
			return out, false
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || strings.ContainsAny(p, "+-") {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

func compareParts(a, b [4]int) int {
	for i := range a {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return 0
}
