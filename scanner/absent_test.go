package scanner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"

	"github.com/tenantscan/tenantscan/internal/golden"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/snapshot"
)

// documentedAbsence lists the fields whose absence has a meaning the
// snapshot format states (docs/snapshot-format.md), by JSON pointer with *
// for list indexes. Deleting any other field must leave every control's
// verdict unchanged or make it error: a control never reads an absent
// field as empty, false or "none".
var documentedAbsence = map[string]string{
	"/users/*/accountEnabled":                          "enabled: the user is in scope",
	"/users/*/userType":                                "Member, for a user of the tenant (a guest is still known by an #EXT# name); only users whose userType is Member make a domain the tenant's",
	"/users/*/disabledPlans":                           "no plan switched off on the licences given as plain SKU names",
	"/users/*/licenses/*/disabledPlans":                "no plan switched off on that licence",
	"/users/*/mailbox":                                 "no mailbox, as null (the format's rule: Exchange returns no mailbox for the user)",
	"/users/*/pstn":                                    "not assigned Skype for Business PSTN",
	"/users/*/pstn/calling":                            "not assigned PSTN calling",
	"/users/*/pstn/conferencing":                       "not assigned PSTN conferencing",
	"/groups/*/id":                                     "the group is identified by its mail, else its display name",
	"/groups/*/mail":                                   "the group is identified by its display name (when it has no id)",
	"/groups/*/displayName":                            "findings name the group by its id",
	"/groups/*/visibility":                             "Public, as Graph makes a group without one",
	"/groups/*/connector":                              "the group has no Office 365 Connector",
	"/groups/*/connector/connectedRecords/*/id":        "the record is identified by its name",
	"/groups/*/connector/connectedRecords/*/name":      "findings name the record by its id",
	"/groups/*/connector/connectedRecords/*/sensitive": "sensitive only when its entity is in the policy data's sensitiveEntities",
	"/dynamics/*/usesGroups":                           "the instance is out of scope (named in the notes)",
	"/dynamics/*/users/*/enabled":                      "enabled: the user is in scope",
}

// absenceNotes qualify a field's row in the table.
var absenceNotes = map[string]string{
	"/subscriptions/*/servicePlans":                 "; read only when the policy data does not know the SKU's plans (else they come from Microsoft's licensing list)",
	"/dynamics/*/sharePoint/siteUrl":                "; read only when deploymentType is absent",
	"/dynamics/*/groupEntities/*/monthlyNewRecords": "; read only when autoCreate is on",
	"/groups/*/members":                             "; read only for groups connected to a sensitive record",
	"/users/*/licenses":                             "; read for Dynamics users and PSTN users",
}

// TestAbsentNeverEmpty deletes, one at a time, every field of a complete
// snapshot (testdata/absent/complete.yaml, with both polarities of every
// setting) and checks each control: its status and findings are unchanged,
// or it is error, or the field has a documented meaning. The fields that
// give error, and the controls, make the table in docs/snapshot-format.md
// (go test -update rewrites it).
func TestAbsentNeverEmpty(t *testing.T) {
	t.Parallel()
	engine, err := policy.NewEngine(context.Background(), policy.EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", "absent", "complete.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	base, err := evaluateDoc(engine, dir, doc)
	if err != nil {
		t.Fatalf("the complete snapshot: %v", err)
	}
	for id, v := range base {
		if v.status == report.StatusError || v.status == report.StatusSkip {
			t.Errorf("the complete snapshot gives %s %s; every control must be evaluated", id, v.status)
		}
	}
	type row struct {
		errors, changed map[string]bool
		rejected        bool
	}
	rows := map[string]*row{}
	for _, ptr := range fieldPointers(doc, "") {
		pattern := indexRE.ReplaceAllString(ptr, "/*")
		r := rows[pattern]
		if r == nil {
			r = &row{errors: map[string]bool{}, changed: map[string]bool{}}
			rows[pattern] = r
		}
		cut := deleteAt(doc, ptr)
		got, err := evaluateDoc(engine, dir, cut)
		var le *snapshot.LoadError
		if errors.As(err, &le) {
			r.rejected = true
			continue
		}
		if err != nil {
			t.Fatalf("without %s: %v", ptr, err)
		}
		for id, b := range base {
			g := got[id]
			switch {
			case g.status == report.StatusError:
				if b.status != report.StatusError {
					r.errors[id] = true
				}
				if !strings.Contains(g.reason, "snapshot lacks") {
					t.Errorf("without %s, %s is error but its reason names nothing to export: %s", ptr, id, g.reason)
				}
				for _, f := range b.findings {
					if !slices.Contains(g.findings, f) && !mentions(f, ptr) {
						t.Errorf("without %s, %s in error drops a finding that does not depend on it: %s", ptr, id, f)
					}
				}
				for _, f := range g.findings {
					if _, ok := documentedAbsence[pattern]; !ok && !slices.ContainsFunc(b.findings, func(bf string) bool { return sameResource(bf, f) }) {
						t.Errorf("without %s, %s in error reports a finding on a resource the complete snapshot found fine (the absent value read as one): %s", ptr, id, f)
					}
				}
			case g.status != b.status || !slices.Equal(g.findings, b.findings):
				if _, ok := documentedAbsence[pattern]; !ok {
					t.Errorf("without %s, %s turns from %s %q into %s %q: a control read an absent field as a value (make it error, or document the field's absence)",
						ptr, id, b.status, b.findings, g.status, g.findings)
				}
				r.changed[id] = true
			}
		}
	}
	// The table of what each field's absence gives.
	var b strings.Builder
	b.WriteString("| field | read by | when absent |\n|---|---|---|\n")
	patterns := make([]string, 0, len(rows))
	for p, r := range rows {
		if len(r.errors) > 0 || len(r.changed) > 0 {
			patterns = append(patterns, p)
		}
	}
	sort.Strings(patterns)
	for _, p := range patterns {
		r := rows[p]
		ids := make([]string, 0, len(r.errors)+len(r.changed))
		for id := range r.errors {
			ids = append(ids, id)
		}
		for id := range r.changed {
			if !r.errors[id] {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		absent := "`error` naming the resource and the field"
		if m, ok := documentedAbsence[p]; ok {
			absent = m
		}
		absent += absenceNotes[p]
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", p, strings.Join(ids, ", "), absent)
	}
	for p := range documentedAbsence {
		if _, ok := rows[p]; !ok {
			t.Errorf("documentedAbsence names %s, which the complete snapshot does not have", p)
		}
	}
	docPath := filepath.Join("..", "docs", "snapshot-format.md")
	text, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- absent-fields:begin -->\n", "<!-- absent-fields:end -->"
	i, j := strings.Index(string(text), begin), strings.Index(string(text), end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q … %q markers", docPath, begin, end)
	}
	want := string(text[:i+len(begin)]) + b.String() + string(text[j:])
	golden.Compare(t, docPath, []byte(want))
}

var indexRE = regexp.MustCompile(`/[0-9]+`)

// result is one control's verdict, reduced to what an auditor reads.
type result struct {
	status, reason string
	findings       []string // resource, path and message of each finding
}

// evaluateDoc writes doc as JSON, loads it as a snapshot would be, and
// evaluates every control.
func evaluateDoc(engine *policy.Engine, dir string, doc map[string]any) (map[string]result, error) {
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "snapshot.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, err
	}
	snap, err := snapshot.Load(snapshot.Source{Name: path}, nil, snapshot.DefaultLimits())
	if err != nil {
		return nil, err
	}
	input, err := ast.InterfaceToValue(snap.Doc)
	if err != nil {
		return nil, err
	}
	results, err := engine.Evaluate(context.Background(), input)
	if err != nil {
		return nil, err
	}
	out := map[string]result{}
	for _, c := range results {
		r := result{status: c.Status}
		if c.Reason != nil {
			r.reason = *c.Reason
		}
		for _, f := range c.Findings {
			r.findings = append(r.findings, f.Resource.Kind+" "+f.Resource.ID+" "+f.Path+" "+f.Message)
		}
		sort.Strings(r.findings)
		out[c.ID] = r
	}
	return out, nil
}

// mentions reports whether a finding may depend on the field at ptr. A
// finding about a sibling in the same list (the field at /groups/0/…, the
// finding at /groups/1/…) does not: an error in one resource hides nothing
// of the others. Anything else may (a user's finding depends on the
// subscriptions, an instance's users on its roles).
func mentions(finding, ptr string) bool {
	parts := strings.SplitN(finding, " ", 4)
	if len(parts) < 3 {
		return true
	}
	fp, dp := strings.Split(parts[2], "/"), strings.Split(ptr, "/")
	if len(fp) < 3 || len(dp) < 3 {
		return true
	}
	return fp[1] != dp[1] || fp[2] == dp[2]
}

// sameResource reports whether two findings are about one resource (kind,
// id and path), whatever their messages.
func sameResource(a, b string) bool {
	pa, pb := strings.SplitN(a, " ", 4), strings.SplitN(b, " ", 4)
	return len(pa) == 4 && len(pb) == 4 && slices.Equal(pa[:3], pb[:3])
}

// fieldPointers lists the pointer of every object member at any depth.
func fieldPointers(v any, prefix string) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := prefix + "/" + k
			out = append(out, p)
			out = append(out, fieldPointers(x[k], p)...)
		}
	case []any:
		for i, e := range x {
			out = append(out, fieldPointers(e, fmt.Sprintf("%s/%d", prefix, i))...)
		}
	}
	return out
}

// deleteAt returns a deep copy of doc without the member at ptr.
func deleteAt(doc map[string]any, ptr string) map[string]any {
	cp := deepCopy(doc).(map[string]any)
	parts := strings.Split(ptr[1:], "/")
	var cur any = cp
	for _, p := range parts[:len(parts)-1] {
		switch x := cur.(type) {
		case map[string]any:
			cur = x[p]
		case []any:
			var i int
			fmt.Sscan(p, &i)
			cur = x[i]
		}
	}
	delete(cur.(map[string]any), parts[len(parts)-1])
	return cp
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}
