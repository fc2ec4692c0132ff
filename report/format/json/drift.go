package json

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/tenantscan/tenantscan/report"
)

// Drift writes the drift as JSON: counts, new, unchanged and resolved
// findings with their tenant and control.
type Drift struct{}

// Write implements report.Writer.
func (Drift) Write(w io.Writer, r *report.Report) error {
	added, unchanged, err := r.DriftLists()
	if err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	// tenantscan diff compares two reports read whole: the resolved
	// findings are collected like the others.
	var resolved []report.Finding
	if !r.ResolvedNull() {
		resolved = []report.Finding{}
	}
	if err := r.EachResolved(func(f *report.Finding) error { resolved = append(resolved, *f); return nil }); err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	sum := report.DriftSummary{New: len(added), Unchanged: len(unchanged), Resolved: len(resolved)}
	if r.Summary.Drift != nil {
		sum.NewFindings = r.Summary.Drift.NewFindings
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	doc := map[string]any{
		"schemaVersion": report.SchemaVersion,
		"summary":       sum,
		"new":           added, "unchanged": unchanged, "resolved": resolved,
	}
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	return nil
}
