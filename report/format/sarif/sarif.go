// Package sarif writes tenantscan reports as SARIF 2.1.0, the format code
// scanning dashboards (GitHub, Azure DevOps, SonarQube) import. It uses
// github.com/owenrumney/go-sarif for the SARIF object model.
package sarif

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/tenantscan/tenantscan/report"
)

// InformationURI is where the tool's documentation lives.
const InformationURI = "https://github.com/tenantscan/tenantscan"

// Writer writes SARIF 2.1.0: one rule per control (id = control id, with
// help text, a level and a security-severity from its severity), one result
// per finding with a logical location for the tenant and resource and a
// physical location for the snapshot file. Waived findings carry a
// suppression; snapshots that could not be evaluated are tool execution
// notifications.
type Writer struct{}

// Level maps a severity to a SARIF level.
func Level(severity string) string {
	switch severity {
	case report.SeverityCritical, report.SeverityHigh:
		return "error"
	case report.SeverityMedium:
		return "warning"
	}
	return "note"
}

// SecuritySeverity maps a severity to the CVSS-like score GitHub reads
// from a rule's security-severity property.
func SecuritySeverity(severity string) string {
	switch severity {
	case report.SeverityCritical:
		return "9.5"
	case report.SeverityHigh:
		return "8.0"
	case report.SeverityMedium:
		return "5.5"
	}
	return "3.0"
}

// Write implements report.Writer.
func (Writer) Write(w io.Writer, r *report.Report) error {
	run := sarif.NewRunWithInformationURI(r.Tool.Name, InformationURI)
	if r.Tool.Version != "" {
		run.Tool.Driver.WithSemanticVersion(strings.TrimPrefix(r.Tool.Version, "v"))
	}
	for _, c := range r.Controls {
		props := sarif.NewPropertyBag().
			Add("security-severity", SecuritySeverity(c.Severity)).
			Add("tags", tags(c))
		help := c.Remediation
		if c.Reference != "" {
			help += "\n\nReference: " + c.Reference
		}
		run.AddRule(c.ID).
			WithName(ruleName(c)).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(c.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString().WithText(nonEmpty(c.Description, c.Title))).
			WithHelp(sarif.NewMultiformatMessageString().WithText(nonEmpty(help, c.Title))).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(Level(c.Severity))).
			WithProperties(props)
	}
	controls := r.ControlsByID()
	invocation := sarif.NewInvocation().WithExecutionSuccessful(r.Errors() == 0)
	// First pass: the run's notifications (a broken, stale or unknown-age
	// snapshot), which stand before the results' end in the document.
	err := r.EachTenant(func(tp *report.Tenant) error {
		t := *tp
		if t.Error != nil {
			invocation.AddToolExecutionNotification(sarif.NewNotification().
				WithLevel("error").
				WithMessage(sarif.NewTextMessage(*t.Error)).
				WithLocations([]*sarif.Location{physical(t.Snapshot)}))
		}
		// A stale snapshot, or one of unknown age, is a warning of the
		// run: its results may describe a tenant that has changed since.
		if a := t.Age; a != nil && (a.Stale || a.Unknown) {
			msg := fmt.Sprintf("snapshot of %s is stale: exported %s, %s old", report.TenantName(t), t.ExportedAt, a.Text)
			if a.Unknown {
				msg = fmt.Sprintf("snapshot of %s: %s", report.TenantName(t), a.Text)
			}
			invocation.AddToolExecutionNotification(sarif.NewNotification().
				WithLevel("warning").
				WithMessage(sarif.NewTextMessage(msg)).
				WithLocations([]*sarif.Location{physical(t.Snapshot)}))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	run.AddInvocation(invocation)
	run.Results = []*sarif.Result{}
	// The document without results, cut where they go: the results are
	// written one tenant at a time in between, so memory holds one
	// tenant's results, not the report's.
	var doc bytes.Buffer
	enc := json.NewEncoder(&doc)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sarif.NewReport().AddRun(run)); err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	head, tail, ok := bytes.Cut(doc.Bytes(), []byte(resultsSlot))
	if !ok {
		return fmt.Errorf("write sarif report: no %s in the document", resultsSlot)
	}
	bw := bufio.NewWriter(w)
	bw.Write(head)
	bw.WriteString(`"results": [`)
	var item bytes.Buffer
	ienc := json.NewEncoder(&item)
	ienc.SetIndent(resultIndent, "  ")
	ienc.SetEscapeHTML(false)
	n := 0
	err = r.EachTenant(func(tp *report.Tenant) error {
		t := *tp
		for _, res := range results(run, t, controls) {
			item.Reset()
			if err := ienc.Encode(res); err != nil {
				return err
			}
			if n > 0 {
				bw.WriteString(",")
			}
			n++
			bw.WriteString("\n" + resultIndent)
			bw.Write(bytes.TrimSuffix(item.Bytes(), []byte("\n")))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	if n > 0 {
		bw.WriteString("\n" + resultIndent[:len(resultIndent)-2])
	}
	bw.WriteString("]")
	bw.Write(tail)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	return nil
}

// resultsSlot is the run's empty results as the encoder writes them;
// resultIndent is the indentation of a result in the document
// (report → runs → run → results).
const (
	resultsSlot  = `"results": []`
	resultIndent = "        "
)

// results are the SARIF results of one tenant: a result per finding of a
// failing, warning, waived or erroring control.
func results(run *sarif.Run, t report.Tenant, controls map[string]report.Control) []*sarif.Result {
	var out []*sarif.Result
	for _, c := range t.Controls {
		if c.Status != report.StatusFail && c.Status != report.StatusWarn && c.Status != report.StatusWaived && c.Status != report.StatusError {
			continue
		}
		ctl := controls[c.ID]
		for _, f := range c.Findings {
			level := Level(ctl.Severity)
			if f.Warning {
				level = "note"
			}
			loc := physical(t.Snapshot).AddLogicalLocation(sarif.NewLogicalLocation().
				WithName(f.Resource.ID).
				WithKind(nonEmpty(f.Resource.Kind, "resource")).
				WithFullyQualifiedName(report.TenantName(t) + "/" + f.Resource.Kind + "/" + f.Resource.ID))
			msg := f.Message
			if ev := report.EvidenceText(f.Evidence); ev != "" {
				msg += " (evidence: " + ev + ")"
			}
			res := sarif.NewRuleResult(c.ID).WithRuleIndex(run.GetRuleIndex(c.ID)).
				WithLevel(level).
				WithMessage(sarif.NewTextMessage(msg)).
				AddLocation(loc).
				WithPartialFingerprints(map[string]string{"tenantscan/v1": report.Fingerprint(t.TenantID, c.ID, f.Resource)}).
				WithProperties(sarif.NewPropertyBag().
					Add("tenant", report.TenantName(t)).
					Add("tenantId", t.TenantID).
					Add("path", f.Path).
					Add("evidence", f.Evidence))
			if t.ExportedAt != "" {
				res.Properties.Add("exportedAt", t.ExportedAt)
			}
			if t.Age != nil {
				res.Properties.Add("snapshotAge", t.Age.Text).Add("stale", report.StaleText(t.Age))
			}
			if f.Waived() {
				res.AddSuppression(sarif.NewSuppression().WithKind("external").WithJustification(report.WaiverText(f.Waiver)))
			}
			out = append(out, res)
		}
	}
	return out
}

// physical is a location in the snapshot file.
func physical(snapshot string) *sarif.Location {
	uri := (&url.URL{Path: filepath.ToSlash(snapshot)}).String()
	if snapshot == "-" {
		uri = "stdin"
	}
	return sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri)))
}

func ruleName(c report.Control) string {
	if c.Package != "" {
		return c.Package
	}
	return c.ID
}

func tags(c report.Control) []string {
	out := []string{"compliance", "dynamics-365", "office-365-groups", "severity:" + c.Severity}
	if c.Phase != "" {
		out = append(out, "phase:"+c.Phase)
	}
	return out
}

func nonEmpty(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}
