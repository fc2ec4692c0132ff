package json

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/tenantscan/tenantscan/report"
)

// Readiness writes the verdicts of tenantscan readiness as JSON, for
// automation (see report.Report.Readiness).
type Readiness struct{}

// Write implements report.Writer.
func (Readiness) Write(out io.Writer, r *report.Report) error {
	verdicts, err := r.Readiness()
	if err != nil {
		return fmt.Errorf("write readiness: %w", err)
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{"schemaVersion": report.SchemaVersion, "tenants": verdicts}); err != nil {
		return fmt.Errorf("write readiness: %w", err)
	}
	return nil
}
