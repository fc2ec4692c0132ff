package table

import (
	"fmt"
	"io"

	"github.com/tenantscan/tenantscan/report"
)

// Drift writes the drift of a report against its baseline (tenantscan
// diff): counts, then the new and the resolved findings.
type Drift struct{}

// Write implements report.Writer.
func (Drift) Write(w io.Writer, r *report.Report) error {
	p := &tablePrinter{width: 80}
	added, unchanged, err := r.DriftLists()
	if err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	p.line(fmt.Sprintf("%d new, %d unchanged, %d resolved", len(added), len(unchanged), len(r.Resolved)))
	section := func(title string, fs []report.Finding) {
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
