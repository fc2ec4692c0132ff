package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// ReadinessText writes the pre-rollout verdict: per tenant READY or NOT
// READY, and for a tenant not ready its blocking controls in the order of
// the Microsoft procedure, each with its next step (the control's
// remediation).
type ReadinessText struct {
	// Width is the line width to fit; 0 means 80.
	Width int
}

// ReadinessJSON writes the same verdicts as JSON, for automation.
type ReadinessJSON struct{}

// BlockingControl is a control that keeps a tenant from being ready.
type BlockingControl struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Phase    string `json:"phase"`
	Severity string `json:"severity"`
	Status   string `json:"status"`
	Findings int    `json:"findings"`
	NextStep string `json:"nextStep"`
}

// TenantReadiness is one tenant's verdict.
type TenantReadiness struct {
	Snapshot    string `json:"snapshot"`
	TenantID    string `json:"tenantId"`
	DisplayName string `json:"displayName"`
	Ready       bool   `json:"ready"`
	// State is ready, notReady, notApplicable or notEvaluated; Reason says
	// why for the last two.
	State    string            `json:"state"`
	Reason   string            `json:"reason,omitempty"`
	Error    string            `json:"error,omitempty"`
	Blocking []BlockingControl `json:"blocking"`
}

// Readiness lists every tenant's verdict with its blocking controls.
func (r *Report) Readiness() ([]TenantReadiness, error) {
	controls := r.ControlsByID()
	out := make([]TenantReadiness, 0, r.TenantCount())
	err := r.EachTenant(func(t *Tenant) error {
		tr := TenantReadiness{Snapshot: t.Snapshot, TenantID: t.TenantID, DisplayName: t.DisplayName,
			Ready: t.Readiness.Ready, State: t.Readiness.Verdict(), Reason: t.Readiness.Reason, Blocking: []BlockingControl{}}
		if t.Error != nil {
			tr.Error = *t.Error
		}
		results := map[string]ControlResult{}
		for _, c := range t.Controls {
			results[c.ID] = c
		}
		for _, id := range t.Readiness.Blocking {
			c, res := controls[id], results[id]
			next := c.Remediation
			if res.Status == StatusError && res.Reason != nil {
				// What to export comes before what to fix.
				next = "Export what the snapshot lacks, then scan again: " + *res.Reason
			}
			tr.Blocking = append(tr.Blocking, BlockingControl{ID: id, Title: c.Title, Phase: c.Phase, Severity: c.Severity,
				Status: res.Status, Findings: len(res.Findings), NextStep: next})
		}
		out = append(out, tr)
		return nil
	})
	return out, err
}

// Write implements Writer.
func (w ReadinessText) Write(out io.Writer, r *Report) error {
	width := w.Width
	if width <= 0 {
		width = 80
	}
	p := &tablePrinter{width: width}
	ready := 0
	verdicts, err := r.Readiness()
	if err != nil {
		return fmt.Errorf("write readiness: %w", err)
	}
	for i, t := range verdicts {
		if i > 0 {
			p.line("")
		}
		name := printable(t.DisplayName)
		if name == "" {
			name = "(unknown tenant)"
		}
		head := name
		if t.TenantID != "" {
			head += "  " + printable(t.TenantID)
		}
		p.line(head)
		p.line("  " + printable(t.Snapshot))
		switch {
		case t.Ready:
			ready++
			p.line("  READY")
			continue
		case t.State == ReadinessNotEvaluated:
			p.line("  NOT EVALUATED: the snapshot could not be loaded")
			for _, line := range strings.Split(t.Error, "\n") {
				p.wrap("    ", "      ", printable(line))
			}
			continue
		case t.State == ReadinessNotApplicable && len(t.Blocking) == 0:
			p.wrap("  ", "    ", "NOT APPLICABLE: "+t.Reason)
			continue
		case t.State == ReadinessNotApplicable:
			p.wrap("  ", "    ", "NOT APPLICABLE: "+t.Reason)
		}
		p.wrap("  ", "  ", fmt.Sprintf("NOT READY: %d blocking control(s), in the order of the procedure:", len(t.Blocking)))
		for n, b := range t.Blocking {
			what := fmt.Sprintf("%d finding(s)", b.Findings)
			if b.Status == StatusError {
				what = "could not be evaluated"
				if b.Findings > 0 {
					what += fmt.Sprintf("; %d finding(s) established", b.Findings)
				}
			}
			p.wrap(fmt.Sprintf("  %d. ", n+1), "     ", fmt.Sprintf("%s [%s] %s (%s, %s)", b.ID, b.Phase, printable(b.Title), b.Severity, what))
			p.wrap("     Next step: ", "     ", printable(b.NextStep))
		}
	}
	p.line("")
	p.line(fmt.Sprintf("%d of %d tenant(s) ready.", ready, len(verdicts)))
	if _, err := io.WriteString(out, p.b.String()); err != nil {
		return fmt.Errorf("write readiness: %w", err)
	}
	return nil
}

// Write implements Writer.
func (ReadinessJSON) Write(out io.Writer, r *Report) error {
	verdicts, err := r.Readiness()
	if err != nil {
		return fmt.Errorf("write readiness: %w", err)
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any{"schemaVersion": SchemaVersion, "tenants": verdicts}); err != nil {
		return fmt.Errorf("write readiness: %w", err)
	}
	return nil
}
