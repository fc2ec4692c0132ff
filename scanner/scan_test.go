package scanner

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tenantscan/tenantscan/report"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func fixedNow() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) }

func scanFixtures(t testing.TB, parallel int) *report.Report {
	t.Helper()
	e := newTestEngine(t, EngineOptions{})
	sources := Discover([]string{"../fixtures"})
	return Scan(context.Background(), e, sources, Options{Parallel: parallel, ToolVersion: "test", Now: fixedNow})
}

// TestScanFixturesGolden scans every bundled fixture and compares the JSON
// report with testdata/scan-fixtures.golden.json (go test -update rewrites
// it).
func TestScanFixturesGolden(t *testing.T) {
	t.Parallel()
	rep := scanFixtures(t, 4)
	var buf bytes.Buffer
	if err := (report.JSON{}).Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "scan-fixtures.golden.json")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("report differs from %s (run go test ./scanner -update and review the diff):\n%s", golden, firstDiff(buf.String(), string(want)))
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(g), len(w))
}

// TestScanVerdicts states the expected verdicts of the fixtures directly,
// so that a wrong golden file cannot hide a wrong verdict.
func TestScanVerdicts(t *testing.T) {
	t.Parallel()
	rep := scanFixtures(t, 2)
	type verdict struct {
		status   string
		ready    bool
		blocking string
		controls string // id=status:findings, ...
		errPart  string
	}
	want := map[string]verdict{
		"contoso-compliant.yaml": {status: "pass", ready: true,
			controls: "O365G-001=pass:0 O365G-002=pass:0 O365G-004=pass:0"},
		"northwind-ready.json": {status: "pass", ready: true,
			controls: "O365G-001=pass:0 O365G-002=pass:0 O365G-004=pass:0"},
		"fabrikam-noncompliant.yaml": {status: "fail", ready: false, blocking: "O365G-001 O365G-002 O365G-004",
			controls: "O365G-001=fail:1 O365G-002=fail:1 O365G-004=fail:4"},
		"woodgrove-partial-export.yaml": {status: "error", ready: false, blocking: "O365G-004",
			controls: "O365G-001=pass:0 O365G-002=pass:0 O365G-004=error:0",
			errPart:  "O365G-004 could not be evaluated\nO365G-004: snapshot lacks subscriptions (not exported); snapshot lacks users (not exported)"},
		"broken/bad-yaml.yaml":           {status: "error", errPart: "bad-yaml.yaml:8: invalid YAML"},
		"broken/wrong-type.json":         {status: "error", errPart: "/users/0/accountEnabled: got string, want boolean"},
		"broken/dangling-reference.yaml": {status: "error", errPart: `/groups/0/connector/instance: connector instance "dangling-sale"`},
	}
	if len(rep.Tenants) != len(want) {
		t.Fatalf("%d tenants, want %d", len(rep.Tenants), len(want))
	}
	for _, tn := range rep.Tenants {
		name := strings.TrimPrefix(tn.Snapshot, "../fixtures/")
		w, ok := want[name]
		if !ok {
			t.Errorf("unexpected snapshot %s", tn.Snapshot)
			continue
		}
		if tn.Status != w.status || tn.Readiness.Ready != w.ready || strings.Join(tn.Readiness.Blocking, " ") != w.blocking {
			t.Errorf("%s: status %s ready %v blocking %v, want %s %v %q", name, tn.Status, tn.Readiness.Ready, tn.Readiness.Blocking, w.status, w.ready, w.blocking)
		}
		if len(tn.Controls) != 3 {
			t.Errorf("%s: %d control results, want every control once", name, len(tn.Controls))
		}
		if w.errPart != "" {
			if tn.Error == nil || !strings.Contains(*tn.Error, w.errPart) || !strings.Contains(*tn.Error, tn.Snapshot) {
				t.Errorf("%s: error %v, want it to name the file and contain %q", name, tn.Error, w.errPart)
			}
		}
		if w.controls == "" {
			continue
		}
		var got []string
		for _, c := range tn.Controls {
			got = append(got, fmt.Sprintf("%s=%s:%d", c.ID, c.Status, len(c.Findings)))
		}
		if strings.Join(got, " ") != w.controls {
			t.Errorf("%s: controls %s, want %s", name, strings.Join(got, " "), w.controls)
		}
	}
	wantSummary := report.Summary{Tenants: 7, Pass: 2, Fail: 1, Error: 4,
		Findings: map[string]int{"critical": 2, "high": 4, "medium": 0, "low": 0}}
	if !reflect.DeepEqual(rep.Summary, wantSummary) {
		t.Errorf("summary = %+v, want %+v", rep.Summary, wantSummary)
	}
	if got := rep.Failures("critical"); got != 2 {
		t.Errorf("Failures(critical) = %d, want 2", got)
	}
	if got := rep.Failures("low"); got != 6 {
		t.Errorf("Failures(low) = %d, want 6", got)
	}
}

// TestScanParallelMatchesSerial checks that the worker pool keeps the
// sources' order and gives the same results as one worker.
func TestScanParallelMatchesSerial(t *testing.T) {
	t.Parallel()
	serial, parallel := scanFixtures(t, 1), scanFixtures(t, 8)
	if !reflect.DeepEqual(serial.Tenants, parallel.Tenants) {
		t.Error("a parallel scan differs from a serial one")
	}
}

// TestScanCompilesOnce scans many snapshots and checks that the policies
// were compiled once for the run, not once per snapshot.
func TestScanCompilesOnce(t *testing.T) {
	// Not parallel: it reads a counter other tests move.
	before := compilations.Load()
	e := newTestEngine(t, EngineOptions{})
	sources := Discover([]string{"../fixtures", "../fixtures/contoso-compliant.yaml"})
	for i := 0; i < 5; i++ {
		rep := Scan(context.Background(), e, sources, Options{Parallel: 4})
		if len(rep.Tenants) != len(sources) {
			t.Fatalf("%d tenants for %d sources", len(rep.Tenants), len(sources))
		}
	}
	if got := compilations.Load() - before; got != 1 {
		t.Errorf("policies compiled %d times for 5 scans of %d snapshots, want 1", got, len(sources))
	}
}

func TestScanCancelled(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, EngineOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := Scan(ctx, e, Discover([]string{"../fixtures/contoso-compliant.yaml"}), Options{})
	if rep.Tenants[0].Status != report.TenantError || !strings.Contains(*rep.Tenants[0].Error, "cancelled") {
		t.Errorf("cancelled scan: %+v", rep.Tenants[0])
	}
}

// BenchmarkEvaluate measures one snapshot's evaluation on a prepared engine.
func BenchmarkEvaluate(b *testing.B) {
	e := newTestEngine(b, EngineOptions{})
	src := Discover([]string{"../fixtures/fabrikam-noncompliant.yaml"})
	b.ResetTimer()
	for b.Loop() {
		rep := Scan(context.Background(), e, src, Options{Parallel: 1})
		if rep.Tenants[0].Status != report.TenantFail {
			b.Fatal(rep.Tenants[0].Status)
		}
	}
}

// BenchmarkNewEngine measures compiling and preparing the policies, which a
// run does once.
func BenchmarkNewEngine(b *testing.B) {
	for b.Loop() {
		newTestEngine(b, EngineOptions{})
	}
}
