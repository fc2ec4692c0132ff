package report_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	jsonreport "github.com/tenantscan/tenantscan/report/format/json"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

// TestUnknownStatusIsAnError: a status none of the known ones, in a report
// read back or in a report being counted, is an error naming it, never a
// tenant counted under another status or left out.
func TestUnknownStatusIsAnError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		break_ func(r *report.Report)
		want   string
	}{
		{"tenant status", func(r *report.Report) { r.Tenants[1].Status = "passed" }, `unknown tenant status "passed"`},
		{"readiness state", func(r *report.Report) { r.Tenants[1].Readiness.State = "almost" }, `unknown readiness status "almost"`},
		{"control status", func(r *report.Report) { r.Tenants[1].Controls[2].Status = "ok" }, `unknown control O365G-016 status "ok"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := reporttest.Sample()
			tc.break_(r)
			data, err := report.Render(jsonreport.Writer{}, r)
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, err error) {
				t.Helper()
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "Fabrikam Inc.") {
					t.Errorf("%s: error %v, want one naming Fabrikam Inc. and %s", what, err, tc.want)
				}
				var unknown *report.UnknownStatusError
				if err != nil && !errors.As(err, &unknown) {
					t.Errorf("%s: %v is not an UnknownStatusError", what, err)
				}
			}
			_, err = report.Read(bytes.NewReader(data))
			check("Read", err)
			_, err = report.ReadStream(bytes.NewReader(data), func(*report.Tenant, int64, int64) error { return nil })
			check("ReadStream", err)
			if tc.name == "tenant status" {
				_, err = report.Summarize(r, false)
				check("Summarize", err)
			}
		})
	}
}

// TestReadinessLabelShowsUnknownState: a state with no label shows as
// itself, not as NOT READY.
func TestReadinessLabelShowsUnknownState(t *testing.T) {
	t.Parallel()
	if got := (report.Readiness{State: "almost"}).Label(); got != "ALMOST" {
		t.Errorf("Label() = %q, want ALMOST", got)
	}
	if got := (report.Readiness{State: report.ReadinessNotReady}).Label(); got != "NOT READY" {
		t.Errorf("Label() = %q, want NOT READY", got)
	}
}
