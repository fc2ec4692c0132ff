package table

import (
	"fmt"
	"io"
	"strings"

	"github.com/tenantscan/tenantscan/report"
)

// Readiness writes the pre-rollout verdict: per tenant READY or NOT
// READY, and for a tenant not ready its blocking controls in the order of
// the Microsoft procedure, each with its next step (the control's
// remediation).
type Readiness struct {
	// Width is the line width to fit; 0 means 80.
	Width int
}

// Write implements report.Writer.
func (w Readiness) Write(out io.Writer, r *report.Report) error {
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
		case t.State == report.ReadinessNotEvaluated:
			p.line("  NOT EVALUATED: the snapshot could not be loaded")
			for _, line := range strings.Split(t.Error, "\n") {
				p.wrap("    ", "      ", printable(line))
			}
			continue
		case t.State == report.ReadinessNotApplicable && len(t.Blocking) == 0:
			p.wrap("  ", "    ", "NOT APPLICABLE: "+t.Reason)
			continue
		case t.State == report.ReadinessNotApplicable:
			p.wrap("  ", "    ", "NOT APPLICABLE: "+t.Reason)
		case t.State != report.ReadinessNotReady: // a state no line stands for
			return fmt.Errorf("write readiness: tenant %s (%s): %w", t.DisplayName, t.Snapshot,
				&report.UnknownStatusError{What: "readiness", Status: t.State, Known: report.ReadinessStates})
		}
		p.wrap("  ", "  ", fmt.Sprintf("NOT READY: %d blocking control(s), in the order of the procedure:", len(t.Blocking)))
		for n, b := range t.Blocking {
			what := fmt.Sprintf("%d finding(s)", b.Findings)
			if b.Status == report.StatusError {
				what = "could not be evaluated"
				if b.Findings > 0 {
					what += fmt.Sprintf("; %d finding(s) established", b.Findings)
				}
			}
			p.wrap(fmt.Sprintf("  %d. ", n+1), "     ", fmt.Sprintf("%s [%s] %s (%s, %s)", b.ID, b.Phase, printable(b.Title), b.Severity, what))
			p.wrap("     Next step: ", "     ", printable(b.NextStep))
			if len(b.Resources) > 0 {
				list := printable(strings.Join(b.Resources, ", "))
				if b.MoreResources > 0 {
					list += fmt.Sprintf(" and %d more", b.MoreResources)
				}
				p.wrap("     Listed: ", "     ", list)
			}
		}
	}
	p.line("")
	p.line(fmt.Sprintf("%d of %d tenant(s) ready.", ready, len(verdicts)))
	if _, err := io.WriteString(out, p.b.String()); err != nil {
		return fmt.Errorf("write readiness: %w", err)
	}
	return nil
}
