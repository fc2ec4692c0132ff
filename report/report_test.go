package report_test

import (
	"path/filepath"
	"testing"

	goldenfile "github.com/tenantscan/tenantscan/internal/golden"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Compare(t, filepath.Join("testdata", name), got)
}

func TestFailuresAndErrors(t *testing.T) {
	t.Parallel()
	r := reporttest.Sample()
	tests := []struct {
		severity string
		want     int
	}{{"critical", 1}, {"high", 3}, {"medium", 3}, {"low", 3}}
	for _, tc := range tests {
		if got := r.Failures(tc.severity); got != tc.want {
			t.Errorf("Failures(%s) = %d, want %d", tc.severity, got, tc.want)
		}
	}
	r.Tenants[1].Controls[0].Findings[0].Waiver = &report.Waiver{Reason: "migration planned", Owner: "it", Expires: "2027-01-01"}
	var err error
	if r.Summary, err = report.Summarize(r, false); err != nil {
		t.Fatal(err)
	}
	if got := r.Failures("critical"); got != 0 {
		t.Errorf("a waived finding still counts: %d", got)
	}
	if got := r.Errors(); got != 1 {
		t.Errorf("Errors() = %d, want 1", got)
	}
}

// TestFails is the one rule of what counts as a failure, case by case.
func TestFails(t *testing.T) {
	t.Parallel()
	live := &report.Waiver{Reason: "planned", Expires: "2999-01-01"}
	expired := &report.Waiver{Reason: "planned", Expires: "2000-01-01", Expired: true}
	tests := []struct {
		name   string
		status string
		f      report.Finding
		want   bool
	}{
		{"a finding of a failing control", report.StatusFail, report.Finding{}, true},
		{"a finding established by a control in error", report.StatusError, report.Finding{}, true},
		{"a recommendation's", report.StatusWarn, report.Finding{Warning: true}, false},
		{"a warning in a failing control", report.StatusFail, report.Finding{Warning: true}, false},
		{"waived", report.StatusFail, report.Finding{Waiver: live}, false},
		{"of a control all waived", report.StatusWaived, report.Finding{Waiver: live}, false},
		{"its waiver expired", report.StatusFail, report.Finding{Waiver: expired}, true},
		{"carried from the baseline", report.StatusError, report.Finding{Drift: report.DriftCarried}, false},
		{"new since the baseline", report.StatusFail, report.Finding{Drift: report.DriftNew}, true},
		{"of a passing control", report.StatusPass, report.Finding{}, false},
		{"of a skipped control", report.StatusSkip, report.Finding{}, false},
	}
	for _, tc := range tests {
		if got := (report.ControlResult{Status: tc.status}).Fails(tc.f); got != tc.want {
			t.Errorf("%s: Fails = %v, want %v", tc.name, got, tc.want)
		}
	}
}
