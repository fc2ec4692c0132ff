// Package markdown writes a report as Markdown for pull requests and
// wikis.
package markdown

import (
	"fmt"
	"io"
	"strings"

	"github.com/tenantscan/tenantscan/report"
)

// Writer writes a report for pull requests and wikis: a summary table of
// the tenants, then per tenant the controls that do not pass, with their
// findings and remediation. All snapshot text is escaped, so a hostile name
// cannot inject markup, links or HTML.
type Writer struct{}

// Write implements report.Writer; control and bidirectional characters are
// neutralised (see Neutralize).
func (x Writer) Write(w io.Writer, r *report.Report) error {
	return report.Neutrally(w, func(w io.Writer) error { return x.write(w, r) })
}

func (Writer) write(w io.Writer, r *report.Report) error {
	controls := r.ControlsByID()
	var b strings.Builder
	s := r.Summary
	b.WriteString("# tenantscan report\n\n")
	na := ""
	if s.NotApplicable > 0 {
		na = fmt.Sprintf(", %d not applicable", s.NotApplicable)
	}
	fmt.Fprintf(&b, "%d tenant(s): %d pass, %d fail, %d error%s. Failing findings: %d critical, %d high, %d medium, %d low.\n\n",
		s.Tenants, s.Pass, s.Fail, s.Error, na,
		s.Findings[report.SeverityCritical], s.Findings[report.SeverityHigh], s.Findings[report.SeverityMedium], s.Findings[report.SeverityLow])
	for _, x := range r.Superseded {
		b.WriteString("Superseded: " + mdText(report.SupersededText(x)) + "\n\n")
	}
	b.WriteString("| Tenant | Status | Readiness | Critical | High | Medium | Low | Snapshot |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---|\n")
	err := r.EachTenant(func(tp *report.Tenant) error {
		t := *tp
		sev := report.SeverityCountTexts(t, controls)
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", mdText(report.TenantName(t)), t.Status, readinessText(t),
			sev[report.SeverityCritical], sev[report.SeverityHigh], sev[report.SeverityMedium], sev[report.SeverityLow], mdCode(t.Snapshot))
		return nil
	})
	if err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	err = r.EachTenant(func(tp *report.Tenant) error {
		t := *tp
		fmt.Fprintf(&b, "\n## %s — %s, %s\n\n", mdText(report.TenantName(t)), strings.ToUpper(t.Status), readinessText(t))
		if t.TenantID != "" {
			fmt.Fprintf(&b, "Tenant %s, snapshot %s.\n\n", mdCode(t.TenantID), mdCode(t.Snapshot))
		}
		if len(t.Readiness.Blocking) > 0 {
			fmt.Fprintf(&b, "Blocking, in the order of the procedure: %s.\n\n", strings.Join(t.Readiness.Blocking, ", "))
		}
		for _, w := range t.Warnings {
			fmt.Fprintf(&b, "> Note: %s\n\n", mdText(w))
		}
		if t.Error != nil {
			b.WriteString("Error:\n\n")
			for _, line := range strings.Split(*t.Error, "\n") {
				b.WriteString("- " + mdText(line) + "\n")
			}
			b.WriteString("\n")
		}
		counts := report.StatusCounts(t)
		fmt.Fprintf(&b, "Controls: %d pass, %d fail, %d warn, %d skip, %d waived, %d error.\n",
			counts[report.StatusPass], counts[report.StatusFail], counts[report.StatusWarn], counts[report.StatusSkip], counts[report.StatusWaived], counts[report.StatusError])
		for _, c := range t.Controls {
			if c.Status == report.StatusPass || (t.Error != nil && t.Unevaluated()) {
				continue
			}
			ctl := controls[c.ID]
			fmt.Fprintf(&b, "\n### %s %s — %s (%s)\n\n", c.ID, mdText(ctl.Title), c.Status, ctl.Severity)
			if c.Reason != nil {
				b.WriteString(mdText(*c.Reason) + "\n\n")
			}
			for _, f := range c.Findings {
				b.WriteString("- " + mdText(f.Message))
				if f.Path != "" {
					b.WriteString(" " + mdCode(f.Path))
				}
				if ev := report.EvidenceText(f.Evidence); ev != "" {
					b.WriteString("<br>evidence: " + mdText(ev))
				}
				if f.Waiver != nil {
					b.WriteString("<br>waiver: " + mdText(report.WaiverText(f.Waiver)))
				}
				if f.Drift != "" {
					b.WriteString(" (" + f.Drift + ")")
				}
				b.WriteString("\n")
			}
			if len(c.Findings) > 0 && ctl.Remediation != "" {
				b.WriteString("\n**Remediation:** " + mdText(ctl.Remediation) + "\n")
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

func readinessText(t report.Tenant) string {
	return strings.ToLower(t.Readiness.Label())
}

var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "|", `\|`,
	"#", `\#`, "<", "&lt;", ">", "&gt;", "&", "&amp;", "\n", " ", "\r", " ",
)

// mdText escapes text for Markdown: no emphasis, links, tables or HTML.
func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCode puts text in a code span, or escapes it when it holds backticks.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	if strings.ContainsAny(s, "`\n\r|") {
		return mdText(s)
	}
	return "`" + s + "`"
}
