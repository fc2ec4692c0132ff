package xlsx

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/tenantscan/tenantscan/report"
)

func writeSummary(f *excelize.File, st styles, r *report.Report) error {
	controls := r.ControlsByID()
	s, err := newSheet(f, st, SheetSummary, []column{
		{"Tenant", 28}, {"Tenant ID", 38}, {"Snapshot", 36}, {"Status", 10}, {"Readiness", 12}, {"Blocking controls", 40},
		{"Critical", 9}, {"High", 9}, {"Medium", 9}, {"Low", 9},
		{"Pass", 8}, {"Fail", 8}, {"Warn", 8}, {"Skip", 8}, {"Waived", 8}, {"Error", 8},
		{"Scanned at", 20}, {"Tool version", 14}, {"Error message", 60},
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
		count := func(t report.Tenant, n int) excelize.Cell {
			if t.Unevaluated() {
				return s.text(report.NotCounted) // never 0 for a tenant nobody could check
			}
			return s.number(n)
		}
		return s.add(
			s.text(report.TenantName(t)), s.text(t.TenantID), s.text(t.Snapshot), s.text(t.Status), s.text(readiness),
			s.long(strings.Join(t.Readiness.Blocking, ", ")),
			count(t, sev[report.SeverityCritical]), count(t, sev[report.SeverityHigh]), count(t, sev[report.SeverityMedium]), count(t, sev[report.SeverityLow]),
			s.number(cnt[report.StatusPass]), s.number(cnt[report.StatusFail]), s.number(cnt[report.StatusWarn]),
			s.number(cnt[report.StatusSkip]), s.number(cnt[report.StatusWaived]), s.number(cnt[report.StatusError]),
			excelize.Cell{StyleID: st.date, Value: r.FinishedAt.UTC()}, s.text(r.Tool.Version), s.long(firstLine(errMsg)),
		)
	})
	if err != nil {
		return err
	}
	tenantRows := s.row - 1

	// Below the tenants: failing findings by severity (the chart's data),
	// then the scan's parameters.
	if err := s.add(); err != nil {
		return err
	}
	sevHeader := s.row
	if err := s.add(excelize.Cell{StyleID: st.header, Value: "Severity"}, excelize.Cell{StyleID: st.header, Value: "Failing findings"}); err != nil {
		return err
	}
	for _, level := range report.Severities {
		if err := s.add(s.text(level), s.number(r.Summary.Findings[level])); err != nil {
			return err
		}
	}
	if err := s.add(); err != nil {
		return err
	}
	if err := s.add(excelize.Cell{StyleID: st.header, Value: "Scan parameter"}, excelize.Cell{StyleID: st.header, Value: "Value"}); err != nil {
		return err
	}
	params := []report.Parameter{
		{Name: "tool", Value: r.Tool.Name + " " + r.Tool.Version},
		{Name: "tenants", Value: fmt.Sprint(r.Summary.Tenants)},
		{Name: "controls", Value: fmt.Sprint(len(r.Controls))},
	}
	params = append(params, r.Parameters...)
	if d := r.Summary.Drift; d != nil {
		params = append(params, report.Parameter{Name: "drift", Value: fmt.Sprintf("%d new, %d unchanged, %d resolved", d.New, d.Unchanged, d.Resolved)})
	}
	if w := r.Summary.Waivers; w != nil {
		params = append(params, report.Parameter{Name: "waivers applied", Value: fmt.Sprintf("%d finding(s) waived, %d waiver(s) expired, %d unused", w.Waived, w.Expired, w.Unused)})
	}
	if err := s.add(s.text("started at"), excelize.Cell{StyleID: st.date, Value: r.StartedAt.UTC()}); err != nil {
		return err
	}
	if err := s.add(s.text("finished at"), excelize.Cell{StyleID: st.date, Value: r.FinishedAt.UTC()}); err != nil {
		return err
	}
	for _, p := range params {
		if err := s.add(s.text(p.Name), s.long(p.Value)); err != nil {
			return err
		}
	}
	// The auto-filter and colours cover the tenant rows only.
	end := s.row
	s.row = tenantRows + 1
	if err := colourColumn(f, SheetSummary, 4, max(tenantRows, 2), map[string]string{
		report.TenantPass: "C6EFCE", report.TenantFail: "FFC7CE", report.TenantError: "E4C1F9", report.TenantNotApplicable: "EDEDED",
	}); err != nil {
		return err
	}
	if err := colourColumn(f, SheetSummary, 5, max(tenantRows, 2), map[string]string{"ready": "C6EFCE", "not ready": "FFC7CE", "not applicable": "EDEDED", "not evaluated": "E4C1F9"}); err != nil {
		return err
	}
	s.row = end
	last, _ := excelize.CoordinatesToCellName(len(s.cols), max(tenantRows, 1))
	if err := f.AutoFilter(SheetSummary, "A1:"+last, nil); err != nil {
		return err
	}
	first := sevHeader + 1
	lastSev := sevHeader + len(report.Severities)
	chart := &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("'%s'!$B$%d", SheetSummary, sevHeader),
			Categories: fmt.Sprintf("'%s'!$A$%d:$A$%d", SheetSummary, first, lastSev),
			Values:     fmt.Sprintf("'%s'!$B$%d:$B$%d", SheetSummary, first, lastSev),
		}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Failing findings by severity"}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{Width: 480, Height: 260},
	}
	anchor := fmt.Sprintf("D%d", sevHeader)
	if err := f.AddChart(SheetSummary, anchor, chart); err != nil {
		return err
	}
	return s.sw.Flush()
}

func writeFindings(f *excelize.File, st styles, r *report.Report) error {
	s, err := newSheet(f, st, SheetFindings, []column{
		{"Tenant", 24}, {"Control", 11}, {"Title", 40}, {"Severity", 10}, {"Status", 9},
		{"Resource kind", 16}, {"Resource ID", 32}, {"Message", 60}, {"Evidence", 60},
		{"Snapshot", 32}, {"Path", 28}, {"Drift", 10}, {"Waiver", 30}, {"First seen", 11},
	})
	if err != nil {
		return err
	}
	err = report.EachFindingRow(r, func(row report.FindingRow) error {
		return s.add(s.text(row.Tenant), s.text(row.ControlID), s.long(row.Title), s.text(row.Severity), s.text(row.Status),
			s.text(row.ResourceKind), s.text(row.ResourceID), s.long(row.Message), s.long(row.Evidence),
			s.text(row.Snapshot), s.text(row.Path), s.text(row.Drift), s.long(row.Waiver), s.text(row.FirstSeen))
	})
	if err != nil {
		return err
	}
	// Findings resolved since the baseline close the list, marked so.
	controls := r.ControlsByID()
	for _, fd := range r.Resolved {
		c := controls[fd.ControlID]
		err := s.add(s.text(fd.TenantID), s.text(fd.ControlID), s.long(c.Title), s.text(c.Severity), s.text("resolved"),
			s.text(fd.Resource.Kind), s.text(fd.Resource.ID), s.long(fd.Message), s.long(report.EvidenceText(fd.Evidence)),
			s.text(""), s.text(fd.Path), s.text("resolved"), s.text(""), s.text(fd.FirstSeen))
		if err != nil {
			return err
		}
	}
	return s.finish(map[int]map[string]string{4: severityColours, 5: statusColours})
}

func writeControls(f *excelize.File, st styles, r *report.Report) error {
	s, err := newSheet(f, st, SheetControls, []column{
		{"Control", 11}, {"Title", 44}, {"Severity", 10}, {"Phase", 14}, {"Source", 10},
		{"Description", 60}, {"Remediation", 60}, {"Reference", 30},
		{"Pass", 8}, {"Fail", 8}, {"Warn", 8}, {"Skip", 8}, {"Waived", 8}, {"Error", 8}, {"Findings", 10},
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
	for _, c := range r.Controls {
		n := counts[c.ID]
		err := s.add(s.text(c.ID), s.long(c.Title), s.text(c.Severity), s.text(c.Phase), s.text(c.Source),
			s.long(c.Description), s.long(c.Remediation), s.long(c.Reference),
			s.number(n[report.StatusPass]), s.number(n[report.StatusFail]), s.number(n[report.StatusWarn]),
			s.number(n[report.StatusSkip]), s.number(n[report.StatusWaived]), s.number(n[report.StatusError]), s.number(findings[c.ID]))
		if err != nil {
			return err
		}
	}
	return s.finish(map[int]map[string]string{3: severityColours})
}

func writeActionPlan(f *excelize.File, st styles, r *report.Report) error {
	s, err := newSheet(f, st, SheetActionPlan, []column{
		{"Tenant", 24}, {"Control", 11}, {"Title", 40}, {"Severity", 10}, {"Findings", 10}, {"Resources", 40},
		{"Next step", 60}, {"Owner", 18}, {"Non-compliance reason", 30}, {"Remediation date", 16}, {"Justification", 30},
	})
	if err != nil {
		return err
	}
	controls := r.ControlsByID()
	err = r.EachTenant(func(tp *report.Tenant) error {
		t := *tp
		for _, c := range t.Controls {
			if len(c.Findings) == 0 {
				continue
			}
			ctl := controls[c.ID]
			// The action plan holds what needs action: not the waived
			// findings, nor those carried from the baseline.
			ids := make([]string, 0, len(c.Findings))
			for _, fd := range c.Findings {
				if c.Fails(fd) {
					ids = append(ids, fd.Resource.ID)
				}
			}
			if len(ids) == 0 {
				continue
			}
			err := s.add(s.text(report.TenantName(t)), s.text(c.ID), s.long(ctl.Title), s.text(ctl.Severity),
				s.number(len(ids)), s.long(strings.Join(ids, ", ")), s.long(ctl.Remediation),
				s.text(""), s.long(""), excelize.Cell{StyleID: st.date}, s.long(""))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.finish(map[int]map[string]string{4: severityColours})
}

func writeErrors(f *excelize.File, st styles, r *report.Report) error {
	s, err := newSheet(f, st, SheetErrors, []column{
		{"Tenant", 24}, {"Snapshot", 36}, {"Control", 11}, {"Message", 100},
	})
	if err != nil {
		return err
	}
	for _, w := range r.UnusedWaivers {
		msg := fmt.Sprintf("unused waiver (%s:%d): tenant %s, resource %s, %s (owner %s, expires %s)", w.File, w.Line, w.Tenant, w.Resource, w.Reason, w.Owner, w.Expires)
		if err := s.add(s.text("(waivers)"), s.text(w.File), s.text(w.Control), s.long(msg)); err != nil {
			return err
		}
	}

	err = r.EachTenant(func(tp *report.Tenant) error {
		t := *tp
		if t.Error != nil && t.Unevaluated() {
			for _, line := range strings.Split(*t.Error, "\n") {
				if err := s.add(s.text(report.TenantName(t)), s.text(t.Snapshot), s.text("(snapshot)"), s.long(line)); err != nil {
					return err
				}
			}
			return nil
		}
		for _, c := range t.Controls {
			if c.Status != report.StatusError || c.Reason == nil {
				continue
			}
			if err := s.add(s.text(report.TenantName(t)), s.text(t.Snapshot), s.text(c.ID), s.long(*c.Reason)); err != nil {
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
