package main

import (
	"bytes"
	"path/filepath"
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
