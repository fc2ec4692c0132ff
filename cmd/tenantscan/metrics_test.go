package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tenantscan/tenantscan/internal/openfiles"
	"github.com/tenantscan/tenantscan/internal/testscan"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
	"github.com/tenantscan/tenantscan/scanner"
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

// metricsText writes the metrics of r (with no previous file).
func metricsText(t *testing.T, r *report.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := writeMetrics(&buf, filepath.Join(t.TempDir(), "none.prom"), r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// metricsReport is a report the metrics tests write; counted is true when
// its summary was counted from its tenants (a scan, or written so).
type metricsReport struct {
	name    string
	r       *report.Report
	counted bool
}

// metricsReports are the reports the metrics tests write: a scan of the
// fixtures (in memory, and spooled so that every family reads the spool),
// and the hand-written ones with waivers, drift and hostile names (whose
// summary is Sample's, not counted again).
func metricsReports(t *testing.T) []metricsReport {
	spooled := testscan.ScanWith(t, scanner.Options{MemoryTenants: 1, SpoolDir: t.TempDir()}, "fixtures")
	t.Cleanup(func() { spooled.Close() })
	if !spooled.Spooled() {
		t.Fatal("the scan of the fixtures did not spool")
	}
	return []metricsReport{
		{"fixtures", testscan.Scan(t, "fixtures"), true},
		{"fixtures spooled", spooled, true},
		{"audit", reporttest.Audit(), true},
		{"hostile", reporttest.Hostile(), false},
	}
}

// TestMetricsCountsAgree: the metrics file parses as Prometheus text,
// each family's lines are together under one HELP and one TYPE line, and
// its counts are the report's: snapshots and errors as the summary counts
// them, one readiness, ready and error series per tenant, one status and
// one failures series per control of each tenant, and the failures of each
// severity adding up to the summary's.
func TestMetricsCountsAgree(t *testing.T) {
	t.Parallel()
	for _, tc := range metricsReports(t) {
		if !tc.counted {
			continue
		}
		r := tc.r
		t.Run(tc.name, func(t *testing.T) {
			text := metricsText(t, r)
			checkFamiliesTogether(t, text)
			parser := expfmt.NewTextParser(model.UTF8Validation)
			fams, err := parser.TextToMetricFamilies(strings.NewReader(text))
			if err != nil {
				t.Fatalf("the metrics do not parse: %v\n%s", err, text)
			}
			controls := 0
			if err := r.EachTenant(func(tn *report.Tenant) error { controls += len(tn.Controls); return nil }); err != nil {
				t.Fatal(err)
			}
			s := r.Summary
			sum := func(family, label, value string) (total float64, series int) {
				for _, m := range fams[family].GetMetric() {
					for _, l := range m.GetLabel() {
						if label == "" || (l.GetName() == label && l.GetValue() == value) {
							total += m.GetGauge().GetValue()
							series++
							break
						}
					}
				}
				return total, series
			}
			for _, c := range []struct {
				family      string
				value, want float64
			}{
				{"tenantscan_snapshots", one(t, fams, "tenantscan_snapshots"), float64(s.Tenants)},
				{"tenantscan_snapshots (tenants)", float64(r.TenantCount()), float64(s.Tenants)},
				{"tenantscan_snapshots_error", one(t, fams, "tenantscan_snapshots_error"), float64(s.Error)},
				{"tenantscan_snapshots_superseded", one(t, fams, "tenantscan_snapshots_superseded"), float64(len(r.Superseded))},
				{"tenantscan_tenant_error", first(sum("tenantscan_tenant_error", "", "")), float64(s.Error)},
				{"tenantscan_tenant_error series", second(sum("tenantscan_tenant_error", "", "")), float64(s.Tenants)},
				{"tenantscan_tenant_ready series", second(sum("tenantscan_tenant_ready", "", "")), float64(s.Tenants)},
				{"tenantscan_tenant_readiness", first(sum("tenantscan_tenant_readiness", "", "")), float64(s.Tenants)},
				{"tenantscan_tenant_readiness notApplicable", first(sum("tenantscan_tenant_readiness", "state", report.ReadinessNotApplicable)), float64(s.NotApplicable)},
				{"tenantscan_control_status", first(sum("tenantscan_control_status", "", "")), float64(controls)},
				{"tenantscan_failures series", second(sum("tenantscan_failures", "", "")), float64(controls)},
			} {
				if c.value != c.want {
					t.Errorf("%s = %v, want %v", c.family, c.value, c.want)
				}
			}
			for _, sev := range report.Severities {
				if got, _ := sum("tenantscan_failures", "severity", sev); got != float64(s.Findings[sev]) {
					t.Errorf("tenantscan_failures{severity=%q} add up to %v, the summary counts %d", sev, got, s.Findings[sev])
				}
			}
		})
	}
}

func first(a float64, _ int) float64  { return a }
func second(_ float64, n int) float64 { return float64(n) }

// one is the value of a family of one series without labels.
func one(t *testing.T, fams map[string]*dto.MetricFamily, name string) float64 {
	t.Helper()
	ms := fams[name].GetMetric()
	if len(ms) != 1 || len(ms[0].GetLabel()) != 0 {
		t.Fatalf("%s: %d series, want one without labels", name, len(ms))
	}
	return ms[0].GetGauge().GetValue()
}

// checkFamiliesTogether fails unless every family of the text is one block:
// its HELP line, its TYPE line, then all its series. The parser accepts
// a family's series scattered through the file, Prometheus does not.
func checkFamiliesTogether(t *testing.T, text string) {
	t.Helper()
	seen := map[string]bool{}
	current := ""
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if name, ok := strings.CutPrefix(line, "# HELP "); ok {
			name, _, _ = strings.Cut(name, " ")
			if seen[name] {
				t.Fatalf("line %d: family %s starts a second time", i+1, name)
			}
			if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "# TYPE "+name+" gauge") {
				t.Fatalf("line %d: HELP of %s without its TYPE line", i+1, name)
			}
			seen[name], current = true, name
			i++
			continue
		}
		name, _, _ := strings.Cut(line, "{")
		name, _, _ = strings.Cut(name, " ")
		if name != current {
			t.Fatalf("line %d: a series of %s inside family %q: %s", i+1, name, current, line)
		}
	}
}

// registryMetrics is what the metrics file was before it streamed: a
// client_golang registry holding every series, gathered (sorted by label
// values) and encoded by expfmt. It is the oracle of
// TestMetricsLinesAsTheRegistryWrote.
func registryMetrics(t *testing.T, r *report.Report) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	vec := func(name, help string, labels ...string) *prometheus.GaugeVec {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
		reg.MustRegister(g)
		return g
	}
	scalar := func(name, help string, v float64) {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		g.Set(v)
		reg.MustRegister(g)
	}
	failures := vec("tenantscan_failures", "Unwaived failing findings, per tenant (and snapshot), control and severity.", "tenant_id", "tenant", "snapshot", "control", "severity")
	controlStatus := vec("tenantscan_control_status", "1 for the status of each control of each tenant (pass, fail, warn, skip, waived, error).", "tenant_id", "tenant", "snapshot", "control", "status")
	ready := vec("tenantscan_tenant_ready", "1 when the tenant is ready for Office 365 Groups, else 0.", "tenant_id", "tenant", "snapshot")
	tenantError := vec("tenantscan_tenant_error", "1 when the tenant's snapshot could not be evaluated, else 0.", "tenant_id", "tenant", "snapshot")
	readiness := vec("tenantscan_tenant_readiness", "1 for the readiness state of each tenant (ready, notReady, notApplicable, notEvaluated).", "tenant_id", "tenant", "snapshot", "state")
	scalar("tenantscan_snapshots", "Snapshots scanned.", float64(r.TenantCount()))
	scalar("tenantscan_snapshots_error", "Snapshots that could not be evaluated.", float64(r.Errors()))
	scalar("tenantscan_snapshots_superseded", "Snapshots left out because a newer snapshot of the same tenant was scanned.", float64(len(r.Superseded)))
	scalar("tenantscan_scan_duration_seconds", "Duration of the scan.", r.FinishedAt.Sub(r.StartedAt).Seconds())
	scalar("tenantscan_last_run_timestamp_seconds", "When the last scan finished (Unix time).", float64(r.FinishedAt.Unix()))
	success := 0.0
	if r.Errors() == 0 {
		success = float64(r.FinishedAt.Unix())
	}
	scalar(lastSuccessMetric, "When the last scan without errors finished (Unix time).", success)
	controls := r.ControlsByID()
	err := r.EachTenant(func(t *report.Tenant) error {
		id, name, snap := labelValue(t.TenantID), labelValue(report.TenantName(*t)), labelValue(t.Snapshot)
		tenantError.WithLabelValues(id, name, snap).Set(boolValue(t.Status == report.TenantError))
		ready.WithLabelValues(id, name, snap).Set(boolValue(t.Readiness.Ready))
		readiness.WithLabelValues(id, name, snap, t.Readiness.Verdict()).Set(1)
		for _, c := range t.Controls {
			controlStatus.WithLabelValues(id, name, snap, c.ID, c.Status).Set(1)
			n := 0
			for _, f := range c.Findings {
				if c.Fails(f) {
					n++
				}
			}
			failures.WithLabelValues(id, name, snap, c.ID, controls[c.ID].Severity).Set(float64(n))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range families {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

// TestMetricsLinesAsTheRegistryWrote: the streamed metrics file holds,
// byte for byte, the lines the client_golang registry wrote (families in
// the same order); only the order of the series within a family changed
// (report order instead of sorted by label values).
func TestMetricsLinesAsTheRegistryWrote(t *testing.T) {
	t.Parallel()
	for _, tc := range metricsReports(t) {
		r := tc.r
		t.Run(tc.name, func(t *testing.T) {
			got, want := metricsText(t, r), registryMetrics(t, r)
			headers := func(text string) (h []string) {
				for _, l := range strings.Split(text, "\n") {
					if strings.HasPrefix(l, "# ") {
						h = append(h, l)
					}
				}
				return h
			}
			if g, w := headers(got), headers(want); !slices.Equal(g, w) {
				t.Errorf("families or their order differ:\n got %q\nwant %q", g, w)
			}
			g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
			slices.Sort(g)
			slices.Sort(w)
			if !slices.Equal(g, w) {
				t.Errorf("the lines differ from the registry's:\n--- streamed\n%s\n--- registry\n%s", got, want)
			}
		})
	}
}

// TestMetricsStreamFromSpool writes the metrics of a spooled report of
// 10,000 tenants (2,000 under the race detector; three controls each, so
// about 90,000 series) with the bound of the report writers'
// TestWritersStreamFromSpool: the heap grows by a few tenants' worth, not
// by the series of the run.
func TestMetricsStreamFromSpool(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 10,000 tenants")
	}
	r := reporttest.Spooled(t, reporttest.StreamTenants, 10, reporttest.StreamEvidence)
	const bound = 24 << 20
	path := filepath.Join(t.TempDir(), "none.prom")
	var werr error
	grew := reporttest.PeakHeapGrowth(func() { werr = writeMetrics(io.Discard, path, r) })
	if werr != nil {
		t.Fatal(werr)
	}
	t.Logf("metrics: heap grew by %.1f MB", float64(grew)/1e6)
	if grew > bound {
		t.Errorf("the heap grew by %.0f MB writing the metrics of %d spooled tenants, want at most %d MB: the metrics hold every series", float64(grew)/1e6, reporttest.StreamTenants, bound>>20)
	}
}

// BenchmarkMetricsSpooled writes the metrics of a spooled report of 2,000
// tenants (ten findings of a kilobyte of evidence each): the cost of the
// passes over the spool.
func BenchmarkMetricsSpooled(b *testing.B) {
	r := reporttest.Spooled(b, 2_000, 10, 1_000)
	path := filepath.Join(b.TempDir(), "none.prom")
	for b.Loop() {
		if err := writeMetrics(io.Discard, path, r); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMetricsLeaveNothingInTmpdir: the families that wait for their turn
// in $TMPDIR leave no file there, open or not, whether the metrics are
// written or their output fails.
func TestMetricsLeaveNothingInTmpdir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	r := reporttest.Audit()
	if err := writeMetrics(io.Discard, filepath.Join(t.TempDir(), "none.prom"), r); err != nil {
		t.Fatal(err)
	}
	if err := writeMetrics(failingWriter{}, filepath.Join(t.TempDir(), "none.prom"), r); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("a failing output gave %v, want its error", err)
	}
	if open, _ := openfiles.Under(tmp); len(open) != 0 {
		t.Errorf("left open: %v", open)
	}
	if left, err := os.ReadDir(tmp); err != nil || len(left) != 0 {
		t.Errorf("left in TMPDIR: %v %v", left, err)
	}
}

// failingWriter is a writer (a file, standard output) that refuses every
// write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
