package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/tenantscan/tenantscan/report"
)

// rawResult makes a query return OPA's own value (an *ast.Term) instead of
// a copy as Go maps and slices: the engine converts the result once,
// straight into report types, and only a finding's evidence becomes a Go
// map. With thousands of findings per tenant the intermediate copy cost as
// much as the conversion itself.
var rawResult = rego.EvalGenerateJSON(func(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil })

// resultsFromAST turns the value of the engine's query (resultQuery) into
// the controls' results, in catalogue order, and tells whether nothing is
// in scope. The rules are those of controlResult: a control in error keeps
// its findings, a skipped one has none.
func (e *Engine) resultsFromAST(v any) ([]report.ControlResult, bool, error) {
	term, ok := v.(*ast.Term)
	if !ok {
		return nil, false, fmt.Errorf("evaluate policies: unexpected result type %T", v)
	}
	all, ok := term.Value.(ast.Object)
	if !ok {
		return nil, false, fmt.Errorf("evaluate policies: unexpected result shape %s", ast.ValueName(term.Value))
	}
	out := make([]report.ControlResult, 0, len(e.controls))
	for i, c := range e.controls {
		var sets ast.Object
		if t := all.Get(ast.InternedTerm(e.packages[i])); t != nil {
			sets, _ = t.Value.(ast.Object)
		}
		out = append(out, controlResult(c.ID, sets))
	}
	scope := ""
	if t := all.Get(ast.InternedTerm(scopeKey)); t != nil {
		if s, ok := t.Value.(ast.String); ok {
			scope = string(s)
		}
	}
	return out, scope == "none", nil
}

// ruleSet is one rule's set of a control's result; nil when the control
// does not define the rule.
func ruleSet(sets ast.Object, rule string) ast.Set {
	if sets == nil {
		return nil
	}
	t := sets.Get(ast.InternedTerm(rule))
	if t == nil {
		return nil
	}
	s, _ := t.Value.(ast.Set)
	return s
}

func controlResult(id string, sets ast.Object) report.ControlResult {
	res := report.ControlResult{ID: id, Findings: []report.Finding{}}
	errs := messages(ruleSet(sets, ruleError))
	skips := messages(ruleSet(sets, ruleSkip))
	res.Notes = messages(ruleSet(sets, ruleNotes))
	deny := findings(ruleSet(sets, ruleDeny), false)
	warn := findings(ruleSet(sets, ruleWarn), true)
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

// goValue is v as JSON-compatible Go values (numbers as json.Number), as
// OPA's own result conversion gives it.
func goValue(v ast.Value) any {
	x, err := ast.JSON(v)
	if err != nil {
		return v.String()
	}
	return x
}

// stringAt is obj[key] when it is a string.
func stringAt(obj ast.Object, key string) (string, bool) {
	t := obj.Get(ast.InternedTerm(key))
	if t == nil {
		return "", false
	}
	s, ok := t.Value.(ast.String)
	return string(s), ok
}

// messages turns a rule's set of strings (or objects with msg) into
// sorted strings; anything else is printed as its Go value.
func messages(set ast.Set) []string {
	if set == nil {
		return []string{}
	}
	out := make([]string, 0, set.Len())
	set.Foreach(func(t *ast.Term) {
		switch x := t.Value.(type) {
		case ast.String:
			out = append(out, string(x))
		case ast.Object:
			if m, ok := stringAt(x, "msg"); ok {
				out = append(out, m)
			}
		default:
			out = append(out, fmt.Sprint(goValue(x)))
		}
	})
	sort.Strings(out)
	return out
}

// findings turns a deny or warn set into findings, ordered by path
// (numbers as numbers) and message. An element may be a plain message
// string (conftest style) or an object with msg, resource, path and
// evidence.
//
// Findings whose evidence is one value of the evaluation (a control that
// computes the evidence once per distinct input, as O365G-011 does per
// list of roles) share one converted map: evidence is read-only once
// converted, and thousands of findings then cost one conversion.
func findings(set ast.Set, warning bool) []report.Finding {
	if set == nil {
		return []report.Finding{}
	}
	out := make([]report.Finding, 0, set.Len())
	converted := map[ast.Object]map[string]any{}
	set.Foreach(func(t *ast.Term) {
		f := report.Finding{Warning: warning}
		switch x := t.Value.(type) {
		case ast.String:
			f.Message = string(x)
		case ast.Object:
			f.Message, _ = stringAt(x, "msg")
			if r := x.Get(ast.InternedTerm("resource")); r != nil {
				if ro, ok := r.Value.(ast.Object); ok {
					f.Resource.Kind, _ = stringAt(ro, "kind")
					f.Resource.ID, _ = stringAt(ro, "id")
				}
			}
			f.Path, _ = stringAt(x, "path")
			if ev := x.Get(ast.InternedTerm("evidence")); ev != nil {
				if obj, ok := ev.Value.(ast.Object); ok {
					m, seen := converted[obj]
					if !seen {
						m, _ = goValue(obj).(map[string]any)
						converted[obj] = m
					}
					f.Evidence = m
				}
			}
		default:
			f.Message = fmt.Sprint(goValue(x))
		}
		if f.Evidence == nil {
			f.Evidence = map[string]any{}
		}
		out = append(out, f)
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return pathLess(out[i].Path, out[j].Path)
		}
		return out[i].Message < out[j].Message
	})
	return out
}
