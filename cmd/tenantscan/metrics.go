package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tenantscan/tenantscan/report"
)

const lastSuccessMetric = "tenantscan_last_success_timestamp_seconds"

// The families of the metrics file with a series per tenant, or per
// tenant and control; their label names are in the order WithLabelValues
// took them (the text format lists them by name).
var (
	controlStatusFamily = gaugeFamily{name: "tenantscan_control_status",
		help:   "1 for the status of each control of each tenant (pass, fail, warn, skip, waived, error).",
		labels: []string{"tenant_id", "tenant", "snapshot", "control", "status"}}
	failuresFamily = gaugeFamily{name: "tenantscan_failures",
		help:   "Unwaived failing findings, per tenant (and snapshot), control and severity.",
		labels: []string{"tenant_id", "tenant", "snapshot", "control", "severity"}}
	tenantErrorFamily = gaugeFamily{name: "tenantscan_tenant_error",
		help:   "1 when the tenant's snapshot could not be evaluated, else 0.",
		labels: []string{"tenant_id", "tenant", "snapshot"}}
	readinessFamily = gaugeFamily{name: "tenantscan_tenant_readiness",
		help:   "1 for the readiness state of each tenant (ready, notReady, notApplicable, notEvaluated).",
		labels: []string{"tenant_id", "tenant", "snapshot", "state"}}
	readyFamily = gaugeFamily{name: "tenantscan_tenant_ready",
		help:   "1 when the tenant is ready for Office 365 Groups, else 0.",
		labels: []string{"tenant_id", "tenant", "snapshot"}}
)

// writeMetrics writes the report as Prometheus text for the node_exporter
// textfile collector to w (the caller writes it with the other outputs,
// atomically). The last success time carries over from the previous file
// at path when this run had errors.
//
// It streams: one pass over the tenants, one tenant in memory at a time.
// The text format wants the lines of a family together, under one HELP
// and one TYPE line, so the first family (control statuses) goes straight
// to w while the four other families with a series per tenant wait each in
// an unlinked temporary file (in $TMPDIR, like the report for standard
// output) until their turn: disk about the size of the metrics file
// instead of a client_golang registry holding every series (966 MB for
// 20,000 tenants), and one reading of a spooled report instead of one
// per family (five decodings of every tenant took four times as long).
// The families come in the order of their names, as the registry's Gather
// wrote them; within a family the series follow the report (tenant by
// tenant, controls in report order) rather than Gather's sort by label
// values, which would need them all at once. Each line is the one the
// registry wrote (expfmt encodes it); no reader of the format depends on
// the order of the series.
func writeMetrics(w io.Writer, path string, r *report.Report) error {
	bw := bufio.NewWriter(w)
	status := &familyWriter{gaugeFamily: controlStatusFamily, w: bw}
	later := []*familyWriter{{gaugeFamily: failuresFamily}, {gaugeFamily: tenantErrorFamily},
		{gaugeFamily: readinessFamily}, {gaugeFamily: readyFamily}}
	for _, f := range later {
		s, err := newSpill()
		if err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		defer s.close()
		f.w, f.spill = s.w, s
	}
	failures, tenantError, readiness, ready := later[0], later[1], later[2], later[3]
	controls := r.ControlsByID()
	err := r.EachTenant(func(t *report.Tenant) error {
		// Label values must be UTF-8 (a file name need not be): invalid
		// bytes become U+FFFD, as they do in the JSON report.
		id, name, snapshot := labelValue(t.TenantID), labelValue(report.TenantName(*t)), labelValue(t.Snapshot)
		for _, c := range t.Controls {
			n := 0
			for _, f := range c.Findings {
				if c.Fails(f) {
					n++
				}
			}
			status.add(1, id, name, snapshot, c.ID, c.Status)
			failures.add(float64(n), id, name, snapshot, c.ID, controls[c.ID].Severity)
		}
		tenantError.add(boolValue(t.Status == report.TenantError), id, name, snapshot)
		readiness.add(1, id, name, snapshot, t.Readiness.Verdict())
		ready.add(boolValue(t.Readiness.Ready), id, name, snapshot)
		return firstError(status, failures, tenantError, readiness, ready)
	})
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	success := 0.0 // a registry wrote an unset gauge as 0
	if r.Errors() == 0 {
		success = float64(r.FinishedAt.Unix())
	} else if prev, ok := previousSuccess(path); ok {
		success = prev
	}
	scalar := func(name, help string, v float64) error {
		f := &familyWriter{gaugeFamily: gaugeFamily{name: name, help: help}, w: bw}
		f.add(v)
		return f.err
	}
	// The families in the order of their names; control statuses are
	// written already.
	for _, step := range []func() error{
		failures.spill.copyTo(bw),
		func() error {
			return scalar("tenantscan_last_run_timestamp_seconds", "When the last scan finished (Unix time).", float64(r.FinishedAt.Unix()))
		},
		func() error {
			return scalar(lastSuccessMetric, "When the last scan without errors finished (Unix time).", success)
		},
		func() error {
			return scalar("tenantscan_scan_duration_seconds", "Duration of the scan.", r.FinishedAt.Sub(r.StartedAt).Seconds())
		},
		func() error { return scalar("tenantscan_snapshots", "Snapshots scanned.", float64(r.TenantCount())) },
		func() error {
			return scalar("tenantscan_snapshots_error", "Snapshots that could not be evaluated.", float64(r.Errors()))
		},
		func() error {
			return scalar("tenantscan_snapshots_superseded", "Snapshots left out because a newer snapshot of the same tenant was scanned.", float64(len(r.Superseded)))
		},
		tenantError.spill.copyTo(bw),
		readiness.spill.copyTo(bw),
		ready.spill.copyTo(bw),
		bw.Flush,
	} {
		if err := step(); err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
	}
	return nil
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// gaugeFamily is a gauge family of the metrics file and the names of its
// labels.
type gaugeFamily struct {
	name, help string
	labels     []string
}

// familyWriter writes one gauge family in the Prometheus text format, one
// series at a time: expfmt encodes each series, so escaping and numbers
// are the library's, and the family's HELP and TYPE lines come with its
// first series only (a family without series is left out, as a registry
// leaves out a vector without series). The first error is kept in err;
// later series are dropped.
type familyWriter struct {
	gaugeFamily
	w       *bufio.Writer
	spill   *spill // where w writes, for a family written after others
	started bool
	buf     bytes.Buffer
	err     error
}

// add writes one series: its value, then its label values in the order of
// the family's label names.
func (f *familyWriter) add(v float64, values ...string) {
	if f.err != nil {
		return
	}
	if len(values) != len(f.labels) {
		f.err = fmt.Errorf("%s: %d label values for %d labels", f.name, len(values), len(f.labels))
		return
	}
	labels := make([]*dto.LabelPair, len(values))
	for i := range values {
		labels[i] = &dto.LabelPair{Name: &f.labels[i], Value: &values[i]}
	}
	slices.SortFunc(labels, func(a, b *dto.LabelPair) int { return strings.Compare(a.GetName(), b.GetName()) })
	gauge := dto.MetricType_GAUGE
	mf := &dto.MetricFamily{Name: &f.name, Type: &gauge, Metric: []*dto.Metric{{Label: labels, Gauge: &dto.Gauge{Value: &v}}}}
	if !f.started {
		mf.Help = &f.help
	}
	f.buf.Reset()
	if _, f.err = expfmt.MetricFamilyToText(&f.buf, mf); f.err != nil {
		f.err = fmt.Errorf("%s: %w", f.name, f.err)
		return
	}
	line := f.buf.Bytes()
	if f.started {
		// Without Help, expfmt starts with the TYPE line, which the
		// family's first series wrote already.
		line = line[bytes.IndexByte(line, '\n')+1:]
	}
	f.started = true
	_, f.err = f.w.Write(line)
}

// firstError is the first error of the families, nil when none failed.
func firstError(fs ...*familyWriter) error {
	for _, f := range fs {
		if f.err != nil {
			return f.err
		}
	}
	return nil
}

// spill is a temporary file in $TMPDIR, unlinked at once where the system
// allows (so a killed run leaves nothing), holding the lines of a family
// until their turn comes.
type spill struct {
	f *os.File
	w *bufio.Writer
}

func newSpill() (*spill, error) {
	f, err := os.CreateTemp("", "tenantscan-metrics-*")
	if err != nil {
		return nil, fmt.Errorf("a temporary file (is TMPDIR writable?): %w", err)
	}
	os.Remove(f.Name()) // Unix: gone from the folder, still open
	return &spill{f: f, w: bufio.NewWriter(f)}, nil
}

// copyTo returns the step that copies what the spill holds to w.
func (s *spill) copyTo(w io.Writer) func() error {
	return func() error {
		if err := s.w.Flush(); err != nil {
			return err
		}
		if _, err := s.f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		_, err := io.Copy(w, s.f)
		return err
	}
}

// close closes the file and removes it where it could not be unlinked at
// once.
func (s *spill) close() {
	s.f.Close()
	os.Remove(s.f.Name())
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
