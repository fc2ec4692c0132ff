package html

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/tenantscan/tenantscan/report"
)

// The HTML page is written in two passes over the tenants (Report.
// EachTenant), so that only one tenant is in memory at a time: the header
// (from the report's summary, catalogue, waivers and parameters), then a
// tenant × control matrix row per tenant, then the resolved findings one
// at a time (Report.EachResolved), then a section per tenant, then the
// script. Every piece is a template of templates/report.html.tmpl.

// htmlHead is what the page's header shows: the run, its totals and the
// sections that do not depend on one tenant.
type htmlHead struct {
	*report.Report
	Title, ScanTime, MaxAge string
	Controls                []htmlColumn
	Waivers                 []htmlWaiver
	WaiverCounts            map[string]int
	Tenants                 int
	Statuses                []string // control statuses, for the filter
}

// htmlColumn is a control as a matrix column.
type htmlColumn struct {
	ID, Short, Title, Severity string
}

type htmlWaiver struct {
	report.WaiverUse
	Location string
}

// htmlRow is a tenant as a matrix row.
type htmlRow struct {
	htmlTenantHead
	Cells []htmlCell
}

type htmlCell struct {
	ControlID, Status, Severity, Anchor string
}

// htmlTenantHead is what the matrix and the tenant's section both show.
type htmlTenantHead struct {
	N                                          int
	Name, Anchor, Snapshot, TenantID, Status   string
	Readiness, ReadinessState, Error, ErrorTip string
	ExportedAt, Age, AgeShort                  string
	Stale, AgeUnknown, Unevaluated             bool
	Severity                                   map[string]string
	// Unknown counts, by severity, the controls in error of a tenant that
	// was partly evaluated: its count may hide failures, and says so.
	Unknown map[string]int
}

type htmlSection struct {
	htmlTenantHead
	Blocking, Warnings []string
	Controls           []htmlControl
	// Summarised lists the controls print only names, by status (pass,
	// skip, waived): the printed page prints failing and erroring controls
	// in full and these in one line each.
	Summarised []htmlStatusGroup
}

type htmlStatusGroup struct {
	Status string
	IDs    []string
}

type htmlControl struct {
	ID, Anchor, Title, Severity, Status, Reason, Description, Remediation, Source, Reference string
	Open                                                                                     bool
	Notes                                                                                    []string
	Findings                                                                                 []htmlFinding
}

type htmlFinding struct {
	Message, Path, Evidence, Waiver, Drift, Status string
	FirstSeen                                      string // from the run history
	WaiverExpired                                  bool
}

// controlStatuses are the control statuses in the order the filter and the
// legend list them.
var controlStatuses = []string{report.StatusFail, report.StatusError, report.StatusWarn, report.StatusWaived, report.StatusSkip, report.StatusPass}

// statusMark is a status as a matrix cell shows it: a letter that still
// reads in black and white.
var statusMark = map[string]string{report.StatusPass: "✓", report.StatusFail: "✗", report.StatusWarn: "!", report.StatusSkip: "–", report.StatusWaived: "W", report.StatusError: "E"}

var htmlFuncs = template.FuncMap{
	"join": strings.Join,
	"mark": func(status string) string {
		if m, ok := statusMark[status]; ok {
			return m
		}
		return "?"
	},
	"pointer": pointerHTML,
	"label":   report.StatusLabel,
	"when":    ageTime,
	"day": func(exportedAt string) string {
		if at, err := time.Parse(time.RFC3339, exportedAt); err == nil {
			return at.UTC().Format(time.DateOnly)
		}
		return exportedAt
	},
	"list": func(s ...string) []string { return s },
	"sub":  func(a, b int) int { return a - b },
}

// pointerHTML escapes a JSON pointer and lets it wrap only after a slash
// (<wbr>), so /users/12/assignedLicenses never breaks mid-word.
func pointerHTML(p string) template.HTML {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = template.HTMLEscapeString(s)
	}
	return template.HTML(strings.Join(parts, "/<wbr>"))
}

func (Writer) write(w io.Writer, r *report.Report) error {
	controls := r.ControlsByID()
	head := htmlHead{Report: r, Title: "Tenant compliance report: Office 365 Groups prerequisites", Tenants: r.TenantCount(),
		MaxAge: "30d", Statuses: controlStatuses}
	for _, p := range r.Parameters {
		if p.Name == "max-age" {
			head.MaxAge = p.Value
		}
	}
	if !r.StartedAt.IsZero() {
		head.ScanTime = r.StartedAt.UTC().Format("2006-01-02 15:04 MST")
	}
	for _, c := range r.Controls {
		head.Controls = append(head.Controls, htmlColumn{ID: c.ID, Short: shortID(c.ID), Title: c.Title, Severity: c.Severity})
	}
	for _, u := range r.Waivers {
		head.Waivers = append(head.Waivers, htmlWaiver{WaiverUse: u, Location: fmt.Sprintf("%s:%d", u.File, u.Line)})
	}
	if r.Waivers != nil {
		head.WaiverCounts = report.WaiverCounts(r.Waivers)
	}
	if err := htmlTemplate.ExecuteTemplate(w, "head", head); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	// Pass 1: the matrix.
	n := 0
	err := r.EachTenant(func(t *report.Tenant) error {
		n++
		row := htmlRow{htmlTenantHead: tenantHead(n, t, controls)}
		byID := make(map[string]report.ControlResult, len(t.Controls))
		for _, c := range t.Controls {
			byID[c.ID] = c
		}
		for _, c := range r.Controls {
			cell := htmlCell{ControlID: c.ID, Severity: c.Severity, Anchor: controlAnchor(n, c.ID)}
			if res, ok := byID[c.ID]; ok {
				cell.Status = res.Status
			}
			if row.Unevaluated {
				cell.Anchor = row.Anchor + "-error"
			}
			row.Cells = append(row.Cells, cell)
		}
		return htmlTemplate.ExecuteTemplate(w, "row", row)
	})
	if err == nil {
		err = htmlTemplate.ExecuteTemplate(w, "middle", head)
	}
	if n := r.ResolvedCount(); err == nil && n > 0 {
		err = htmlTemplate.ExecuteTemplate(w, "resolved-open", n)
		if err == nil {
			err = r.EachResolved(func(f *report.Finding) error {
				return htmlTemplate.ExecuteTemplate(w, "resolved", f)
			})
		}
		if err == nil {
			err = htmlTemplate.ExecuteTemplate(w, "resolved-close", nil)
		}
	}
	if err == nil {
		err = htmlTemplate.ExecuteTemplate(w, "middle-end", head)
	}
	// Pass 2: a section per tenant.
	n = 0
	if err == nil {
		err = r.EachTenant(func(t *report.Tenant) error {
			n++
			return htmlTemplate.ExecuteTemplate(w, "tenant", tenantSection(n, t, controls))
		})
	}
	if err == nil {
		err = htmlTemplate.ExecuteTemplate(w, "foot", head)
	}
	if err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

// shortID is a control id as a matrix column head: the part after the
// last dash (O365G-004 → 004), else the id.
func shortID(id string) string {
	if i := strings.LastIndexByte(id, '-'); i >= 0 && i < len(id)-1 {
		return id[i+1:]
	}
	return id
}

func controlAnchor(n int, id string) string { return fmt.Sprintf("t%d-%s", n, id) }

func tenantHead(n int, t *report.Tenant, controls map[string]report.Control) htmlTenantHead {
	h := htmlTenantHead{
		N: n, Name: report.TenantName(*t), Anchor: fmt.Sprintf("t%d", n), Snapshot: t.Snapshot, TenantID: t.TenantID,
		Status: t.Status, Readiness: strings.ToLower(t.Readiness.Label()), ReadinessState: t.Readiness.Verdict(),
		ExportedAt: t.ExportedAt, Unevaluated: t.Unevaluated(), Severity: report.SeverityCountTexts(*t, controls),
	}
	if t.Error != nil {
		h.Error = *t.Error
		h.ErrorTip, _, _ = strings.Cut(h.Error, "\n")
	}
	h.Unknown = report.UnevaluatedBySeverity(*t, controls)
	if h.Unevaluated && h.ErrorTip == "" {
		h.ErrorTip = "no control could be evaluated"
	}
	if a := t.Age; a != nil {
		h.Age, h.AgeShort, h.Stale, h.AgeUnknown = a.Text, a.Text, a.Stale, a.Unknown
		if a.Unknown {
			h.AgeShort = "unknown age"
		}
	}
	return h
}

func tenantSection(n int, t *report.Tenant, controls map[string]report.Control) htmlSection {
	s := htmlSection{htmlTenantHead: tenantHead(n, t, controls), Blocking: t.Readiness.Blocking, Warnings: t.Warnings}
	groups := map[string][]string{}
	for _, c := range t.Controls {
		ctl := controls[c.ID]
		hc := htmlControl{
			ID: c.ID, Anchor: controlAnchor(n, c.ID), Title: ctl.Title, Severity: ctl.Severity, Status: c.Status,
			Description: ctl.Description, Remediation: ctl.Remediation, Source: ctl.Source, Reference: ctl.Reference,
			Open: c.Status == report.StatusFail || c.Status == report.StatusError, Notes: c.Notes,
		}
		if c.Reason != nil {
			hc.Reason = *c.Reason
		}
		for _, f := range c.Findings {
			hf := htmlFinding{Message: f.Message, Path: f.Path, Evidence: report.EvidenceText(f.Evidence), Waiver: report.WaiverText(f.Waiver),
				Drift: f.Drift, FirstSeen: f.FirstSeen, Status: report.FindingStatus(f), WaiverExpired: f.Waiver != nil && f.Waiver.Expired}
			hc.Findings = append(hc.Findings, hf)
		}
		switch c.Status {
		case report.StatusPass, report.StatusSkip, report.StatusWaived:
			groups[c.Status] = append(groups[c.Status], c.ID)
		}
		s.Controls = append(s.Controls, hc)
	}
	for _, st := range []string{report.StatusPass, report.StatusWaived, report.StatusSkip} {
		if len(groups[st]) > 0 {
			s.Summarised = append(s.Summarised, htmlStatusGroup{Status: st, IDs: groups[st]})
		}
	}
	return s
}

// ageTime is exportedAt as the page shows it: the date and time in UTC.
func ageTime(exportedAt string) string {
	if at, err := time.Parse(time.RFC3339, exportedAt); err == nil {
		return at.UTC().Format("2006-01-02 15:04 MST")
	}
	return exportedAt
}
