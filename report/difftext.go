package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// DriftText writes the drift of a report against its baseline: counts,
// then the new and the resolved findings.
type DriftText struct{}

// DriftJSON writes the drift as JSON: counts, new, unchanged and resolved
// findings with their tenant and control.
type DriftJSON struct{}

// driftLists splits the findings of r by drift, with tenant and control.
func driftLists(r *Report) (added, unchanged []Finding, err error) {
	added, unchanged = []Finding{}, []Finding{}
	err = r.EachTenant(func(t *Tenant) error {
		for _, c := range t.Controls {
			for _, f := range c.Findings {
				f.TenantID, f.ControlID = t.TenantID, c.ID
				if f.Drift == DriftNew {
					added = append(added, f)
				} else if f.Drift == DriftUnchanged {
					unchanged = append(unchanged, f)
				}
			}
		}
		return nil
	})
	return added, unchanged, err
}

// Write implements Writer.
func (DriftText) Write(w io.Writer, r *Report) error {
	p := &tablePrinter{width: 80}
	added, unchanged, err := driftLists(r)
	if err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	p.line(fmt.Sprintf("%d new, %d unchanged, %d resolved", len(added), len(unchanged), len(r.Resolved)))
	section := func(title string, fs []Finding) {
		if len(fs) == 0 {
			return
		}
		p.line("")
		p.line(title)
		for _, f := range fs {
			p.wrap("  "+f.ControlID+" ", "    ", printable(f.TenantID+": "+f.Message))
		}
	}
	section("New:", added)
	section("Resolved:", r.Resolved)
	if _, err := io.WriteString(w, p.b.String()); err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	return nil
}

// Write implements Writer.
func (DriftJSON) Write(w io.Writer, r *Report) error {
	added, unchanged, err := driftLists(r)
	if err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	sum := DriftSummary{New: len(added), Unchanged: len(unchanged), Resolved: len(r.Resolved)}
	if r.Summary.Drift != nil {
		sum.NewFindings = r.Summary.Drift.NewFindings
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	doc := map[string]any{
		"schemaVersion": SchemaVersion,
		"summary":       sum,
		"new":           added, "unchanged": unchanged, "resolved": r.Resolved,
	}
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	return nil
}
