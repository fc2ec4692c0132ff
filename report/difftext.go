package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// DriftJSON writes the drift as JSON: counts, new, unchanged and resolved
// findings with their tenant and control.
type DriftJSON struct{}

// DriftLists splits the findings of r by drift (new, unchanged), each with
// its tenant and control set; the resolved ones are r.Resolved.
func (r *Report) DriftLists() (added, unchanged []Finding, err error) {
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
func (DriftJSON) Write(w io.Writer, r *Report) error {
	added, unchanged, err := r.DriftLists()
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
