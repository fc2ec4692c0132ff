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
	sum := report.DriftSummary{New: len(added), Unchanged: len(unchanged), Resolved: len(r.Resolved)}
	if r.Summary.Drift != nil {
		sum.NewFindings = r.Summary.Drift.NewFindings
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	doc := map[string]any{
		"schemaVersion": report.SchemaVersion,
		"summary":       sum,
		"new":           added, "unchanged": unchanged, "resolved": r.Resolved,
	}
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	return nil
}
