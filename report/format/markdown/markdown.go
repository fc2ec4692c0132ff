// Package markdown writes a report as Markdown for pull requests and
// wikis.
package markdown

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/tenantscan/tenantscan/report"
)

// Writer writes a report for pull requests, wikis and CI job summaries:
// one summary line (counts, drift, waivers, stale snapshots, scan date,
// version), the policy set, a table of the tenants with each snapshot's
// exportedAt and age, the run's waivers, then per tenant the failing and
// errored controls in detail (findings, remediation) and the warned,
// waived and skipped ones in one line each. All snapshot text is escaped, so a hostile name
// cannot inject markup, links or HTML.
type Writer struct{}

// Write implements report.Writer; control and bidirectional characters are
// neutralised (see Neutralize).
func (x Writer) Write(w io.Writer, r *report.Report) error {
	return report.Neutrally(w, func(w io.Writer) error { return x.write(w, r) })
}

// write streams the report: the summary needs one pass over the tenants
// (does any record its age?), the tenant table a second and the details a
// third, each holding one tenant at a time; the text goes through a
// buffered writer, never into one string.
func (Writer) write(w io.Writer, r *report.Report) error {
	controls := r.ControlsByID()
	aged := false
	if err := r.EachTenant(func(t *report.Tenant) error { aged = aged || t.Age != nil; return nil }); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	b := bufio.NewWriter(w)
	b.WriteString("# tenantscan report\n\n")
	b.WriteString(summaryLine(r, aged) + "\n\n")
	if line := provenanceLine(r); line != "" {
		b.WriteString(line + "\n\n")
	}
	for _, x := range r.Superseded {
		b.WriteString("Superseded: " + mdText(report.SupersededText(x)) + "\n\n")
	}
	b.WriteString("| Tenant | Status | Readiness | Critical | High | Medium | Low | Exported | Age | Snapshot |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---|---|---|\n")
	err := r.EachTenant(func(tp *report.Tenant) error {
		t := *tp
		sev := report.PartialCountTexts(t, controls)
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", mdText(report.TenantName(t)), t.Status, readinessText(t),
			sev[report.SeverityCritical], sev[report.SeverityHigh], sev[report.SeverityMedium], sev[report.SeverityLow],
			mdText(t.ExportedAt), ageCell(t.Age), mdCode(t.Snapshot))
		return written(b)
	})
	if err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	if len(r.Waivers) > 0 {
		b.WriteString("\n## Waivers\n\n")
		b.WriteString("| State | Control | Tenant | Resource | Owner | Reason | Expires | Findings | Where |\n")
		b.WriteString("|---|---|---|---|---|---|---|---:|---|\n")
		for _, u := range r.Waivers {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %d | %s |\n", u.State, mdText(u.Control), mdText(u.Tenant), mdText(u.Resource),
				mdText(u.Owner), mdText(u.Reason), mdText(u.Expires), u.Covers, mdText(fmt.Sprintf("%s:%d", u.File, u.Line)))
		}
	}
	err = r.EachTenant(func(tp *report.Tenant) error {
		t := *tp
		fmt.Fprintf(b, "\n## %s — %s, %s\n\n", mdText(report.TenantName(t)), strings.ToUpper(t.Status), readinessText(t))
		if t.TenantID != "" {
			fmt.Fprintf(b, "Tenant %s, snapshot %s", mdCode(t.TenantID), mdCode(t.Snapshot))
		} else {
			fmt.Fprintf(b, "Snapshot %s", mdCode(t.Snapshot))
		}
		if t.ExportedAt != "" {
			fmt.Fprintf(b, ", exported %s", mdText(t.ExportedAt))
		}
		if t.Age != nil {
			b.WriteString(" (" + ageCell(t.Age) + ")")
		}
		b.WriteString(".\n\n")
		if len(t.Readiness.Blocking) > 0 {
			fmt.Fprintf(b, "Blocking, in the order of the procedure: %s.\n\n", strings.Join(t.Readiness.Blocking, ", "))
		}
		for _, w := range t.Warnings {
			fmt.Fprintf(b, "> Note: %s\n\n", mdText(w))
		}
		if t.Error != nil {
			b.WriteString("Error:\n\n")
			for _, line := range strings.Split(*t.Error, "\n") {
				b.WriteString("- " + mdText(line) + "\n")
			}
			b.WriteString("\n")
		}
		counts := report.StatusCounts(t)
		fmt.Fprintf(b, "Controls: %d pass, %d fail, %d warn, %d skip, %d waived, %d error.\n",
			counts[report.StatusPass], counts[report.StatusFail], counts[report.StatusWarn], counts[report.StatusSkip], counts[report.StatusWaived], counts[report.StatusError])
		if t.Error != nil && t.Unevaluated() {
			return written(b) // the error above is why no control could be evaluated
		}
		// The other statuses in one line each: only failing and errored
		// controls are detailed.
		for _, st := range []struct{ status, label string }{
			{report.StatusWarn, "Warnings"}, {report.StatusWaived, "Waived"}, {report.StatusSkip, "Skipped"},
		} {
			var items []string
			for _, c := range t.Controls {
				if c.Status != st.status {
					continue
				}
				item := c.ID
				switch {
				case c.Reason != nil:
					item += " (" + mdText(*c.Reason) + ")"
				case len(c.Findings) > 0:
					item += fmt.Sprintf(" (%d finding(s))", len(c.Findings))
				}
				items = append(items, item)
			}
			if len(items) > 0 {
				fmt.Fprintf(b, "\n%s: %s.\n", st.label, strings.Join(items, "; "))
			}
		}
		for _, c := range t.Controls {
			if c.Status != report.StatusFail && c.Status != report.StatusError {
				continue
			}
			ctl := controls[c.ID]
			fmt.Fprintf(b, "\n### %s %s — %s (%s)\n\n", c.ID, mdText(ctl.Title), c.Status, ctl.Severity)
			if c.Reason != nil {
				b.WriteString(mdText(*c.Reason) + "\n\n")
			}
			for _, f := range c.Findings {
				b.WriteString("- ")
				if st := report.FindingStatus(f); st != report.StatusFail {
					b.WriteString("**" + st + "** ")
				}
				b.WriteString(mdText(f.Message))
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
		return written(b)
	})
	if err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

// written is the first error of a write to b (bufio keeps it), so that a
// failing output stops a pass at once rather than after the last tenant.
func written(b *bufio.Writer) error {
	_, err := b.Write(nil)
	return err
}

// summaryLine is the report in one line, for a CI job summary: tenants by
// status, failing findings by severity, drift (with --baseline), waivers
// (with --waivers), stale snapshots (aged: the report records snapshot
// ages, which reports written before them do not), scan date and tool
// version.
func summaryLine(r *report.Report, aged bool) string {
	s := r.Summary
	parts := []string{fmt.Sprintf("**%d tenant(s): %d pass, %d fail, %d error", s.Tenants, s.Pass, s.Fail, s.Error)}
	if s.NotApplicable > 0 {
		parts[0] += fmt.Sprintf(", %d not applicable", s.NotApplicable)
	}
	parts[0] += "**"
	parts = append(parts, fmt.Sprintf("failing findings: %d critical, %d high, %d medium, %d low",
		s.Findings[report.SeverityCritical], s.Findings[report.SeverityHigh], s.Findings[report.SeverityMedium], s.Findings[report.SeverityLow]))
	if d := s.Drift; d != nil {
		parts = append(parts, fmt.Sprintf("drift: %d new, %d resolved (%d unchanged)", d.New, d.Resolved, d.Unchanged))
	}
	if len(r.Waivers) > 0 || s.Waivers != nil {
		n := report.WaiverCounts(r.Waivers)
		waived := 0
		if s.Waivers != nil {
			waived = s.Waivers.Waived
		}
		parts = append(parts, fmt.Sprintf("waivers: %d used, %d unused, %d expired (%d finding(s) waived)",
			n[report.WaiverUsed], n[report.WaiverUnused], n[report.WaiverExpired], waived))
	}
	switch {
	case s.Stale > 0 || s.AgeUnknown > 0:
		parts = append(parts, fmt.Sprintf("**%d stale snapshot(s), %d of unknown age**", s.Stale, s.AgeUnknown))
	case !aged:
		parts = append(parts, "snapshot ages not recorded")
	case paramValue(r, "max-age") == "off":
		parts = append(parts, "snapshot staleness not checked (--max-age 0)")
	default:
		parts = append(parts, "no stale snapshot")
	}
	if !r.StartedAt.IsZero() {
		parts = append(parts, "scanned "+r.StartedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	parts = append(parts, mdText(strings.TrimSpace(r.Tool.Name+" "+r.Tool.Version)))
	return strings.Join(parts, " · ")
}

// provenanceLine names the policy set, the data overrides and the maximum
// snapshot age; "" for a report that records none of them.
func provenanceLine(r *report.Report) string {
	var parts []string
	if p := r.Policy; p != nil {
		policy := "Policies: " + mdText(p.BuiltIn)
		if len(p.Paths) > 0 {
			policy += " + " + mdText(strings.Join(p.Paths, ", "))
		}
		parts = append(parts, policy)
		data := "none"
		if len(p.Data) > 0 {
			data = mdText(strings.Join(p.Data, ", "))
		}
		parts = append(parts, "data overrides: "+data)
	}
	for _, p := range r.Parameters {
		if p.Name == "max-age" {
			parts = append(parts, "maximum snapshot age: "+mdText(p.Value))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, " · ") + "."
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

// ageCell is a snapshot's age with its stale flag, bold when stale or
// unknown: "8 days", "**423 days — STALE**", "**unknown age (…)**".
func ageCell(a *report.Age) string {
	switch {
	case a == nil:
		return ""
	case a.Stale || a.Unknown:
		return "**" + mdText(report.AgeLabel(a)) + "**"
	}
	return mdText(report.AgeLabel(a))
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
