package xlsx

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/tenantscan/tenantscan/report"
)

// summaryCols are the Summary's tenant columns; the first
// summaryPrintCols are printed, the rest (control counts by status, tenant
// id, snapshot) are on screen only, so that the printed page stays
// readable.
var summaryCols = []column{
	{"Tenant", 24, true}, {"Status", 9, false}, {"Readiness", 14, false},
	{"Critical", 8, false}, {"High", 7, false}, {"Medium", 8, false}, {"Low", 7, false},
	{"Exported at", 21, false}, {"Age", 11, true}, {"Stale", 8, false},
	{"Blocking controls", 26, true}, {"Error message", 36, true},
	{"Pass", 7, false}, {"Fail", 7, false}, {"Warn", 7, false}, {"Skip", 7, false}, {"Waived", 8, false}, {"Error", 7, false},
	{"Tenant ID", 38, false}, {"Snapshot", 36, true},
}

const summaryPrintCols = 12

// Stale column values.
const (
	staleYes     = "STALE"
	staleNo      = "no"
	staleUnknown = "unknown"
)

// staleText is a tenant's Stale cell: STALE, no, unknown (age unknown),
// or "" for a report written before ages existed.
func staleText(a *report.Age) string {
	switch {
	case a == nil:
		return ""
	case a.Unknown:
		return staleUnknown
	case a.Stale:
		return staleYes
	}
	return staleNo
}

// paramValue is the value of a scan parameter, "" when absent.
func paramValue(r *report.Report, name string) string {
	for _, p := range r.Parameters {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// headerBlock is the Summary's first rows: what produced the report and
// when, and its totals, so a printed page stands on its own.
func headerBlock(st styles, r *report.Report) [][]any {
	label := func(s string) excelize.Cell { return excelize.Cell{StyleID: st.label, Value: s} }
	text := func(s string) excelize.Cell { return excelize.Cell{StyleID: st.text, Value: clean(s)} }
	rows := [][]any{{excelize.Cell{StyleID: st.title, Value: "tenantscan compliance report"}}}
	add := func(name string, v excelize.Cell) { rows = append(rows, []any{label(name), v}) }

	add("Tool version", text(strings.TrimSpace(r.Tool.Name+" "+r.Tool.Version)))
	policy, data := "not recorded (report written before policy sets were)", "not recorded"
	if p := r.Policy; p != nil {
		policy = p.BuiltIn
		if len(p.Paths) > 0 {
			policy += "; --policy " + strings.Join(p.Paths, ", ")
		}
		data = "none"
		if len(p.Data) > 0 {
			data = strings.Join(p.Data, ", ")
		}
	}
	add("Policy set", text(policy))
	add("Data overrides", text(data))
	add("Scanned at", text(r.StartedAt.UTC().Format("2006-01-02 15:04:05 UTC")))
	maxAge := paramValue(r, "max-age")
	if maxAge == "" {
		maxAge = "not recorded"
	}
	sm := r.Summary
	add("Maximum snapshot age", text(fmt.Sprintf("%s — %d stale, %d of unknown age", maxAge, sm.Stale, sm.AgeUnknown)))
	add("Tenants", text(fmt.Sprintf("%d — %d pass, %d fail, %d error, %d not applicable", sm.Tenants, sm.Pass, sm.Fail, sm.Error, sm.NotApplicable)))
	add("Failing findings", text(fmt.Sprintf("%d critical, %d high, %d medium, %d low (waived findings not counted)",
		sm.Findings[report.SeverityCritical], sm.Findings[report.SeverityHigh], sm.Findings[report.SeverityMedium], sm.Findings[report.SeverityLow])))
	if len(r.Waivers) > 0 || sm.Waivers != nil {
		n := report.WaiverCounts(r.Waivers)
		waived := 0
		if sm.Waivers != nil {
			waived = sm.Waivers.Waived
		}
		add("Waivers", text(fmt.Sprintf("%d used, %d unused, %d expired; %d finding(s) waived (see the Waivers sheet)",
			n[report.WaiverUsed], n[report.WaiverUnused], n[report.WaiverExpired], waived)))
	} else {
		add("Waivers", text("none (the scan ran without --waivers)"))
	}
	if d := sm.Drift; d != nil {
		add("Drift", text(fmt.Sprintf("%d new, %d unchanged, %d resolved", d.New, d.Unchanged, d.Resolved)))
	}
	// The other settings in one line, so that the printed page carries
	// them (the table under the chart lists them one per row).
	var settings []string
	for _, p := range r.Parameters {
		switch p.Name {
		case "max-age", "policies", "data":
			continue // above
		}
		settings = append(settings, p.Name+" "+p.Value)
	}
	if len(settings) > 0 {
		add("Settings", text(strings.Join(settings, "; ")))
	}
	return append(rows, nil)
}

func writeSummary(f *excelize.File, st styles, r *report.Report) error {
	controls := r.ControlsByID()
	s, err := newSheetLayout(f, st, SheetSummary, summaryCols, layout{
		before: headerBlock(st, r), onePage: r.TenantCount() <= SummaryOnePage, printCols: summaryPrintCols,
	})
	if err != nil {
		return err
	}
	err = r.EachTenant(func(tp *report.Tenant) error {
		t := *tp
		sev := report.SeverityCounts(t, controls)
		cnt := report.StatusCounts(t)
		readiness := strings.ToLower(t.Readiness.Label())
		errMsg := ""
		if t.Error != nil {
			errMsg = *t.Error
		}
		partial := report.UnevaluatedBySeverity(t, controls)
		count := func(severity string) excelize.Cell {
			switch {
			case t.Unevaluated():
				return s.text(report.NotCounted) // never 0 for a tenant nobody could check
			case partial[severity] > 0:
				// Some control of this severity could not be evaluated:
				// the count is what was established, there may be more.
				return s.text(fmt.Sprintf("%d %s", sev[severity], report.MaybeMore))
			}
			return s.number(sev[severity])
		}
		// The age's reason when unknown is in the JSON; here "unknown"
		// (Stale says so too) and the Exported at cell says what is missing.
		age, exported := "", t.ExportedAt
		if t.Age != nil {
			age = t.Age.Text
			if t.Age.Unknown {
				age = "unknown"
			}
		}
		if exported == "" {
			exported = "(none)"
		}
		return s.addRow(
			s.text(report.TenantName(t)), s.text(t.Status), s.text(readiness),
			count(report.SeverityCritical), count(report.SeverityHigh), count(report.SeverityMedium), count(report.SeverityLow),
			s.text(exported), s.text(age), s.text(staleText(t.Age)),
			s.text(strings.Join(t.Readiness.Blocking, ", ")), s.text(firstLine(errMsg)),
			s.number(cnt[report.StatusPass]), s.number(cnt[report.StatusFail]), s.number(cnt[report.StatusWarn]),
			s.number(cnt[report.StatusSkip]), s.number(cnt[report.StatusWaived]), s.number(cnt[report.StatusError]),
			s.text(t.TenantID), s.text(t.Snapshot),
		)
	})
	if err != nil {
		return err
	}
	lastTenant := s.row - 1
	if err := s.tableFormats(lastTenant, map[int]map[string]string{
		2:  {report.TenantPass: "C6EFCE", report.TenantFail: "FFC7CE", report.TenantError: "E4C1F9", report.TenantNotApplicable: "EDEDED"},
		3:  {"ready": "C6EFCE", "not ready": "FFC7CE", "not applicable": "EDEDED", "not evaluated": "E4C1F9"},
		10: {staleYes: "FFC7CE", staleUnknown: "FFEB9C", staleNo: "C6EFCE"},
	}); err != nil {
		return err
	}

	// Below the tenants: failing findings by severity (the chart's data,
	// the chart beside it), then the scan's parameters.
	if err := s.add(); err != nil {
		return err
	}
	sevHeader := s.row
	if err := s.add(excelize.Cell{StyleID: st.header, Value: "Severity"}, excelize.Cell{StyleID: st.header, Value: "Failing"}); err != nil {
		return err
	}
	for _, level := range report.Severities {
		if err := s.add(s.text(level), s.number(r.Summary.Findings[level])); err != nil {
			return err
		}
	}
	if err := colourColumn(f, SheetSummary, 1, sevHeader+1, sevHeader+len(report.Severities), SeverityColours); err != nil {
		return err
	}
	// The chart is 220 pixels (11 rows) tall: the parameters start below
	// it, outside the printed area (the header block has them in one line).
	for s.row < sevHeader+12 {
		if err := s.add(); err != nil {
			return err
		}
	}
	printed := s.row - 1
	if err := s.add(excelize.Cell{StyleID: st.header, Value: "Scan parameter"}, excelize.Cell{StyleID: st.header, Value: "Value"}); err != nil {
		return err
	}
	params := []report.Parameter{
		{Name: "tool", Value: r.Tool.Name + " " + r.Tool.Version},
		{Name: "tenants", Value: fmt.Sprint(r.Summary.Tenants)},
		{Name: "controls", Value: fmt.Sprint(len(r.Controls))},
	}
	params = append(params, r.Parameters...)
	if err := s.add(s.text("started at"), s.text(r.StartedAt.UTC().Format("2006-01-02 15:04:05 UTC"))); err != nil {
		return err
	}
	if err := s.add(s.text("finished at"), s.text(r.FinishedAt.UTC().Format("2006-01-02 15:04:05 UTC"))); err != nil {
		return err
	}
	for _, p := range params {
		if err := s.add(s.text(p.Name), s.text(p.Value)); err != nil {
			return err
		}
	}
	if err := s.printSettings(printed); err != nil {
		return err
	}
	// One series per severity, so that each bar has its severity's colour.
	chart := &excelize.Chart{
		Type:      excelize.Col,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Failing findings by severity"}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 480, Height: 220},
	}
	for i, level := range report.Severities {
		row := sevHeader + 1 + i
		chart.Series = append(chart.Series, excelize.ChartSeries{
			Name:       fmt.Sprintf("'%s'!$A$%d", SheetSummary, row),
			Categories: fmt.Sprintf("'%s'!$B$%d", SheetSummary, sevHeader),
			Values:     fmt.Sprintf("'%s'!$B$%d", SheetSummary, row),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{SeverityColours[level]}},
		})
	}
	if err := f.AddChart(SheetSummary, fmt.Sprintf("D%d", sevHeader), chart); err != nil {
		return err
	}
	return s.sw.Flush()
}

// findingsCols are the Findings sheet's columns; the first
// findingsPrintCols are printed.
var findingsCols = []column{
	{"Severity", 9, false}, {"Tenant", 20, true}, {"Control", 11, false}, {"Title", 30, true}, {"Status", 9, false},
	{"Resource ID", 30, true}, {"Message", 44, true}, {"Waiver", 28, true},
	{"Resource kind", 14, false}, {"Evidence", 50, true}, {"Snapshot", 30, true}, {"Path", 28, true},
	{"Drift", 10, false}, {"First seen", 11, false}, {"Tenant ID", 38, false},
}

const findingsPrintCols = 8

func writeFindings(f *excelize.File, st styles, r *report.Report) error {
	formats := map[int]map[string]string{1: SeverityColours, 5: statusColours}
	s, err := newSheetLayout(f, st, SheetFindings, findingsCols, layout{printCols: findingsPrintCols, formats: formats})
	if err != nil {
		return err
	}
	controls := r.ControlsByID()
	err = eachBySeverity(r, func(t *report.Tenant, c report.ControlResult) error {
		ctl := controls[c.ID]
		for _, fd := range c.Findings {
			err := s.addRow(s.text(ctl.Severity), s.text(report.TenantName(*t)), s.text(c.ID), s.text(ctl.Title), s.text(report.FindingStatus(fd)),
				s.text(fd.Resource.ID), s.text(fd.Message), s.text(report.WaiverText(fd.Waiver)),
				s.text(fd.Resource.Kind), s.text(report.EvidenceText(fd.Evidence)), s.text(t.Snapshot), s.text(fd.Path),
				s.text(fd.Drift), s.text(fd.FirstSeen), s.text(t.TenantID))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Findings resolved since the baseline close the list, marked so.
	err = r.EachResolved(func(fd *report.Finding) error {
		c := controls[fd.ControlID]
		err := s.addRow(s.text(c.Severity), s.text(fd.TenantID), s.text(fd.ControlID), s.text(c.Title), s.text("resolved"),
			s.text(fd.Resource.ID), s.text(fd.Message), s.text(""),
			s.text(fd.Resource.Kind), s.text(report.EvidenceText(fd.Evidence)), s.text(""), s.text(fd.Path),
			s.text("resolved"), s.text(fd.FirstSeen), s.text(fd.TenantID))
		return err
	})
	if err != nil {
		return err
	}
	return s.finish(formats)
}

func writeControls(f *excelize.File, st styles, r *report.Report) error {
	s, err := newSheet(f, st, SheetControls, []column{
		{"Severity", 9, false}, {"Control", 11, false}, {"Title", 36, true}, {"Phase", 14, false}, {"Source", 8, false},
		{"Pass", 6, false}, {"Fail", 6, false}, {"Warn", 6, false}, {"Skip", 6, false}, {"Waived", 7, false}, {"Error", 6, false}, {"Findings", 8, false},
		{"Description", 50, true}, {"Remediation", 50, true}, {"Reference", 30, true},
	})
	if err != nil {
		return err
	}
	counts := map[string]map[string]int{}
	findings := map[string]int{}
	err = r.EachTenant(func(t *report.Tenant) error {
		for _, c := range t.Controls {
			if counts[c.ID] == nil {
				counts[c.ID] = map[string]int{}
			}
			counts[c.ID][c.Status]++
			findings[c.ID] += len(c.Findings)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range bySeverity(r.Controls) {
		n := counts[c.ID]
		err := s.addRow(s.text(c.Severity), s.text(c.ID), s.text(c.Title), s.text(c.Phase), s.text(c.Source),
			s.number(n[report.StatusPass]), s.number(n[report.StatusFail]), s.number(n[report.StatusWarn]),
			s.number(n[report.StatusSkip]), s.number(n[report.StatusWaived]), s.number(n[report.StatusError]), s.number(findings[c.ID]),
			s.text(c.Description), s.text(c.Remediation), s.text(c.Reference))
		if err != nil {
			return err
		}
	}
	return s.finish(map[int]map[string]string{1: SeverityColours})
}

func writeActionPlan(f *excelize.File, st styles, r *report.Report) error {
	s, err := newSheet(f, st, SheetActionPlan, []column{
		{"Severity", 9, false}, {"Tenant", 20, true}, {"Control", 11, false}, {"Title", 30, true}, {"Findings", 8, false}, {"Resources", 34, true},
		{"Next step", 44, true}, {"Owner", 16, true}, {"Non-compliance reason", 24, true}, {"Remediation date", 14, false}, {"Justification", 24, true},
	})
	if err != nil {
		return err
	}
	controls := r.ControlsByID()
	err = eachBySeverity(r, func(t *report.Tenant, c report.ControlResult) error {
		// The action plan holds what needs action: not the waived
		// findings, nor those carried from the baseline.
		ids := make([]string, 0, len(c.Findings))
		for _, fd := range c.Findings {
			if c.Fails(fd) {
				ids = append(ids, fd.Resource.ID)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		ctl := controls[c.ID]
		return s.addRow(s.text(ctl.Severity), s.text(report.TenantName(*t)), s.text(c.ID), s.text(ctl.Title),
			s.number(len(ids)), s.text(strings.Join(ids, ", ")), s.text(ctl.Remediation),
			s.text(""), s.text(""), excelize.Cell{StyleID: st.date}, s.text(""))
	})
	if err != nil {
		return err
	}
	return s.finish(map[int]map[string]string{1: SeverityColours})
}

func writeErrors(f *excelize.File, st styles, r *report.Report) error {
	s, err := newSheet(f, st, SheetErrors, []column{
		{"Tenant", 24, true}, {"Snapshot", 32, true}, {"Control", 11, false}, {"Message", 90, true},
	})
	if err != nil {
		return err
	}
	err = r.EachTenant(func(tp *report.Tenant) error {
		t := *tp
		if t.Error != nil && t.Unevaluated() {
			for _, line := range strings.Split(*t.Error, "\n") {
				if err := s.addRow(s.text(report.TenantName(t)), s.text(t.Snapshot), s.text("(snapshot)"), s.text(line)); err != nil {
					return err
				}
			}
			return nil
		}
		for _, c := range t.Controls {
			if c.Status != report.StatusError || c.Reason == nil {
				continue
			}
			if err := s.addRow(s.text(report.TenantName(t)), s.text(t.Snapshot), s.text(c.ID), s.text(*c.Reason)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.finish(nil)
}

// firstLine is the first line of a message, noting that the Errors sheet
// has the rest.
func firstLine(msg string) string {
	first, rest, more := strings.Cut(msg, "\n")
	if more && rest != "" {
		return first + " (details on the Errors sheet)"
	}
	return first
}
