package xlsx

import (
	"github.com/xuri/excelize/v2"

	"github.com/tenantscan/tenantscan/report"
)

// SheetTrend is the sheet of the last runs before this one, written only
// when the report has a trend (scan --history).
const SheetTrend = "Trend"

// writeTrend writes the Trend sheet: one row per earlier run, oldest first.
func writeTrend(f *excelize.File, st styles, r *report.Report) error {
	if _, err := f.NewSheet(SheetTrend); err != nil {
		return err
	}
	s, err := newSheet(f, st, SheetTrend, []column{
		{"Run", 18, false}, {"Run id", 36, false}, {"Tenants", 10, false}, {"Ready", 10, false}, {"Error", 10, false},
		{"Critical", 10, false}, {"High", 10, false}, {"Medium", 10, false}, {"Low", 10, false},
	})
	if err != nil {
		return err
	}
	for _, p := range r.Trend {
		if err := s.add(s.text(p.At.UTC().Format("2006-01-02 15:04")), s.text(p.RunID), s.number(p.Tenants), s.number(p.Ready), s.number(p.Errors),
			s.number(p.Findings[report.SeverityCritical]), s.number(p.Findings[report.SeverityHigh]),
			s.number(p.Findings[report.SeverityMedium]), s.number(p.Findings[report.SeverityLow])); err != nil {
			return err
		}
	}
	return s.finish(nil)
}
