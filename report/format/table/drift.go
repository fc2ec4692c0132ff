package table

import (
	"cmp"
	"fmt"
	"io"
	"slices"

	"github.com/tenantscan/tenantscan/report"
)

// Drift writes the drift of a report against its baseline (tenantscan
// diff): counts, then the new and the resolved findings, each with its
// control's severity and its tenant's name (the id when the report does
// not name it: a resolved finding of a tenant no longer scanned), sorted
// by severity (critical first), tenant, control.
type Drift struct {
	// Width is the line width to fit; 0 means 80.
	Width int
}

// Write implements report.Writer.
func (d Drift) Write(w io.Writer, r *report.Report) error {
	width := d.Width
	if width <= 0 {
		width = 80
	}
	p := &tablePrinter{width: width}
	added, unchanged, err := r.DriftLists()
	if err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	names := map[string]string{}
	err = r.EachTenant(func(t *report.Tenant) error {
		if t.TenantID != "" {
			names[t.TenantID] = report.TenantName(*t)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	// tenantscan diff compares two reports read whole: the resolved
	// findings are collected and sorted like the new ones.
	var resolved []report.Finding
	if err := r.EachResolved(func(f *report.Finding) error { resolved = append(resolved, *f); return nil }); err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	controls := r.ControlsByID()
	type row struct {
		severity, tenant string
		f                report.Finding
	}
	p.line(fmt.Sprintf("%d new, %d unchanged, %d resolved", len(added), len(unchanged), len(resolved)))
	section := func(title string, fs []report.Finding) {
		if len(fs) == 0 {
			return
		}
		rows := make([]row, len(fs))
		for i, f := range fs {
			rows[i] = row{severity: controls[f.ControlID].Severity, tenant: cmp.Or(names[f.TenantID], f.TenantID), f: f}
			if rows[i].severity == "" {
				rows[i].severity = "unknown"
			}
		}
		slices.SortStableFunc(rows, func(a, b row) int {
			return cmp.Or(cmp.Compare(report.SeverityRank(b.severity), report.SeverityRank(a.severity)),
				cmp.Compare(a.tenant, b.tenant), cmp.Compare(a.f.ControlID, b.f.ControlID))
		})
		p.line("")
		p.line(title)
		for _, x := range rows {
			p.wrap(fmt.Sprintf("  %-8s %s ", x.severity, x.f.ControlID), "    ", printable(x.tenant+": "+x.f.Message))
		}
	}
	section("New:", added)
	section("Resolved:", resolved)
	if _, err := io.WriteString(w, p.b.String()); err != nil {
		return fmt.Errorf("write drift: %w", err)
	}
	return nil
}
