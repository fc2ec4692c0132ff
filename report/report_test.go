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
