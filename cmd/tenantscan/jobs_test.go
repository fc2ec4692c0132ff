package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tenantscan/tenantscan/internal/openfiles"
	"github.com/tenantscan/tenantscan/report"
)

// readMetrics parses a metrics file as Prometheus text.
func readMetrics(t *testing.T, path string) map[string]*dto.MetricFamily {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(f)
	if err != nil {
		t.Fatalf("metrics file does not parse as Prometheus text: %v", err)
	}
	return families
}

// gauge returns the value of the metric whose labels include want.
func gauge(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	fam, ok := fams[name]
	if !ok {
		return 0, false
	}
	for _, m := range fam.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range want {
			if labels[k] != v {
				match = false
			}
		}
		if match {
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

type jobReport struct {
	Summary struct {
		Drift   *struct{ New, Unchanged, Resolved int } `json:"drift"`
		Waivers *struct{ Waived, Expired, Unused int }  `json:"waivers"`
	} `json:"summary"`
	UnusedWaivers []json.RawMessage `json:"unusedWaivers"`
}

func readJobReport(t *testing.T, path string) jobReport {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r jobReport
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestScheduledJob simulates a nightly job over four runs with changing
// snapshots: waivers apply and expire on the right day, drift counts are
// right, exit codes are right, and the metrics parse as Prometheus text.
func TestScheduledJob(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	snapshots := filepath.Join(dir, "snapshots")
	if err := os.Mkdir(snapshots, 0o755); err != nil {
		t.Fatal(err)
	}
	original, err := os.ReadFile(filepath.Join(fixtures, "litware-licensing.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(snapshots, "litware.yaml")
	write := func(content string) {
		if err := os.WriteFile(snap, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	waivers := filepath.Join(dir, "waivers.yaml")
	if err := os.WriteFile(waivers, []byte(`waivers:
  - control: O365G-004
    resource: bob@litware.com
    reason: E3 licence ordered, PO 4711
    owner: it-licensing@litware.com
    expires: 2026-12-31
  - control: O365G-011
    resource: "*"
    reason: no longer needed
    owner: crm-team@litware.com
    expires: 2027-06-30
`), 0o644); err != nil {
		t.Fatal(err)
	}
	metrics := filepath.Join(dir, "tenantscan.prom")
	report := func(n string) string { return filepath.Join(dir, "run"+n+".json") }
	run := func(asOf, out, baseline string) result {
		args := []string{"scan", "--waivers", waivers, "--as-of", asOf, "--fail-on", "high",
			"--format", "json", "--output", "json=" + out, "--metrics-file", metrics}
		if baseline != "" {
			args = append(args, "--baseline", baseline)
		}
		return runCLI(t, "", append(args, snapshots)...)
	}
	litware := map[string]string{"tenant": "Litware Inc.", "control": "O365G-004", "severity": "high"}

	// Run 1, 30 Dec: bob's finding is waived; pia, erik and gus still fail.
	write(string(original))
	r := run("2026-12-30", report("1"), "")
	if r.code != 1 {
		t.Fatalf("run 1: exit %d, want 1: %s", r.code, r.stderr)
	}
	j := readJobReport(t, report("1"))
	if j.Summary.Waivers == nil || j.Summary.Waivers.Waived != 1 || j.Summary.Waivers.Unused != 1 || len(j.UnusedWaivers) != 1 {
		t.Errorf("run 1 waivers %+v", j.Summary.Waivers)
	}
	fams := readMetrics(t, metrics)
	if v, _ := gauge(fams, "tenantscan_failures", litware); v != 3 {
		t.Errorf("run 1: O365G-004 failures metric %v, want 3", v)
	}
	success1, ok := gauge(fams, "tenantscan_last_success_timestamp_seconds", nil)
	if !ok || success1 == 0 {
		t.Error("run 1: no last success time")
	}

	// Run 2, 31 Dec, against run 1: gus and hana are fixed, quinn is
	// enabled in Dynamics without a tenant account (new in 004 and 006).
	changed := strings.Replace(string(original), "licenses: [LITWARE_BUNDLE]", "licenses: [ENTERPRISEPACK]", 1)
	changed = strings.Replace(changed, "mailbox: SharedMailbox", "mailbox: UserMailbox", 1)
	changed = strings.Replace(changed, "{userPrincipalName: quinn@litware.com, enabled: false, roles: []}", "{userPrincipalName: quinn@litware.com, enabled: true, roles: [Salesperson]}", 1)
	if changed == string(original) {
		t.Fatal("the fixture changed; update the test")
	}
	write(changed)
	r = run("2026-12-31", report("2"), report("1"))
	if r.code != 1 {
		t.Fatalf("run 2: exit %d, want 1 (two new high findings): %s", r.code, r.stderr)
	}
	j = readJobReport(t, report("2"))
	if d := j.Summary.Drift; d == nil || d.New != 2 || d.Unchanged != 8 || d.Resolved != 2 {
		t.Errorf("run 2 drift %+v, want 2 new, 8 unchanged, 2 resolved", j.Summary.Drift)
	}
	if w := j.Summary.Waivers; w == nil || w.Waived != 1 || w.Expired != 0 {
		t.Errorf("run 2: the waiver must still apply on its expiry day: %+v", w)
	}

	// Run 3, 1 Jan, against run 2, nothing changed: the waiver has expired,
	// so bob's finding counts again and fails the job although not new.
	r = run("2027-01-01", report("3"), report("2"))
	if r.code != 1 {
		t.Fatalf("run 3: exit %d, want 1 (a waiver expired): %s", r.code, r.stderr)
	}
	j = readJobReport(t, report("3"))
	if d := j.Summary.Drift; d == nil || d.New != 0 || d.Unchanged != 10 || d.Resolved != 0 {
		t.Errorf("run 3 drift %+v, want 0 new, 10 unchanged, 0 resolved", j.Summary.Drift)
	}
	if w := j.Summary.Waivers; w == nil || w.Waived != 0 || w.Expired != 1 {
		t.Errorf("run 3 waivers %+v", w)
	}
	if v, _ := gauge(readMetrics(t, metrics), "tenantscan_failures", litware); v != 4 {
		t.Errorf("run 3: O365G-004 failures metric %v, want 4", v)
	}

	// Run 4, against run 3, nothing changed: nothing new, exit 0.
	r = run("2027-01-02", report("4"), report("3"))
	if r.code != 0 {
		t.Fatalf("run 4: exit %d, want 0 (nothing new): %s", r.code, r.stderr)
	}

	// Run 5: a broken snapshot joins: exit 2, reports still written, the
	// last success time carried over.
	if err := os.WriteFile(filepath.Join(snapshots, "broken.yaml"), []byte("apiVersion: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run("2027-01-02", report("5"), report("4"))
	if r.code != 2 {
		t.Fatalf("run 5: exit %d, want 2: %s", r.code, r.stderr)
	}
	fams = readMetrics(t, metrics)
	if v, _ := gauge(fams, "tenantscan_snapshots_error", nil); v != 1 {
		t.Errorf("run 5: snapshots_error %v, want 1", v)
	}
	if v, ok := gauge(fams, "tenantscan_last_success_timestamp_seconds", nil); !ok || v < success1 {
		t.Errorf("run 5: last success %v, want carried over (>= %v)", v, success1)
	}
	if _, err := os.Stat(report("5")); err != nil {
		t.Errorf("run 5 wrote no report: %v", err)
	}

	// diff prints the same comparison from the saved reports.
	r = runCLI(t, "", "diff", report("1"), report("2"))
	if r.code != 0 || !strings.HasPrefix(r.stdout, "2 new, 8 unchanged, 2 resolved") {
		t.Errorf("diff: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestConfigFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "tenantscan.yaml")
	out := filepath.Join(dir, "report.json")
	fixturesAbs, err := filepath.Abs(fixtures) // relative paths would be the config folder's
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte("paths: ["+filepath.Join(fixturesAbs, "fabrikam-prerequisites.yaml")+"]\nfail-on: none\nformat: json\noutput: [json="+out+"]\nparallel: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "scan", "--config", cfg)
	if r.code != 0 {
		t.Fatalf("exit %d, want 0 (fail-on none from the file): %s", r.code, r.stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("output from the config file not written: %v", err)
	}
	r = runCLI(t, "", "scan", "--config", cfg, "--fail-on", "critical")
	if r.code != 1 {
		t.Errorf("exit %d, want 1: the flag wins over the file", r.code)
	}
	r = runCLI(t, "", "readiness", "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stdout, "NOT READY") {
		t.Errorf("readiness with a scan config: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("paths: [x]\nfail_on: high\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, "", "scan", "--config", bad)
	if r.code != 2 || !strings.Contains(r.stderr, `bad.yaml:2: unknown key "fail_on"`) {
		t.Errorf("unknown key: exit %d, %s", r.code, r.stderr)
	}
}

// TestConfigPathsRelativeToTheFile: relative paths in a config file are
// read from the file's folder, whatever the working folder; a path that
// does not exist is a one-line usage error.
func TestConfigPathsRelativeToTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(fixtures, "contoso-compliant.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "snaps"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "snaps", "contoso.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "tenantscan.yaml")
	if err := os.WriteFile(cfg, []byte("paths: [snaps]\noutput: [json=report.json]\nmetrics-file: metrics.prom\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The test runs in cmd/tenantscan, not in dir.
	if r := runCLI(t, "", "scan", "--config", cfg); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, f := range []string{"report.json", "metrics.prom"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s not written beside the config file: %v", f, err)
		}
	}
	missing := filepath.Join(dir, "missing.yaml")
	if err := os.WriteFile(missing, []byte("paths: [nowhere]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "scan", "--config", missing)
	if want := "tenantscan: " + filepath.Join(dir, "nowhere") + ": no such file or folder\n"; r.code != 2 || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, want)
	}
}

func TestReadinessCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{filepath.Join(fixtures, "contoso-compliant.yaml"), filepath.Join(fixtures, "northwind-ready.json")}, 0,
			[]string{"Contoso Ltd", "READY", "2 of 2 tenant(s) ready."}},
		{[]string{filepath.Join(fixtures, "relecloud-connectors.yaml")}, 1,
			[]string{"NOT READY: 2 blocking control(s)", "1. O365G-017 [connectors]", "2. O365G-018 [connectors]", "Next step: Make the group private"}},
		{[]string{filepath.Join(fixtures, "woodgrove-partial-export.yaml")}, 2, []string{"NOT READY", "could not be evaluated"}},
	}
	for _, tc := range tests {
		r := runCLI(t, "", append([]string{"readiness"}, tc.args...)...)
		if r.code != tc.code {
			t.Errorf("%v: exit %d, want %d: %s", tc.args, r.code, tc.code, r.stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, w, r.stdout)
			}
		}
	}
	// Blocking controls come in the order of the procedure.
	r := runCLI(t, "", "readiness", "--format", "json", filepath.Join(fixtures, "fabrikam-prerequisites.yaml"))
	var doc struct {
		Tenants []struct {
			Blocking []struct{ ID, Phase, NextStep string } `json:"blocking"`
		} `json:"tenants"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, b := range doc.Tenants[0].Blocking {
		ids = append(ids, b.ID+":"+b.Phase)
		if b.NextStep == "" {
			t.Errorf("%s has no next step", b.ID)
		}
	}
	if got := strings.Join(ids, " "); got != "O365G-001:prerequisites O365G-002:prerequisites O365G-007:prerequisites O365G-010:provisioning" {
		t.Errorf("blocking order %s", got)
	}
}

func TestInterruptedScanWritesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "report.json")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr strings.Builder
	code := run(ctx, []string{"scan", "--output", "json=" + out, fixtures}, strings.NewReader(""), &stdout, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("an interrupted scan wrote a report")
	}
}

func TestJSONLogs(t *testing.T) {
	t.Parallel()
	r := runCLI(t, "", "scan", "--log-format", "json", "--log-level", "info", "--format", "json", filepath.Join(fixtures, "contoso-compliant.yaml"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) < 2 {
		t.Fatalf("logs: %q", r.stderr)
	}
	for _, l := range lines {
		var entry map[string]any
		if err := json.Unmarshal([]byte(l), &entry); err != nil || entry["msg"] == nil || entry["level"] == nil {
			t.Errorf("log line is not structured JSON: %q", l)
		}
	}
	if r := runCLI(t, "", "scan", "--log-level", "loud", fixtures); r.code != 2 {
		t.Errorf("bad log level: exit %d", r.code)
	}
}

// TestLargeScanSpools runs the CLI over more snapshots than a report keeps
// in memory (scanner.DefaultMemoryTenants, one), so tenants go through the
// spool file: the report lists every tenant in path order, drift against
// a baseline and the exit code still work, and the spool is removed.
func TestLargeScanSpools(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := filepath.Join(tmp, "snapshots")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	names := []string{"contoso-compliant.yaml", "fabrikam-prerequisites.yaml", "northwind-ready.json"}
	const copies = 40 // 120 snapshots
	for i := range copies {
		for _, name := range names {
			data, err := os.ReadFile(filepath.Join(fixtures, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%03d-%s", i, name)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	first := filepath.Join(tmp, "first.json")
	if res := runCLI(t, "", "scan", "--log-level", "info", "--output", "json="+first, dir); res.code != 1 {
		t.Fatalf("first run: exit %d, want 1; %s", res.code, res.stderr)
	} else if !strings.Contains(res.stderr, "spooled=true") {
		t.Fatalf("first run: the tenants were not spooled:\n%s", res.stderr)
	}
	f, err := os.Open(first)
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Read(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Tenants) != copies*len(names) || r.Summary.Tenants != len(r.Tenants) || r.Summary.Fail != copies {
		t.Fatalf("first run: %d tenants, summary %+v", len(r.Tenants), r.Summary)
	}
	for i, tn := range r.Tenants {
		if want := fmt.Sprintf("%03d-", i/len(names)); !strings.Contains(tn.Snapshot, want) {
			t.Fatalf("tenant %d is %s: not in path order", i, tn.Snapshot)
		}
	}
	// Against itself as the baseline nothing is new: exit 0.
	second := filepath.Join(tmp, "second.json")
	if res := runCLI(t, "", "scan", "-q", "--baseline", first, "--output", "json="+second, dir); res.code != 0 {
		t.Fatalf("second run: exit %d, want 0; %s", res.code, res.stderr)
	}
	if r := readJobReport(t, second); r.Summary.Drift == nil || r.Summary.Drift.New != 0 || r.Summary.Drift.Unchanged == 0 {
		t.Errorf("second run drift %+v", r.Summary.Drift)
	}
	// The spool is unlinked at creation, so TMPDIR is empty either way:
	// what must not be left is the open file.
	if open, ok := openfiles.Under(tmp); !ok {
		t.Log("cannot list open files here: the spool's closing is not checked")
	} else if len(open) != 0 {
		t.Errorf("spool files left open: %v", open)
	}
}
