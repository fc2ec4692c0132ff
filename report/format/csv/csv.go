// Package csv writes a report as CSV, one row per finding, for
// spreadsheets and scripts.
package csv

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/tenantscan/tenantscan/report"
)

// Writer writes one row per finding, with a header row; each row ends
// with its snapshot's exportedAt, age and stale flag (true, false,
// unknown). Cells that a spreadsheet would read as formulas are
// neutralised (see safeCell).
type Writer struct{}

// Header names the columns, in order.
var Header = []string{"tenant", "tenant_id", "snapshot", "control", "title", "severity", "status",
	"resource_kind", "resource_id", "message", "evidence", "path", "drift", "waiver",
	"exported_at", "snapshot_age", "stale"}

// Write implements report.Writer; control and bidirectional characters are
// neutralised (see Neutralize).
func (x Writer) Write(w io.Writer, r *report.Report) error {
	return report.Neutrally(w, func(w io.Writer) error { return x.write(w, r) })
}

func (Writer) write(w io.Writer, r *report.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	err := report.EachFindingRow(r, func(row report.FindingRow) error {
		rec := []string{row.Tenant, row.TenantID, row.Snapshot, row.ControlID, row.Title, row.Severity, row.Status,
			row.ResourceKind, row.ResourceID, row.Message, row.Evidence, row.Path, row.Drift, row.Waiver,
			row.ExportedAt, row.Age, row.Stale}
		for i := range rec {
			rec[i] = safeCell(rec[i])
		}
		return cw.Write(rec)
	})
	if err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	return nil
}

// safeCell makes text safe for a spreadsheet cell: text that a spreadsheet
// would read as a formula (it starts with =, +, -, @, a tab or a carriage
// return) gets a leading apostrophe, so it stays text.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
