package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tenantscan/tenantscan/report"
)

const lastSuccessMetric = "tenantscan_last_success_timestamp_seconds"

// writeMetrics writes the report as Prometheus text for the node_exporter
// textfile collector to w (the caller writes it with the other outputs,
// atomically). The last success time carries over from the previous file
// at path when this run had errors.
func writeMetrics(w io.Writer, path string, r *report.Report) error {
	reg := prometheus.NewRegistry()
	failures := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "tenantscan_failures",
		Help: "Unwaived failing findings, per tenant (and snapshot), control and severity.",
	}, []string{"tenant_id", "tenant", "snapshot", "control", "severity"})
	controlStatus := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "tenantscan_control_status",
		Help: "1 for the status of each control of each tenant (pass, fail, warn, skip, waived, error).",
	}, []string{"tenant_id", "tenant", "snapshot", "control", "status"})
	ready := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "tenantscan_tenant_ready",
		Help: "1 when the tenant is ready for Office 365 Groups, else 0.",
	}, []string{"tenant_id", "tenant", "snapshot"})
	tenantError := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "tenantscan_tenant_error",
		Help: "1 when the tenant's snapshot could not be evaluated, else 0.",
	}, []string{"tenant_id", "tenant", "snapshot"})
	readiness := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "tenantscan_tenant_readiness",
		Help: "1 for the readiness state of each tenant (ready, notReady, notApplicable, notEvaluated).",
	}, []string{"tenant_id", "tenant", "snapshot", "state"})
	snapshots := prometheus.NewGauge(prometheus.GaugeOpts{Name: "tenantscan_snapshots", Help: "Snapshots scanned."})
	snapshotErrors := prometheus.NewGauge(prometheus.GaugeOpts{Name: "tenantscan_snapshots_error", Help: "Snapshots that could not be evaluated."})
	superseded := prometheus.NewGauge(prometheus.GaugeOpts{Name: "tenantscan_snapshots_superseded", Help: "Snapshots left out because a newer snapshot of the same tenant was scanned."})
	duration := prometheus.NewGauge(prometheus.GaugeOpts{Name: "tenantscan_scan_duration_seconds", Help: "Duration of the scan."})
	finished := prometheus.NewGauge(prometheus.GaugeOpts{Name: "tenantscan_last_run_timestamp_seconds", Help: "When the last scan finished (Unix time)."})
	success := prometheus.NewGauge(prometheus.GaugeOpts{Name: lastSuccessMetric, Help: "When the last scan without errors finished (Unix time)."})
	reg.MustRegister(failures, controlStatus, ready, readiness, tenantError, snapshots, snapshotErrors, superseded, duration, finished, success)

	controls := r.ControlsByID()
	err := r.EachTenant(func(tp *report.Tenant) error {
		t := *tp
		// Label values must be UTF-8 (a file name need not be): invalid
		// bytes become U+FFFD, as they do in the JSON report.
		name := labelValue(report.TenantName(t))
		t.TenantID, t.Snapshot = labelValue(t.TenantID), labelValue(t.Snapshot)
		errVal, readyVal := 0.0, 0.0
		if t.Status == report.TenantError {
			errVal = 1
		}
		if t.Readiness.Ready {
			readyVal = 1
		}
		tenantError.WithLabelValues(t.TenantID, name, t.Snapshot).Set(errVal)
		ready.WithLabelValues(t.TenantID, name, t.Snapshot).Set(readyVal)
		readiness.WithLabelValues(t.TenantID, name, t.Snapshot, t.Readiness.Verdict()).Set(1)
		for _, c := range t.Controls {
			controlStatus.WithLabelValues(t.TenantID, name, t.Snapshot, c.ID, c.Status).Set(1)
			n := 0
			for _, f := range c.Findings {
				if c.Fails(f) {
					n++
				}
			}
			failures.WithLabelValues(t.TenantID, name, t.Snapshot, c.ID, controls[c.ID].Severity).Set(float64(n))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	snapshots.Set(float64(r.TenantCount()))
	snapshotErrors.Set(float64(r.Errors()))
	superseded.Set(float64(len(r.Superseded)))
	duration.Set(r.FinishedAt.Sub(r.StartedAt).Seconds())
	finished.Set(float64(r.FinishedAt.Unix()))
	if r.Errors() == 0 {
		success.Set(float64(r.FinishedAt.Unix()))
	} else if prev, ok := previousSuccess(path); ok {
		success.Set(prev)
	}
	families, err := reg.Gather()
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range families {
		if err := enc.Encode(mf); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
	}
	return nil
}

// previousSuccess reads the last success time from an earlier metrics file.
func previousSuccess(path string) (float64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(f)
	if err != nil {
		return 0, false
	}
	fam, ok := families[lastSuccessMetric]
	if !ok || len(fam.GetMetric()) == 0 || fam.GetType() != dto.MetricType_GAUGE {
		return 0, false
	}
	v := fam.GetMetric()[0].GetGauge().GetValue()
	return v, v > 0
}

// labelValue makes s a valid Prometheus label value: invalid UTF-8 bytes
// become U+FFFD.
func labelValue(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
