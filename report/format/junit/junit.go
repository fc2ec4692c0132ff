// Package junit writes a report as JUnit XML for CI systems.
package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/tenantscan/tenantscan/report"
)

// Writer writes JUnit XML for CI systems: a testsuite per tenant, a testcase
// per control (classname = tenant, name = control id and title). A failing
// control is a failure carrying its findings (its message counts the
// failing ones, as the summary does, and says how many are waived); a
// waived control (every finding waived) is skipped with the waiver as its
// message, never a failure; skip is skipped, error is an error; warn
// passes, with its findings in system-out. Each suite's properties hold
// the snapshot's exportedAt, age and stale flag and its failing findings
// (absent for a tenant that could not be evaluated).
type Writer struct{}

// junitSuites holds the root element's attributes; its testsuites are
// encoded one at a time (see write).
type junitSuites struct {
	Name                             string
	Tests, Failures, Errors, Skipped int
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// Write implements report.Writer; control and bidirectional characters are
// neutralised (see Neutralize).
func (x Writer) Write(w io.Writer, r *report.Report) error {
	return report.Neutrally(w, func(w io.Writer) error { return x.write(w, r) })
}

// write streams: a first pass over the tenants counts the totals the root
// element carries (and finds any unknown status before a byte is written),
// the second encodes one testsuite at a time, so memory holds one tenant's
// suite, not the whole document.
func (Writer) write(w io.Writer, r *report.Report) error {
	controls := r.ControlsByID()
	doc := junitSuites{Name: "tenantscan"}
	err := r.EachTenant(func(tp *report.Tenant) error {
		// The counts of suiteOf, without building its text.
		doc.Tests += len(tp.Controls)
		for _, c := range tp.Controls {
			switch c.Status {
			case report.StatusFail:
				doc.Failures++
			case report.StatusError:
				doc.Errors++
			case report.StatusSkip:
				doc.Skipped++
			case report.StatusWaived: // a skipped testcase, its waiver the message
				doc.Skipped++
			case report.StatusPass, report.StatusWarn:
			default: // a status no testcase element stands for: the control would pass unseen
				return report.UnknownControlStatus(tp, c)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Local: "testsuites"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "name"}, Value: doc.Name},
		{Name: xml.Name{Local: "tests"}, Value: fmt.Sprint(doc.Tests)},
		{Name: xml.Name{Local: "failures"}, Value: fmt.Sprint(doc.Failures)},
		{Name: xml.Name{Local: "errors"}, Value: fmt.Sprint(doc.Errors)},
		{Name: xml.Name{Local: "skipped"}, Value: fmt.Sprint(doc.Skipped)},
	}}
	if err := enc.EncodeToken(root); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	suite := xml.StartElement{Name: xml.Name{Local: "testsuite"}}
	err = r.EachTenant(func(t *report.Tenant) error {
		s, err := suiteOf(t, controls, r)
		if err != nil {
			return err
		}
		return enc.EncodeElement(s, suite)
	})
	if err == nil {
		err = enc.EncodeToken(root.End())
	}
	if err == nil {
		err = enc.Flush()
	}
	if err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// suiteOf is one tenant's testsuite.
func suiteOf(tp *report.Tenant, controls map[string]report.Control, r *report.Report) (junitSuite, error) {
	t := *tp
	name := report.TenantName(t)
	s := junitSuite{Name: name, Properties: []junitProperty{
		{Name: "snapshot", Value: t.Snapshot},
		{Name: "tenantId", Value: t.TenantID},
		{Name: "status", Value: t.Status},
		{Name: "ready", Value: fmt.Sprint(t.Readiness.Ready)},
		{Name: "readiness", Value: t.Readiness.Verdict()},
	}}
	if !r.FinishedAt.IsZero() {
		s.Timestamp = r.FinishedAt.UTC().Format("2006-01-02T15:04:05")
	}
	if t.Error != nil {
		s.Properties = append(s.Properties, junitProperty{Name: "error", Value: *t.Error})
	}
	if t.ExportedAt != "" {
		s.Properties = append(s.Properties, junitProperty{Name: "exportedAt", Value: t.ExportedAt})
	}
	if a := t.Age; a != nil {
		stale := fmt.Sprint(a.Stale)
		if a.Unknown {
			stale = "unknown"
		}
		s.Properties = append(s.Properties, junitProperty{Name: "age", Value: a.Text}, junitProperty{Name: "stale", Value: stale})
	}
	if !t.Unevaluated() {
		n := 0
		for _, c := range report.SeverityCounts(t, controls) {
			n += c
		}
		s.Properties = append(s.Properties, junitProperty{Name: "failingFindings", Value: fmt.Sprint(n)})
	}
	for _, c := range t.Controls {
		ctl := controls[c.ID]
		tc := junitCase{Name: c.ID + " " + ctl.Title, Classname: name}
		reason := ""
		if c.Reason != nil {
			reason = *c.Reason
		}
		switch c.Status {
		case report.StatusFail:
			failing, waived := 0, 0
			for _, f := range c.Findings {
				switch {
				case c.Fails(f):
					failing++
				case f.Waived():
					waived++
				}
			}
			msg := fmt.Sprintf("%d failing finding(s), severity %s", failing, ctl.Severity)
			if waived > 0 {
				msg += fmt.Sprintf(" (%d more waived)", waived)
			}
			tc.Failure = &junitMessage{
				Message: msg,
				Type:    ctl.Severity,
				Text:    findingsText(c.Findings) + "\nRemediation: " + ctl.Remediation,
			}
			s.Failures++
		case report.StatusWaived:
			tc.Skipped = &junitMessage{Message: waivedMessage(c.Findings)}
			tc.SystemOut = findingsText(c.Findings)
			s.Skipped++
		case report.StatusError:
			msg := reason
			if t.Error != nil && reason == "the snapshot could not be evaluated" {
				msg = *t.Error
			}
			if len(c.Findings) > 0 {
				msg += "\nEstablished findings:\n" + findingsText(c.Findings)
			}
			tc.Error = &junitMessage{Message: reason, Type: "error", Text: msg}
			s.Errors++
		case report.StatusSkip:
			tc.Skipped = &junitMessage{Message: reason}
			s.Skipped++
		case report.StatusPass, report.StatusWarn:
			tc.SystemOut = strings.TrimSpace(c.Status + "\n" + findingsText(c.Findings) + "\n" + strings.Join(c.Notes, "\n"))
		default: // a status no testcase element stands for: the control would pass unseen
			return s, report.UnknownControlStatus(tp, c)
		}
		s.Cases = append(s.Cases, tc)
	}
	s.Tests = len(s.Cases)
	return s, nil
}

// findingsText lists findings one per line, with path, evidence and waiver.
func findingsText(fs []report.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("- ")
		if st := report.FindingStatus(f); st != report.StatusFail {
			b.WriteString(st + ": ")
		}
		b.WriteString(f.Message)
		if f.Path != "" {
			b.WriteString(" [" + f.Path + "]")
		}
		if ev := report.EvidenceText(f.Evidence); ev != "" {
			b.WriteString(" — " + ev)
		}
		if f.Waiver != nil {
			b.WriteString(" — " + report.WaiverText(f.Waiver))
		}
		if f.Drift != "" {
			b.WriteString(" — " + f.Drift)
		}
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// waivedMessage is the message of a waived control's skipped testcase:
// the waiver of its findings ("waived: reason (owner …, expires …)"), or
// how many waivers cover them.
func waivedMessage(fs []report.Finding) string {
	var texts []string
	for _, f := range fs {
		if t := report.WaiverText(f.Waiver); t != "" && !slices.Contains(texts, t) {
			texts = append(texts, t)
		}
	}
	switch len(texts) {
	case 0:
		return "waived"
	case 1:
		return fmt.Sprintf("waived: %s (%d finding(s))", texts[0], len(fs))
	}
	return fmt.Sprintf("waived: %d finding(s) by %d waivers: %s", len(fs), len(texts), strings.Join(texts, "; "))
}
