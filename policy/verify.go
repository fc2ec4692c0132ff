package policy

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego unit test.
type TestResult struct {
	Package string // e.g. controls.o365g_001_test
	Name    string // e.g. test_onpremises_instance_fails
	File    string
	Line    int
	Passed  bool
	Error   string // set when the test errored rather than failed
	// Output holds what the test printed with print().
	Output string
}

// RunPolicyTests compiles the built-in and user policies with their
// _test.rego files, in strict mode, and runs every test_ rule, without the
// opa binary. Results come sorted by package and name.
func RunPolicyTests(ctx context.Context, opts EngineOptions) ([]TestResult, error) {
	modules, err := loadModules(opts.PolicyDirs, true)
	if err != nil {
		return nil, err
	}
	data, err := loadData(opts.DataFiles, opts.PolicyDirs)
	if err != nil {
		return nil, err
	}
	// The catalogue must be valid too: compile once without the runner's
	// extra stages to check it.
	c, err := compile(modules, true)
	if err != nil {
		return nil, err
	}
	if _, _, err := catalogue(c); err != nil {
		return nil, err
	}
	store := storeFromData(data)
	txn, err := store.NewTransaction(ctx, storage.TransactionParams{})
	if err != nil {
		return nil, fmt.Errorf("open policy data: %w", err)
	}
	defer store.Abort(ctx, txn)
	ch, err := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithStrict(true).WithEnablePrintStatements(true)).
		SetModules(modules).
		SetStore(store).
		RaiseBuiltinErrors(true).
		CapturePrintOutput(true).
		RunTests(ctx, txn)
	if err != nil {
		return nil, fmt.Errorf("run policy tests: %w", err)
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{
			Package: strings.TrimPrefix(r.Package, "data."),
			Name:    r.Name,
			Passed:  r.Pass(),
		}
		if r.Location != nil {
			tr.File, tr.Line = r.Location.File, r.Location.Row
		}
		if r.Error != nil {
			tr.Error = r.Error.Error()
		}
		tr.Output = string(r.Output)
		out = append(out, tr)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Package != out[j].Package {
			return out[i].Package < out[j].Package
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}
