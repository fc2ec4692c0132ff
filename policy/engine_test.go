package policy

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/tenantscan/tenantscan/policies"
	"github.com/tenantscan/tenantscan/report"
)

func newTestEngine(t testing.TB, opts EngineOptions) *Engine {
	t.Helper()
	e, err := NewEngine(context.Background(), opts)
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	return e
}

func TestCatalogueFromMetadata(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, EngineOptions{Strict: true})
	controls := e.Controls()
	// The ids, read from the embedded files without OPA: one control per
	// folder controls/<id>/<id>.rego, its METADATA naming the id.
	var wantIDs []string
	dirs, err := fs.ReadDir(policies.FS, "controls")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		src, err := fs.ReadFile(policies.FS, "controls/"+d.Name()+"/"+d.Name()+".rego")
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^#\s+id:\s*(\S+)`).FindSubmatch(src)
		if m == nil {
			t.Fatalf("controls/%s: no id in METADATA", d.Name())
		}
		if want := strings.ToLower(strings.ReplaceAll(string(m[1]), "-", "_")); want != d.Name() {
			t.Errorf("controls/%s holds control %s: the folder must be named after the id (%s)", d.Name(), m[1], want)
		}
		wantIDs = append(wantIDs, string(m[1]))
	}
	sort.Strings(wantIDs)
	if len(controls) != len(wantIDs) {
		t.Fatalf("%d controls, want %d", len(controls), len(wantIDs))
	}
	for i, c := range controls {
		if c.ID != wantIDs[i] {
			t.Errorf("control %d is %s, want %s", i, c.ID, wantIDs[i])
		}
		if c.Title == "" || c.Description == "" || c.Remediation == "" || c.Source == "" || c.Reference == "" {
			t.Errorf("%s: METADATA lacks a field: %+v", c.ID, c)
		}
		if report.SeverityRank(c.Severity) == 0 {
			t.Errorf("%s: severity %q", c.ID, c.Severity)
		}
		if PhaseRank(c.Phase) == len(Phases) {
			t.Errorf("%s: phase %q", c.ID, c.Phase)
		}
	}
	want := report.Control{ID: "O365G-004", Severity: "high", Source: "A3", Phase: "prerequisites", Package: "controls.o365g_004"}
	got := controls[3]
	if got.ID != want.ID || got.Severity != want.Severity || got.Source != want.Source || got.Phase != want.Phase || got.Package != want.Package {
		t.Errorf("O365G-004 = %+v", got)
	}
}

// TestBuiltinPoliciesStrict compiles the built-in policies as
// `opa check --strict` would.
func TestBuiltinPoliciesStrict(t *testing.T) {
	t.Parallel()
	modules, err := loadModules(nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compile(modules, true); err != nil {
		t.Fatal(err)
	}
}

// TestBuiltinRegoTests runs the _test.rego files, so `go test` alone
// covers the policies too.
func TestBuiltinRegoTests(t *testing.T) {
	t.Parallel()
	results, err := RunPolicyTests(context.Background(), EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) < 20 {
		t.Fatalf("only %d Rego tests ran", len(results))
	}
	packages := map[string]int{}
	for _, r := range results {
		packages[r.Package]++
		if !r.Passed {
			t.Errorf("%s.%s (%s:%d) failed %s", r.Package, r.Name, r.File, r.Line, r.Error)
		}
	}
	for _, c := range newTestEngine(t, EngineOptions{}).Controls() {
		if packages[c.Package+"_test"] < 3 {
			t.Errorf("control %s has %d Rego tests, want at least 3", c.ID, packages[c.Package+"_test"])
		}
	}
}

func TestUserPolicies(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, EngineOptions{PolicyDirs: []string{"testdata/policies"}})
	var custom *report.Control
	for _, c := range e.Controls() {
		if c.ID == "CUSTOM-001" {
			custom = &c
		}
	}
	if custom == nil || custom.Severity != "low" || custom.Title != "The tenant names its default domain" {
		t.Fatalf("user control not in the catalogue: %+v", custom)
	}
	input := ast.MustInterfaceToValue(map[string]any{"tenant": map[string]any{"id": "t", "defaultDomain": "t.onmicrosoft.com"}})
	results, err := e.Evaluate(context.Background(), input)
	if err != nil {
		t.Fatal(err)
	}
	got := results[0] // CUSTOM-001 sorts before O365G-…
	if got.ID != "CUSTOM-001" || got.Status != report.StatusWarn || len(got.Findings) != 1 || !got.Findings[0].Warning {
		t.Fatalf("CUSTOM-001 result = %+v", got)
	}
	if f := got.Findings[0]; f.Path != "/tenant/defaultDomain" || f.Evidence["defaultDomain"] != "t.onmicrosoft.com" {
		t.Errorf("finding = %+v", f)
	}
	input = ast.MustInterfaceToValue(map[string]any{"tenant": map[string]any{"id": "t"}})
	results, err = e.Evaluate(context.Background(), input)
	if err != nil {
		t.Fatal(err)
	}
	if got := results[0]; got.Status != report.StatusFail || got.Findings[0].Message != "the snapshot names no default domain" {
		t.Errorf("plain-string deny = %+v", got)
	}

	tests, err := RunPolicyTests(context.Background(), EngineOptions{PolicyDirs: []string{"testdata/policies"}})
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, r := range tests {
		if r.Package == "custom.default_domain_test" {
			ran++
			if !r.Passed {
				t.Errorf("user test %s failed", r.Name)
			}
		}
	}
	if ran != 2 {
		t.Errorf("%d user Rego tests ran, want 2", ran)
	}
}

func TestPolicyErrors(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "x.rego"), []byte("package x\n\ndeny contains msg if {\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		opts    EngineOptions
		wantErr string
	}{
		{"deny without METADATA", EngineOptions{PolicyDirs: []string{"testdata/policies-unannotated"}}, "package custom.orphan defines deny but has no package METADATA with custom.id"},
		{"duplicate control id", EngineOptions{PolicyDirs: []string{"testdata/policies-duplicate"}}, "control id O365G-001 is used by both"},
		{"syntax error", EngineOptions{PolicyDirs: []string{bad}}, "parse policy"},
		{"missing folder", EngineOptions{PolicyDirs: []string{"testdata/nope"}}, "policy folder"},
		{"missing data file", EngineOptions{DataFiles: []string{"testdata/nope.yaml"}}, "policy data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewEngine(context.Background(), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestDataOverride(t *testing.T) {
	t.Parallel()
	dataFile := filepath.Join(t.TempDir(), "data.yaml")
	if err := os.WriteFile(dataFile, []byte("tenantscan:\n  minimumVersion: \"9.0\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newTestEngine(t, EngineOptions{DataFiles: []string{dataFile}})
	input := ast.MustInterfaceToValue(map[string]any{
		"subscriptions": []any{}, "users": []any{},
		"dynamics": []any{map[string]any{"name": "a", "deployment": "online", "version": "8.2", "usesGroups": true, "users": []any{}}},
	})
	results, err := e.Evaluate(context.Background(), input)
	if err != nil {
		t.Fatal(err)
	}
	if results[1].ID != "O365G-002" || results[1].Status != report.StatusFail {
		t.Fatalf("with minimumVersion 9.0, 8.2 must fail: %+v", results[1])
	}
	// The rest of the built-in data is kept: the SKU table still works.
	if results[3].ID != "O365G-004" || results[3].Status != report.StatusSkip {
		t.Errorf("O365G-004 = %+v", results[3])
	}
}

func TestMergeData(t *testing.T) {
	t.Parallel()
	base := map[string]any{"a": map[string]any{"x": 1, "y": []any{1}}, "b": 2}
	over := map[string]any{"a": map[string]any{"y": []any{2}, "z": 3}, "c": 4}
	got := mergeData(base, over)
	a := got["a"].(map[string]any)
	if a["x"] != 1 || a["z"] != 3 || len(a["y"].([]any)) != 1 || a["y"].([]any)[0] != 2 || got["b"] != 2 || got["c"] != 4 {
		t.Errorf("mergeData = %v", got)
	}
	if base["a"].(map[string]any)["z"] != nil {
		t.Error("mergeData changed its input")
	}
}

func TestPathLess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"/users/2", "/users/10", true},
		{"/users/10", "/users/2", false},
		{"/dynamics/0", "/users/0", true},
		{"/users/1", "/users/1/x", true},
	}
	for _, tc := range tests {
		if got := pathLess(tc.a, tc.b); got != tc.want {
			t.Errorf("pathLess(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}
