// Package table writes a report as text for people at a terminal.
package table

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/tenantscan/tenantscan/report"
)

// Writer writes a report for people on a terminal: one block per tenant with
// every control's verdict and the findings below a failing one.
type Writer struct {
	// Color adds ANSI colours; set it only when writing to a terminal and
	// NO_COLOR is not set.
	Color bool
	// Width is the line width to fit; 0 means 80.
	Width int
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiPurple = "\x1b[35m"
)

// Write implements report.Writer.
func (tb Writer) Write(w io.Writer, r *report.Report) error {
	width := tb.Width
	if width <= 0 {
		width = 80
	}
	p := &tablePrinter{color: tb.Color, width: width}
	controls := make(map[string]report.Control, len(r.Controls))
	for _, c := range r.Controls {
		controls[c.ID] = c
	}
	// Each tenant's lines are written as soon as they are printed: memory
	// holds one tenant's, not the report's.
	flush := func() error {
		_, err := io.WriteString(w, p.b.String())
		p.b.Reset()
		return err
	}
	i := 0
	err := r.EachTenant(func(t *report.Tenant) error {
		if i++; i > 1 {
			p.line("")
		}
		if err := p.tenant(*t, controls); err != nil {
			return err
		}
		return flush()
	})
	if err != nil {
		return fmt.Errorf("write table report: %w", err)
	}
	p.line("")
	if err := p.summary(r, flush); err != nil {
		return fmt.Errorf("write table report: %w", err)
	}
	if err := flush(); err != nil {
		return fmt.Errorf("write table report: %w", err)
	}
	return nil
}

type tablePrinter struct {
	b     strings.Builder
	color bool
	width int
}

func (p *tablePrinter) paint(code, s string) string {
	if !p.color || code == "" {
		return s
	}
	return code + s + ansiReset
}

func (p *tablePrinter) line(s string) {
	p.b.WriteString(s)
	p.b.WriteByte('\n')
}

// printable replaces control characters (escape sequences, newlines and
// tabs included), bidirectional controls and invalid bytes in snapshot
// text with U+FFFD, so a hostile name can neither drive the terminal nor
// reorder or break the table's lines (see Neutralize).
func printable(s string) string { return lineBreaks.Replace(report.Neutralize(s)) }

// lineBreaks are the characters Neutralize keeps that a table line cannot.
var lineBreaks = strings.NewReplacer("\n", "\uFFFD", "\t", "\uFFFD")

// tenant writes one tenant's block; a readiness state it has no line for
// is an error naming it.
func (p *tablePrinter) tenant(t report.Tenant, controls map[string]report.Control) error {
	t = printableTenant(t)
	name := t.DisplayName
	if name == "" {
		name = "(unknown tenant)"
	}
	head := p.paint(ansiBold, name)
	if t.TenantID != "" {
		head += "  " + t.TenantID
	}
	p.line(head)
	p.wrap("  ", "    ", t.Snapshot+p.ageText(t))
	verdict := p.paint(statusColor(t.Status), report.StatusLabel(t.Status))
	switch t.Readiness.Verdict() {
	case report.ReadinessReady:
		verdict += " · " + p.paint(ansiGreen, "READY")
	case report.ReadinessNotApplicable:
		verdict += " · " + p.paint(ansiDim, "NOT APPLICABLE") + " (" + t.Readiness.Reason + ")"
	case report.ReadinessNotEvaluated:
		verdict += " · " + p.paint(ansiPurple, "NOT EVALUATED")
	case report.ReadinessNotReady:
		verdict += " · " + p.paint(ansiRed, "NOT READY")
		if len(t.Readiness.Blocking) > 0 {
			verdict += " (blocking: " + strings.Join(t.Readiness.Blocking, ", ") + ")"
		}
	default: // a state no line stands for: the tenant's verdict would be missing
		return report.UnknownReadiness(&t)
	}
	p.wrap("  ", "  ", verdict)
	for _, w := range t.Warnings {
		p.wrap("  note: ", "        ", p.paint(ansiDim, w))
	}
	if t.Error != nil {
		lines := strings.Split(*t.Error, "\n")
		if !t.Unevaluated() {
			lines = lines[:1] // the controls below say why
		}
		for _, line := range lines {
			p.wrap("  ! ", "    ", line)
		}
		if t.Unevaluated() {
			return nil
		}
	}
	// CONTROL    SEVERITY  STATUS  TITLE
	const idW, sevW, stW = 10, 9, 7
	titleW := p.width - 2 - idW - sevW - stW - 3
	p.line(p.paint(ansiDim, fmt.Sprintf("  %-*s %-*s %-*s %s", idW, "CONTROL", sevW, "SEVERITY", stW, "STATUS", "TITLE")))
	for _, r := range t.Controls {
		c := controls[r.ID]
		status := r.Status
		if status == report.StatusFail || status == report.StatusError {
			status = strings.ToUpper(status)
		}
		p.line(fmt.Sprintf("  %-*s %-*s %s %s", idW, r.ID, sevW, c.Severity,
			p.paint(statusColor(r.Status), pad(status, stW)), truncate(c.Title, titleW)))
		indent := strings.Repeat(" ", 2+idW+1)
		if r.Reason != nil && (r.Status == report.StatusError || r.Status == report.StatusSkip) {
			p.wrap(indent+"  ", indent+"  ", p.paint(ansiDim, *r.Reason))
		}
		for _, f := range r.Findings {
			mark, text := "- ", f.Message
			if f.Waived() {
				// Waived, said in words: never read as an open failure.
				mark, text = "~ ", p.paint(ansiDim, "waived:")+" "+f.Message
			}
			if f.Path != "" {
				text += " [" + f.Path + "]"
			}
			switch f.Drift {
			case report.DriftNew:
				text += " (new)"
			case report.DriftCarried:
				text += " (not evaluated: carried from the baseline)"
			}
			p.wrap(indent+mark, indent+"  ", text)
			if f.Waiver != nil {
				p.wrap(indent+"  ", indent+"  ", p.paint(ansiDim, printable(report.WaiverText(f.Waiver))))
			}
		}
	}
	return nil
}

// ageText is what the snapshot line says of its age: " · exported
// 2026-11-22T12:00:00Z (9 days)", STALE or unknown age in colour; "" for
// a report written before ages existed.
func (p *tablePrinter) ageText(t report.Tenant) string {
	a := t.Age
	if a == nil && t.ExportedAt == "" {
		return ""
	}
	s := " · "
	if t.ExportedAt != "" {
		s += "exported " + printable(t.ExportedAt) + " "
	}
	switch {
	case a == nil:
		return s
	case a.Stale:
		return s + "(" + p.paint(ansiRed, printable(report.AgeLabel(a))) + ")"
	case a.Unknown:
		return s + p.paint(ansiYellow, printable(a.Text))
	}
	return s + "(" + printable(a.Text) + ")"
}

// summary prints the summary; the resolved findings, read one at a time,
// are flushed as they fill the buffer, so that a long list is never held.
func (p *tablePrinter) summary(r *report.Report, flush func() error) error {
	s := r.Summary
	line := fmt.Sprintf("%d tenant(s): %s pass, %s fail, %s error", s.Tenants,
		p.paint(ansiGreen, fmt.Sprint(s.Pass)), p.paint(ansiRed, fmt.Sprint(s.Fail)), p.paint(ansiPurple, fmt.Sprint(s.Error)))
	if s.NotApplicable > 0 {
		line += fmt.Sprintf(", %d not applicable", s.NotApplicable)
	}
	p.wrap("", "  ", line)
	parts := make([]string, 0, len(report.Severities))
	for _, level := range report.Severities {
		parts = append(parts, fmt.Sprintf("%d %s", s.Findings[level], level))
	}
	p.wrap("", "  ", "failing findings: "+strings.Join(parts, ", "))
	if d := s.Drift; d != nil {
		p.wrap("", "  ", fmt.Sprintf("against the baseline: %d new, %d unchanged, %d resolved", d.New, d.Unchanged, d.Resolved))
		err := r.EachResolved(func(f *report.Finding) error {
			p.wrap("  resolved: ", "    ", printable(f.ControlID+" "+f.TenantID+": "+f.Message))
			if p.b.Len() < 64<<10 {
				return nil
			}
			return flush()
		})
		if err != nil {
			return err
		}
	}
	for _, x := range r.Superseded {
		p.wrap("superseded: ", "  ", printable(report.SupersededText(x)))
	}
	if s.Stale > 0 || s.AgeUnknown > 0 {
		p.wrap("", "  ", p.paint(ansiRed, fmt.Sprintf("snapshots: %d stale, %d of unknown age", s.Stale, s.AgeUnknown)))
	}
	switch w := s.Waivers; {
	case len(r.Waivers) > 0:
		n := report.WaiverCounts(r.Waivers)
		waived := 0
		if w != nil {
			waived = w.Waived
		}
		p.wrap("", "  ", fmt.Sprintf("waivers: %d used, %d unused, %d expired; %d finding(s) waived",
			n[report.WaiverUsed], n[report.WaiverUnused], n[report.WaiverExpired], waived))
		for _, u := range r.Waivers {
			if u.State == report.WaiverUsed {
				continue
			}
			p.wrap("  "+u.State+" waiver: ", "    ", printable(fmt.Sprintf("%s:%d %s %s (owner %s, expires %s)", u.File, u.Line, u.Control, u.Resource, u.Owner, u.Expires)))
		}
	case w != nil: // a report written before the waiver list
		p.wrap("", "  ", fmt.Sprintf("waivers: %d finding(s) waived, %d waiver(s) expired, %d unused", w.Waived, w.Expired, w.Unused))
		for _, u := range r.UnusedWaivers {
			p.wrap("  unused waiver: ", "    ", printable(fmt.Sprintf("%s:%d %s %s (owner %s, expires %s)", u.File, u.Line, u.Control, u.Resource, u.Owner, u.Expires)))
		}
	}
	return nil
}

// wrap writes text word-wrapped to the width, the first line after first
// and the others after rest.
func (p *tablePrinter) wrap(first, rest, text string) {
	prefix := first
	line := ""
	flush := func() {
		p.line(prefix + line)
		prefix, line = rest, ""
	}
	var words []string
	room := max(p.width-visibleLen(rest), 10)
	for _, word := range strings.Fields(text) {
		// Break a word too long for any line (a long path or id) into
		// pieces of room runes, in one pass over it.
		if strings.Contains(word, "\x1b") || utf8.RuneCountInString(word) <= room {
			words = append(words, word)
			continue
		}
		start, n := 0, 0
		for i := range word {
			if n == room {
				words = append(words, word[start:i])
				start, n = i, 0
			}
			n++
		}
		words = append(words, word[start:])
	}
	for _, word := range words {
		switch {
		case line == "":
			line = word
		case visibleLen(prefix)+visibleLen(line)+1+visibleLen(word) <= p.width:
			line += " " + word
		default:
			flush()
			line = word
		}
	}
	flush()
}

// visibleLen counts runes, not counting ANSI colour sequences.
func visibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := strings.IndexByte(s[i:], 'm')
			if j < 0 {
				break
			}
			i += j + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

func pad(s string, n int) string {
	if l := utf8.RuneCountInString(s); l < n {
		return s + strings.Repeat(" ", n-l)
	}
	return s
}

func truncate(s string, n int) string {
	if n < 2 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func statusColor(status string) string {
	switch status {
	case report.StatusPass:
		return ansiGreen
	case report.StatusFail:
		return ansiRed
	case report.StatusWarn:
		return ansiYellow
	case report.StatusError:
		return ansiPurple
	case report.StatusSkip, report.StatusWaived:
		return ansiDim
	}
	return ""
}

// printableTenant returns a copy of t whose texts are printable.
func printableTenant(t report.Tenant) report.Tenant {
	t.DisplayName, t.TenantID, t.Snapshot = printable(t.DisplayName), printable(t.TenantID), printable(t.Snapshot)
	if t.Error != nil {
		lines := strings.Split(*t.Error, "\n")
		for i := range lines {
			lines[i] = printable(lines[i])
		}
		e := strings.Join(lines, "\n")
		t.Error = &e
	}
	controls := make([]report.ControlResult, len(t.Controls))
	for i, c := range t.Controls {
		if c.Reason != nil {
			r := printable(*c.Reason)
			c.Reason = &r
		}
		findings := make([]report.Finding, len(c.Findings))
		for j, f := range c.Findings {
			f.Message, f.Path = printable(f.Message), printable(f.Path)
			findings[j] = f
		}
		c.Findings = findings
		controls[i] = c
	}
	t.Controls = controls
	return t
}
