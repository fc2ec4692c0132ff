package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tenantscan/tenantscan/report"
)

// TestMetricsLabelsAreUTF8: a file name that is not valid UTF-8 (Linux
// allows any bytes) is written with U+FFFD in its labels, not a panic.
func TestMetricsLabelsAreUTF8(t *testing.T) {
	t.Parallel()
	msg := "bad"
	rep := &report.Report{
		StartedAt: time.Unix(0, 0), FinishedAt: time.Unix(1, 0),
		Controls: []report.Control{{ID: "C1", Severity: report.SeverityHigh}},
		Tenants: []report.Tenant{{Snapshot: "snap\xffshots/t\xfe.yaml", TenantID: "id\xff", DisplayName: "Con\xfftoso",
			Status: report.TenantError, Error: &msg,
			Controls: []report.ControlResult{{ID: "C1", Status: report.StatusError}}}},
	}
	var buf bytes.Buffer
	if err := writeMetrics(&buf, filepath.Join(t.TempDir(), "none.prom"), rep); err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(&buf)
	if err != nil {
		t.Fatalf("the metrics do not parse: %v", err)
	}
	if _, ok := gauge(fams, "tenantscan_tenant_error", map[string]string{
		"snapshot": "snap\uFFFDshots/t\uFFFD.yaml", "tenant_id": "id\uFFFD", "tenant": "Con\uFFFDtoso"}); !ok {
		t.Errorf("no tenant_error gauge with the sanitised labels:\n%s", fams["tenantscan_tenant_error"].String())
	}
}

// TestSupersededAgreeEverywhere: two snapshots of one tenant give one
// tenant in the JSON summary, the metrics and the table, the older one
// listed as superseded in each, and a warning.
func TestSupersededAgreeEverywhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(fixtures, "litware-licensing.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	older := strings.Replace(string(data), "exportedAt: 2026-11-22T10:00:00Z", "exportedAt: 2026-11-01T10:00:00Z", 1)
	snaps := filepath.Join(dir, "snaps")
	if err := os.Mkdir(snaps, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"old.yaml": older, "new.yaml": string(data)} {
		if err := os.WriteFile(filepath.Join(snaps, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	jsonFile, prom := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.prom")
	r := runCLI(t, "", "scan", "--output", "json="+jsonFile, "--metrics-file", prom, "--format", "table", snaps)
	if r.code != exitFindings {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep struct {
		Summary    struct{ Tenants int }
		Superseded []struct{ Snapshot, By string }
	}
	readJSON(t, jsonFile, &rep)
	if rep.Summary.Tenants != 1 || len(rep.Superseded) != 1 || filepath.Base(rep.Superseded[0].Snapshot) != "old.yaml" {
		t.Errorf("json: %+v", rep)
	}
	fams := readMetrics(t, prom)
	if v, _ := gauge(fams, "tenantscan_snapshots", nil); v != 1 {
		t.Errorf("tenantscan_snapshots = %v, want 1", v)
	}
	if v, _ := gauge(fams, "tenantscan_snapshots_superseded", nil); v != 1 {
		t.Errorf("tenantscan_snapshots_superseded = %v, want 1", v)
	}
	if !strings.Contains(r.stdout, "1 tenant(s)") || !strings.Contains(r.stdout, "superseded: "+filepath.Join(snaps, "old.yaml")) {
		t.Errorf("table:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "snapshot superseded by a newer one of the same tenant") {
		t.Errorf("no warning: %s", r.stderr)
	}
}
