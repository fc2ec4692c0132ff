package xlsx

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/tenantscan/tenantscan/report"
)

// waiverStateNone is the Waivers sheet's one row when the run had no
// waivers: the sheet says so rather than stand empty.
const waiverStateNone = "none"

// waiverUses are the report's waivers with their state. A report written
// before the list existed has only its unused waivers: they are listed as
// unused (or expired, as the report marked them).
func waiverUses(r *report.Report) []report.WaiverUse {
	if len(r.Waivers) > 0 {
		return r.Waivers
	}
	out := make([]report.WaiverUse, 0, len(r.UnusedWaivers))
	for _, w := range r.UnusedWaivers {
		state := report.WaiverUnused
		if w.Expired {
			state = report.WaiverExpired
		}
		out = append(out, report.WaiverUse{Waiver: w, State: state})
	}
	return out
}

// writeWaivers writes the Waivers sheet: every waiver of the run once, in
// file order, with its state (used, unused, expired), owner, reason,
// expiry, how many findings it matched and which (the first
// report.MaxWaiverCovers, as the JSON report lists them).
func writeWaivers(f *excelize.File, st styles, r *report.Report) error {
	s, err := newSheet(f, st, SheetWaivers, []column{
		{"State", 9, false}, {"Control", 11, false}, {"Tenant", 16, true}, {"Resource", 22, true},
		{"Owner", 22, true}, {"Reason", 32, true}, {"Expires", 11, false}, {"Findings", 9, false},
		{"Covered findings", 46, true}, {"Location", 22, true},
	})
	if err != nil {
		return err
	}
	list := waiverUses(r)
	if len(list) == 0 {
		if err := s.addRow(s.text(waiverStateNone), s.text(""), s.text(""), s.text(""), s.text(""),
			s.text("no waiver applies to this run (it ran without --waivers, or the file was empty)")); err != nil {
			return err
		}
	}
	for _, u := range list {
		loc := u.File
		if u.Line > 0 {
			loc = fmt.Sprintf("%s:%d", u.File, u.Line)
		}
		err := s.addRow(s.text(u.State), s.text(u.Control), s.text(u.Tenant), s.text(u.Resource),
			s.text(u.Owner), s.text(u.Reason), s.text(u.Expires), s.number(u.Covers),
			s.text(coveredText(u)), s.text(loc))
		if err != nil {
			return err
		}
	}
	return s.finish(map[int]map[string]string{1: {
		report.WaiverUsed: statusColours[report.StatusWaived], report.WaiverUnused: "FFEB9C", report.WaiverExpired: "FFC7CE",
	}})
}

// coveredText lists the findings a waiver matched, one per line
// ("tenant · control · resource"), and how many more there are.
func coveredText(u report.WaiverUse) string {
	lines := make([]string, 0, len(u.Findings)+1)
	for _, c := range u.Findings {
		lines = append(lines, c.Tenant+" · "+c.ControlID+" · "+c.Resource)
	}
	if more := u.Covers - len(u.Findings); more > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more (Findings sheet, Waiver column)", more))
	}
	return strings.Join(lines, "\n")
}
