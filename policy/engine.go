package policy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/tenantscan/tenantscan/internal/safeopen"
	"github.com/tenantscan/tenantscan/policies"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/snapshot"
)

// Rule names a control package may define. deny and warn follow the
// conftest convention; skip, error and notes are tenantscan's.
const (
	ruleDeny  = "deny"  // findings that fail the control
	ruleWarn  = "warn"  // findings of a recommendation not met
	ruleSkip  = "skip"  // reasons the control does not apply
	ruleError = "error" // reasons the control cannot be evaluated
	ruleNotes = "notes" // context for the auditor, shown with the verdict
)

var controlRules = []string{ruleDeny, ruleWarn, ruleSkip, ruleError, ruleNotes}

// Phases order the controls as the Microsoft procedure does; readiness lists
// blocking controls in this order.
var Phases = []string{"prerequisites", "provisioning", "permissions", "configuration", "connectors"}

// EngineOptions configures the policy engine.
type EngineOptions struct {
	// PolicyDirs are folders of user Rego controls, added to the built-in ones.
	PolicyDirs []string
	// DataFiles are YAML or JSON files merged over the built-in policy data,
	// in order: objects merge key by key, anything else replaces.
	DataFiles []string
	// Strict compiles in strict mode, as `opa check --strict` does.
	Strict bool
}

// Engine evaluates the controls on snapshots. It compiles and prepares the
// policies once, in NewEngine; Evaluate is safe for concurrent use.
type Engine struct {
	query    rego.PreparedEvalQuery
	controls []report.Control
	packages []string // Rego package path of each control, as in controls
	rules    []map[string]bool
}

// compilations counts policy compilations, so tests can show that a scan
// compiles its policies once, not once per snapshot.
var compilations atomic.Int64

// Compilations is the number of policy compilations this process has done,
// so tests can show that a scan compiles once, however many snapshots.
func Compilations() int64 { return compilations.Load() }

// NewEngine loads, compiles and prepares the built-in and user policies.
func NewEngine(ctx context.Context, opts EngineOptions) (*Engine, error) {
	modules, err := loadModules(opts.PolicyDirs, false)
	if err != nil {
		return nil, err
	}
	data, err := loadData(opts.DataFiles, opts.PolicyDirs)
	if err != nil {
		return nil, err
	}
	compiler, err := compile(modules, opts.Strict)
	if err != nil {
		return nil, err
	}
	controls, packages, err := catalogue(compiler)
	if err != nil {
		return nil, err
	}
	e := &Engine{controls: controls, packages: packages}
	for _, pkg := range packages {
		e.rules = append(e.rules, definedRules(compiler, pkg))
	}
	store := inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true))
	e.query, err = rego.New(
		rego.Query(e.resultQuery()),
		rego.Compiler(compiler),
		rego.Store(store),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("prepare policies: %w", err)
	}
	return e, nil
}

// Controls returns the catalogue, ordered by control id.
func (e *Engine) Controls() []report.Control {
	return append([]report.Control(nil), e.controls...)
}

// resultQuery builds the one query that collects every control's rule sets,
// so each snapshot is converted and evaluated once for all controls.
func (e *Engine) resultQuery() string {
	var b strings.Builder
	b.WriteString("result := {")
	for i, pkg := range e.packages {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: {", pkg)
		first := true
		for _, r := range controlRules {
			if !e.rules[i][r] {
				continue
			}
			if !first {
				b.WriteString(", ")
			}
			first = false
			fmt.Fprintf(&b, "%q: %s.%s", r, pkg, r)
		}
		b.WriteString("}")
	}
	fmt.Fprintf(&b, ", %q: data.lib.snapshot.scope", scopeKey)
	b.WriteString("}")
	return b.String()
}

// scopeKey holds, in the query's result, data.lib.snapshot.scope:
// assessed, none or unknown.
const scopeKey = "tenantscan:scope"

// ruleName is the first term of a rule's head: deny for `deny contains …`.
func ruleName(r *ast.Rule) string {
	if len(r.Head.Reference) > 0 {
		return r.Head.Reference[0].String()
	}
	return r.Head.Name.String()
}

func definedRules(c *ast.Compiler, pkg string) map[string]bool {
	out := map[string]bool{}
	for _, m := range c.Modules {
		if m.Package.Path.String() != pkg {
			continue
		}
		for _, r := range m.Rules {
			name := ruleName(r)
			for _, known := range controlRules {
				if name == known {
					out[name] = true
				}
			}
		}
	}
	return out
}

// Evaluate runs every control on one snapshot and returns the results in
// catalogue order.
func (e *Engine) Evaluate(ctx context.Context, input ast.Value) ([]report.ControlResult, error) {
	out, _, err := e.EvaluateScope(ctx, input)
	return out, err
}

// EvaluateScope is Evaluate, and also reports whether the snapshot lists
// its instances and none uses Groups (data.lib.snapshot.scope "none"): such
// a tenant is not applicable, never ready.
func (e *Engine) EvaluateScope(ctx context.Context, input ast.Value) ([]report.ControlResult, bool, error) {
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, false, fmt.Errorf("evaluate policies: %w", err)
	}
	if len(rs) != 1 {
		return nil, false, errors.New("evaluate policies: the query returned no result")
	}
	all, ok := rs[0].Bindings["result"].(map[string]any)
	if !ok {
		return nil, false, errors.New("evaluate policies: unexpected result shape")
	}
	out := make([]report.ControlResult, 0, len(e.controls))
	for i, c := range e.controls {
		sets, _ := all[e.packages[i]].(map[string]any)
		out = append(out, controlResult(c.ID, sets))
	}
	scope, _ := all[scopeKey].(string)
	return out, scope == "none", nil
}

func controlResult(id string, sets map[string]any) report.ControlResult {
	res := report.ControlResult{ID: id, Findings: []report.Finding{}}
	errs := messages(sets[ruleError])
	skips := messages(sets[ruleSkip])
	res.Notes = messages(sets[ruleNotes])
	deny := findings(sets[ruleDeny], false)
	warn := findings(sets[ruleWarn], true)
	res.Findings = append(deny, warn...)
	switch {
	case len(errs) > 0:
		// An error in one resource hides nothing else: the findings the
		// control established for resources whose data is complete stay
		// listed, and the status stays error.
		res.Status = report.StatusError
		res.Reason = ptr(strings.Join(errs, "; "))
	case len(skips) > 0:
		res.Status = report.StatusSkip
		res.Reason = ptr(strings.Join(skips, "; "))
		res.Findings = []report.Finding{}
	case len(deny) > 0:
		res.Status = report.StatusFail
	case len(warn) > 0:
		res.Status = report.StatusWarn
	default:
		res.Status = report.StatusPass
	}
	return res
}

func ptr(s string) *string { return &s }

// messages turns a rule's set of strings (or objects with msg) into sorted
// strings.
func messages(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, it := range items {
		switch x := it.(type) {
		case string:
			out = append(out, x)
		case map[string]any:
			if m, ok := x["msg"].(string); ok {
				out = append(out, m)
			}
		default:
			out = append(out, fmt.Sprint(x))
		}
	}
	sort.Strings(out)
	return out
}

// findings turns a deny or warn set into findings. An element may be a plain
// message string (conftest style) or an object with msg, resource, path and
// evidence.
func findings(v any, warning bool) []report.Finding {
	items, _ := v.([]any)
	out := make([]report.Finding, 0, len(items))
	for _, it := range items {
		f := report.Finding{Warning: warning, Evidence: map[string]any{}}
		switch x := it.(type) {
		case string:
			f.Message = x
		case map[string]any:
			f.Message, _ = x["msg"].(string)
			if r, ok := x["resource"].(map[string]any); ok {
				f.Resource.Kind, _ = r["kind"].(string)
				f.Resource.ID, _ = r["id"].(string)
			}
			f.Path, _ = x["path"].(string)
			if ev, ok := x["evidence"].(map[string]any); ok {
				f.Evidence = ev
			}
		default:
			f.Message = fmt.Sprint(x)
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return pathLess(out[i].Path, out[j].Path)
		}
		return out[i].Message < out[j].Message
	})
	return out
}

// pathLess orders JSON pointers with numeric tokens compared as numbers, so
// /users/2 comes before /users/10.
func pathLess(a, b string) bool {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		if len(as[i]) != len(bs[i]) && isDigits(as[i]) && isDigits(bs[i]) {
			return len(as[i]) < len(bs[i])
		}
		return as[i] < bs[i]
	}
	return len(as) < len(bs)
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// loadModules parses the built-in policies and those under dirs, with
// METADATA annotations; tests (_test.rego) only when withTests is set.
func loadModules(dirs []string, withTests bool) (map[string]*ast.Module, error) {
	modules := map[string]*ast.Module{}
	popts := ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1}
	keep := func(name string) bool {
		return strings.HasSuffix(name, ".rego") && (withTests || !strings.HasSuffix(name, "_test.rego"))
	}
	err := fs.WalkDir(policies.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !keep(path) {
			return err
		}
		src, err := fs.ReadFile(policies.FS, path)
		if err != nil {
			return err
		}
		name := "builtin/" + path
		m, err := ast.ParseModuleWithOpts(name, string(src), popts)
		if err != nil {
			return fmt.Errorf("parse built-in policy: %w", err)
		}
		modules[name] = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, dir := range dirs {
		info, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("policy folder: %w", err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("policy folder %s: not a folder", dir)
		}
		err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !keep(path) {
				return err
			}
			src, err := safeopen.ReadFile(path)
			if err != nil {
				return fmt.Errorf("read policy: %w", err)
			}
			m, err := ast.ParseModuleWithOpts(path, string(src), popts)
			if err != nil {
				return fmt.Errorf("parse policy: %w", err)
			}
			modules[path] = m
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return modules, nil
}

func compile(modules map[string]*ast.Module, strict bool) (*ast.Compiler, error) {
	compilations.Add(1)
	c := ast.NewCompiler().WithStrict(strict).WithUseTypeCheckAnnotations(true)
	if c.Compile(modules); c.Failed() {
		return nil, fmt.Errorf("compile policies: %w", c.Errors)
	}
	return c, nil
}

// catalogue reads the controls from the package METADATA: every package
// whose annotations carry custom.id is a control. A package that defines
// deny or warn without it is an error, so no finding goes without a control.
func catalogue(c *ast.Compiler) ([]report.Control, []string, error) {
	type entry struct {
		control report.Control
		pkg     string
	}
	var entries []entry
	byID := map[string]string{}
	annotated := map[string]bool{}
	var problems []string
	for _, ref := range c.GetAnnotationSet().Flatten() {
		a := ref.Annotations
		if a == nil || a.Scope != "package" {
			continue
		}
		id, _ := a.Custom["id"].(string)
		if id == "" {
			continue
		}
		pkg := ref.Path.String()
		loc := ""
		if ref.Location != nil {
			loc = ref.Location.File + ": "
		}
		annotated[pkg] = true
		ctl := report.Control{
			ID:          id,
			Title:       a.Title,
			Description: strings.TrimSpace(a.Description),
			Package:     strings.TrimPrefix(pkg, "data."),
		}
		ctl.Severity, _ = a.Custom["severity"].(string)
		ctl.Source = customString(a.Custom["source"])
		ctl.Remediation = strings.TrimSpace(customString(a.Custom["remediation"]))
		ctl.Reference = customString(a.Custom["reference"])
		ctl.Phase = customString(a.Custom["phase"])
		if report.SeverityRank(ctl.Severity) == 0 {
			problems = append(problems, fmt.Sprintf("%scontrol %s: custom.severity %q is not one of critical, high, medium, low", loc, id, ctl.Severity))
		}
		if ctl.Title == "" {
			problems = append(problems, fmt.Sprintf("%scontrol %s: METADATA lacks a title", loc, id))
		}
		if ctl.Phase != "" && PhaseRank(ctl.Phase) == len(Phases) {
			problems = append(problems, fmt.Sprintf("%scontrol %s: custom.phase %q is not one of %s", loc, id, ctl.Phase, strings.Join(Phases, ", ")))
		}
		if other, dup := byID[id]; dup {
			problems = append(problems, fmt.Sprintf("%scontrol id %s is used by both %s and %s", loc, id, other, pkg))
			continue
		}
		byID[id] = pkg
		entries = append(entries, entry{ctl, pkg})
	}
	for _, m := range c.Modules {
		pkg := m.Package.Path.String()
		if annotated[pkg] || strings.HasSuffix(pkg, "_test") {
			continue
		}
		for _, r := range m.Rules {
			if name := ruleName(r); name == ruleDeny || name == ruleWarn {
				problems = append(problems, fmt.Sprintf("%s: package %s defines %s but has no package METADATA with custom.id", m.Package.Location.File, strings.TrimPrefix(pkg, "data."), name))
				break
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, nil, fmt.Errorf("policy catalogue: %s", strings.Join(problems, "; "))
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].control.ID < entries[j].control.ID })
	controls := make([]report.Control, len(entries))
	pkgs := make([]string, len(entries))
	for i, e := range entries {
		controls[i], pkgs[i] = e.control, e.pkg
	}
	return controls, pkgs, nil
}

func customString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, p := range x {
			parts = append(parts, fmt.Sprint(p))
		}
		return strings.Join(parts, ", ")
	default:
		return fmt.Sprint(x)
	}
}

// PhaseRank is the position of a phase in Phases; unknown phases come last.
func PhaseRank(p string) int {
	for i, known := range Phases {
		if p == known {
			return i
		}
	}
	return len(Phases)
}

// loadData reads the built-in policy data and merges each file over it,
// once the file is valid against the policy data schema (with the keys the
// policy folders declare): a wrong type or an unknown key is an error
// naming the file and line, never a silent change of verdict.
func loadData(files, policyDirs []string) (map[string]any, error) {
	raw, err := fs.ReadFile(policies.FS, policies.DataFile)
	if err != nil {
		return nil, fmt.Errorf("built-in policy data: %w", err)
	}
	base, err := snapshot.DecodeJSON(raw, snapshot.DefaultLimits())
	if err != nil {
		return nil, fmt.Errorf("built-in policy data: %w", err)
	}
	data, _ := base.(map[string]any)
	var schema *jsonschema.Schema
	if len(files) > 0 {
		if schema, err = compileDataSchema(policyDirs); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		src, err := safeopen.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("policy data: %w", err)
		}
		var v any
		var tree *yaml.Node
		if strings.EqualFold(filepath.Ext(f), ".json") {
			v, err = snapshot.DecodeJSON(src, snapshot.DefaultLimits())
		} else {
			v, tree, err = snapshot.DecodeYAML(src, snapshot.DefaultLimits())
		}
		if err != nil {
			return nil, fmt.Errorf("policy data %s: %w", f, err)
		}
		if err := checkData(schema, f, src, v, tree); err != nil {
			return nil, err
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("policy data %s: the document must be an object", f)
		}
		data = mergeData(data, obj)
	}
	return data, nil
}

// mergeData merges over onto base: objects key by key, other values replace.
func mergeData(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if bo, ok := out[k].(map[string]any); ok {
			if oo, ok := v.(map[string]any); ok {
				out[k] = mergeData(bo, oo)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// storeFromData builds the policy data store used by the tests runner.
func storeFromData(data map[string]any) storage.Store {
	return inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true))
}
