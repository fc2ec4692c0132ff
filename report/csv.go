package report

import (
	"encoding/csv"
	"fmt"
	"io"
)

// CSV writes one row per finding, with a header row. Cells that a
// spreadsheet would read as formulas are neutralised (see SafeCell).
type CSV struct{}

// CSVHeader names the columns CSV writes.
var CSVHeader = []string{"tenant", "tenant_id", "snapshot", "control", "title", "severity", "status",
	"resource_kind", "resource_id", "message", "evidence", "path", "drift", "waiver"}

// Write implements Writer; control and bidirectional characters are
// neutralised (see Neutralize).
func (x CSV) Write(w io.Writer, r *Report) error {
	return neutrally(w, func(w io.Writer) error { return x.write(w, r) })
}

func (CSV) write(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("write csv report: %w", err)
	}
	err := EachFindingRow(r, func(row FindingRow) error {
		rec := []string{row.Tenant, row.TenantID, row.Snapshot, row.ControlID, row.Title, row.Severity, row.Status,
			row.ResourceKind, row.ResourceID, row.Message, row.Evidence, row.Path, row.Drift, row.Waiver}
		for i := range rec {
			rec[i] = SafeCell(rec[i])
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
