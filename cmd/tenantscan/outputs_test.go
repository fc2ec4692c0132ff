package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOutputsCheckedBeforeTheScan: a target given twice or not writable is
// a one-line usage error naming the user's path, found before any snapshot
// is read (no "scan started" at --log-level info), and nothing is written.
func TestOutputsCheckedBeforeTheScan(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	compliant := filepath.Join(fixtures, "contoso-compliant.yaml")
	a := filepath.Join(dir, "a")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"one file for two formats", []string{"--output", "json=" + a, "--output", "html=" + a}, "output " + a + ": given as the output of two formats"},
		{"the metrics over a report", []string{"--output", "json=" + a, "--metrics-file", dir + "/./a"}, "output " + dir + "/./a: is the same file as " + a},
		{"a missing folder", []string{"--output", "json=" + dir + "/no/a.json"}, "output " + dir + "/no/a.json: the folder " + dir + "/no does not exist"},
		{"standard output as a file", []string{"--output", "json=/dev/stdout"}, "output /dev/stdout: exists and is not a regular file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--log-level", "info", "scan"}, tc.args...)
			r := runCLI(t, "", append(args, compliant)...)
			if r.code != exitError {
				t.Errorf("exit code %d, want %d", r.code, exitError)
			}
			if want := "tenantscan: " + tc.want; !strings.HasPrefix(r.stderr, want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr %q, want one line starting %q", r.stderr, want)
			}
			if got, _ := os.ReadDir(dir); len(got) != 0 {
				t.Errorf("left in the output folder: %v", got)
			}
		})
	}
}

// TestOutputsLeaveOnlyTheReports: a run writing every kind of file leaves
// the reports and nothing else (no lock, no temporary file).
func TestOutputsLeaveOnlyTheReports(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var args []string
	var want []string
	for _, f := range []string{"json", "html", "xlsx", "csv", "markdown", "sarif", "junit", "table"} {
		args = append(args, "--output", f+"="+filepath.Join(dir, "r."+f))
		want = append(want, "r."+f)
	}
	args = append(args, "--metrics-file", filepath.Join(dir, "r.prom"))
	want = append(want, "r.prom")
	for range 2 { // the second run replaces the first's reports
		r := runCLI(t, "", append(append([]string{"scan"}, args...), fixtures)...)
		if r.code != exitError { // the fixtures hold broken snapshots
			t.Fatalf("exit code %d\n%s", r.code, r.stderr)
		}
	}
	var got []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		got = append(got, e.Name())
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("output folder holds %q, want %q", got, want)
	}
}
