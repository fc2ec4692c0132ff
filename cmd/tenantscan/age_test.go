package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFailOnStale checks --max-age and --fail-on-stale against the exit
// code: a stale snapshot is an error only with --fail-on-stale, and
// --max-age 0 turns staleness off.
func TestFailOnStale(t *testing.T) {
	t.Parallel()
	compliant := filepath.Join(fixtures, "contoso-compliant.yaml") // exported in November 2026
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"stale but not failing", []string{"scan", "--max-age", "1h", compliant}, 0, ""},
		{"stale fails", []string{"scan", "--max-age", "1h", "--fail-on-stale", compliant}, 2, "1 of 1 snapshot(s) are stale or of unknown age"},
		{"days", []string{"scan", "--max-age", "1d", "--fail-on-stale", compliant}, 2, "1 older than --max-age"},
		{"fresh enough", []string{"scan", "--max-age", "100000d", "--fail-on-stale", compliant}, 0, ""},
		{"check off", []string{"scan", "--max-age", "0", "--fail-on-stale", compliant}, 0, ""},
		{"unknown age fails", []string{"scan", "--fail-on-stale", "--max-age", "0", filepath.Join(fixtures, "broken", "bad-yaml.yaml")}, 2, "could not be evaluated"},
		{"bad max-age", []string{"scan", "--max-age", "soon", compliant}, 2, `invalid argument "soon" for "--max-age"`},
		{"negative max-age", []string{"scan", "--max-age", "-3d", compliant}, 2, "want 0 or more days"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, "", tc.args...)
			if r.code != tc.wantCode || !strings.Contains(r.stderr, tc.wantStderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tc.wantCode, tc.wantStderr)
			}
		})
	}
}
