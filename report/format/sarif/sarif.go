// Package sarif writes tenantscan reports as SARIF 2.1.0, the format code
// scanning dashboards (GitHub, Azure DevOps, SonarQube) import. It uses
// github.com/owenrumney/go-sarif for the SARIF object model.
package sarif

import (
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
				res := run.CreateResultForRule(c.ID).
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
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	run.AddInvocation(invocation)
	doc := sarif.NewReport().AddRun(run)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	return nil
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
