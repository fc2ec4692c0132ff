package main

import (
	"errors"
	"testing"

	"github.com/tenantscan/tenantscan/report"
)

// TestVerdictExit is the one exit-code rule of scan, merge and readiness:
// errors win over findings, findings over a clean run.
func TestVerdictExit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		errors, findings int
		want             int
	}{
		{"clean", 0, 0, exitOK},
		{"findings", 0, 3, exitFindings},
		{"errors", 1, 0, exitError},
		{"errors win over findings", 2, 5, exitError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := &report.Report{Summary: report.Summary{Tenants: 3, Error: tc.errors}}
			got := exitOK
			var ec *exitCodeError
			if err := verdictExit(rep, tc.findings); errors.As(err, &ec) {
				got = ec.code
			} else if err != nil {
				t.Fatalf("not an exit code: %v", err)
			}
			if got != tc.want {
				t.Errorf("exit %d, want %d", got, tc.want)
			}
		})
	}
}
