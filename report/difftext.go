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
func driftLists(r *Report) (added, unchanged []Finding) {
	added, unchanged = []Finding{}, []Finding{}
	for _, t := range r.Tenants {
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
	}
	return added, unchanged
}

// Write implements Writer.
func (DriftText) Write(w io.Writer, r *Report) error {
	p := &tablePrinter{width: 80}
	added, unchanged := driftLists(r)
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
	added, unchanged := driftLists(r)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	doc := map[string]any{
		"schemaVersion": SchemaVersion,
		"summary":       DriftSummary{New: len(added), Unchanged: len(unchanged), Resolved: len(r.Resolved)},
		"new":           added, "unchanged": unchanged, "resolved": r.Resolved,
	}
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	return nil
}
