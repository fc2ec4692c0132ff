package report_test

import (
	"testing"

	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

// TestBaselineCarriesFindingsOfAControlInError: a control in error one
// night keeps the baseline's findings as carried (not resolved, not
// counted), so that the next good night, against that report, finds them
// unchanged instead of new.
func TestBaselineCarriesFindingsOfAControlInError(t *testing.T) {
	t.Parallel()
	night1 := reporttest.Sample() // Fabrikam fails O365G-004 with two findings
	night2 := reporttest.Sample()
	reason := "snapshot lacks users (not exported)"
	night2.Tenants[1].Controls[1] = report.ControlResult{ID: "O365G-004", Status: report.StatusError, Reason: &reason, Findings: []report.Finding{}}
	if err := report.ApplyBaseline(night2, night1); err != nil {
		t.Fatal(err)
	}
	got := night2.Tenants[1].Controls[1].Findings
	if len(got) != 2 || got[0].Drift != report.DriftCarried || got[1].Drift != report.DriftCarried {
		t.Fatalf("night 2 findings of the control in error: %+v", got)
	}
	if len(night2.Resolved) != 0 {
		t.Errorf("night 2 resolved %d findings of a control in error", len(night2.Resolved))
	}
	if d := night2.Summary.Drift; d.New != 0 || night2.Summary.Findings[report.SeverityHigh] != 0 {
		t.Errorf("carried findings were counted: drift %+v, findings %v", d, night2.Summary.Findings)
	}
	night3 := reporttest.Sample() // the export is fixed
	if err := report.ApplyBaseline(night3, night2); err != nil {
		t.Fatal(err)
	}
	if n := night3.NewFailures(report.SeverityLow); n != 0 {
		t.Errorf("night 3 has %d new failures; the findings were there before the error", n)
	}
	for _, f := range night3.Tenants[1].Controls[1].Findings {
		if f.Drift != report.DriftUnchanged {
			t.Errorf("night 3: %s is %s, want unchanged", f.Resource.ID, f.Drift)
		}
	}
}
