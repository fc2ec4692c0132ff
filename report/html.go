package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed templates/report.html.tmpl
var templates embed.FS

var htmlTemplate = template.Must(template.New("report.html.tmpl").
	Funcs(template.FuncMap{"join": strings.Join}).
	ParseFS(templates, "templates/report.html.tmpl"))

// HTML writes one self-contained page (no external assets): a summary of
// the tenants, then per tenant every control as an expandable section with
// its findings, evidence and remediation. html/template escapes all snapshot
// text. Failing and erroring controls start open; printing opens them all.
type HTML struct{}

type htmlTenant struct {
	Name, Anchor, Snapshot, TenantID, Status, Error string
	Ready, AllErrored                               bool
	Readiness                                       string // ready, not ready, not applicable, not evaluated
	Blocking, Warnings                              []string
	Severity                                        map[string]string
	Controls                                        []htmlControl
}

type htmlControl struct {
	ID, Title, Severity, Status, Reason, Description, Remediation, Source, Reference string
	Open                                                                             bool
	Notes                                                                            []string
	Findings                                                                         []htmlFinding
}

type htmlFinding struct {
	Message, Path, Evidence, Waiver, Drift string
	FirstSeen                              string // from the run history
}

// Write implements Writer; control and bidirectional characters are
// neutralised (see Neutralize).
func (x HTML) Write(w io.Writer, r *Report) error {
	return neutrally(w, func(w io.Writer) error { return x.write(w, r) })
}

func (HTML) write(w io.Writer, r *Report) error {
	controls := r.ControlsByID()
	view := struct {
		*Report
		Tenants []htmlTenant
	}{Report: r}
	i := -1
	err := r.EachTenant(func(tp *Tenant) error {
		t := *tp
		i++
		ht := htmlTenant{
			Name: TenantName(t), Anchor: fmt.Sprintf("tenant-%d", i+1), Snapshot: t.Snapshot, TenantID: t.TenantID,
			Status: t.Status, Warnings: t.Warnings, Ready: t.Readiness.Ready, Readiness: strings.ToLower(t.Readiness.Label()), Blocking: t.Readiness.Blocking,
			Severity: SeverityCountTexts(t, controls), AllErrored: t.Unevaluated(),
		}
		if t.Error != nil {
			ht.Error = *t.Error
		}
		for _, c := range t.Controls {
			ctl := controls[c.ID]
			hc := htmlControl{
				ID: c.ID, Title: ctl.Title, Severity: ctl.Severity, Status: c.Status,
				Description: ctl.Description, Remediation: ctl.Remediation, Source: ctl.Source, Reference: ctl.Reference,
				Open: c.Status == StatusFail || c.Status == StatusError, Notes: c.Notes,
			}
			if c.Reason != nil {
				hc.Reason = *c.Reason
			}
			for _, f := range c.Findings {
				hc.Findings = append(hc.Findings, htmlFinding{Message: f.Message, Path: f.Path, Evidence: EvidenceText(f.Evidence), Waiver: WaiverText(f.Waiver), Drift: f.Drift, FirstSeen: f.FirstSeen})
			}
			ht.Controls = append(ht.Controls, hc)
		}
		view.Tenants = append(view.Tenants, ht)
		return nil
	})
	if err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	if err := htmlTemplate.Execute(w, view); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}
