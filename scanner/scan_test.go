package scanner

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tenantscan/tenantscan/internal/golden"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	jsonreport "github.com/tenantscan/tenantscan/report/format/json"
	"github.com/tenantscan/tenantscan/snapshot"
)

func fixedNow() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) }

func scanFixtures(t testing.TB, parallel int) *report.Report {
	t.Helper()
	e := newTestEngine(t, policy.EngineOptions{})
	sources := snapshot.Discover([]string{"../fixtures"})
	return mustScan(t, context.Background(), e, sources, Options{Parallel: parallel, ToolVersion: "test", Now: fixedNow})
}

// TestScanFixturesGolden scans each bundled fixture and compares its JSON
// report with testdata/golden/<fixture>.json (go test -update rewrites them).
func TestScanFixturesGolden(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, policy.EngineOptions{})
	for _, src := range snapshot.Discover([]string{"../fixtures"}) {
		name := strings.TrimSuffix(filepath.Base(src.Name), filepath.Ext(src.Name))
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rep := mustScan(t, context.Background(), e, []snapshot.Source{src}, Options{ToolVersion: "test", Now: fixedNow})
			var buf bytes.Buffer
			if err := (jsonreport.Writer{}).Write(&buf, rep); err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, filepath.Join("testdata", "golden", name+".json"), buf.Bytes())
		})
	}
}

// TestScanVerdicts states the expected verdict of every control on every
// fixture, so that a wrong golden file cannot hide a wrong verdict. Controls
// not listed must pass.
func TestScanVerdicts(t *testing.T) {
	t.Parallel()
	rep := scanFixtures(t, 2)
	const connectorSkips = "O365G-014=skip O365G-015=skip O365G-016=skip O365G-017=skip O365G-018=skip"
	type verdict struct {
		status   string
		blocking string
		controls string // id=status[:findings] of every control that does not pass
		errPart  string
	}
	want := map[string]verdict{
		"contoso-compliant.yaml": {status: "pass"},
		"export-contoso":         {status: "pass"},
		"northwind-ready.json": {status: "pass",
			controls: "O365G-005=skip O365G-009=skip O365G-013=skip O365G-017=skip O365G-018=skip"},
		"fabrikam-prerequisites.yaml": {status: "fail", blocking: "O365G-001 O365G-002 O365G-007 O365G-010",
			controls: "O365G-001=fail:1 O365G-002=fail:1 O365G-005=skip O365G-007=fail:1 O365G-009=fail:1 O365G-010=fail:1 " +
				"O365G-012=fail:1 O365G-013=warn:1 " + connectorSkips + " O365G-019=fail:1"},
		"litware-licensing.yaml": {status: "fail", blocking: "O365G-004 O365G-006",
			controls: "O365G-004=fail:4 O365G-005=fail:2 O365G-006=fail:4 O365G-013=skip " + connectorSkips},
		"tailspin-subscriptions.yaml": {status: "fail", blocking: "O365G-003 O365G-004 O365G-006 O365G-008",
			controls: "O365G-003=fail:1 O365G-004=fail:1 O365G-005=skip O365G-006=fail:1 O365G-008=fail:1 O365G-009=skip O365G-013=skip " + connectorSkips},
		"adatum-permissions.yaml": {status: "fail", blocking: "O365G-011",
			controls: "O365G-005=skip O365G-011=fail:3 O365G-013=skip " + connectorSkips},
		"relecloud-connectors.yaml": {status: "fail", blocking: "O365G-017 O365G-018",
			controls: "O365G-005=skip O365G-013=skip O365G-014=fail:1 O365G-015=fail:1 O365G-016=fail:1 O365G-017=fail:2 O365G-018=fail:1"},
		"woodgrove-partial-export.yaml": {status: "error",
			// Every control in error blocks readiness, whatever its severity.
			blocking: "O365G-003 O365G-004 O365G-005 O365G-006 O365G-007 O365G-008 O365G-009 O365G-019 O365G-010 O365G-011 O365G-012 O365G-013 O365G-014 O365G-015 O365G-016 O365G-017 O365G-018",
			errPart:  "woodgrove-partial-export.yaml: O365G-003, O365G-004, O365G-005",
			controls: "O365G-003=error O365G-004=error O365G-005=error O365G-006=error O365G-007=error O365G-008=error " +
				"O365G-009=error O365G-010=error O365G-011=error O365G-012=error O365G-013=error O365G-014=error " +
				"O365G-015=error O365G-016=error O365G-017=error O365G-018=error O365G-019=error"},
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
		if tn.Status != w.status || tn.Readiness.Ready != (w.blocking == "" && w.status != "error") || strings.Join(tn.Readiness.Blocking, " ") != w.blocking {
			t.Errorf("%s: status %s ready %v blocking %q, want %s blocking %q", name, tn.Status, tn.Readiness.Ready, strings.Join(tn.Readiness.Blocking, " "), w.status, w.blocking)
		}
		if len(tn.Controls) != len(rep.Controls) {
			t.Errorf("%s: %d control results, want every control once", name, len(tn.Controls))
		}
		if w.errPart != "" {
			if tn.Error == nil || !strings.Contains(*tn.Error, w.errPart) || !strings.Contains(*tn.Error, tn.Snapshot) {
				t.Errorf("%s: error %v, want it to name the file and contain %q", name, tn.Error, w.errPart)
			}
		}
		if strings.HasPrefix(name, "broken/") {
			continue
		}
		var got []string
		for _, c := range tn.Controls {
			switch c.Status {
			case report.StatusPass:
				if len(c.Findings) > 0 {
					t.Errorf("%s: %s passes with findings", name, c.ID)
				}
			case report.StatusFail, report.StatusWarn:
				got = append(got, fmt.Sprintf("%s=%s:%d", c.ID, c.Status, len(c.Findings)))
			default:
				got = append(got, c.ID+"="+c.Status)
			}
		}
		if strings.Join(got, " ") != w.controls {
			t.Errorf("%s:\n got %s\nwant %s", name, strings.Join(got, " "), w.controls)
		}
	}
	wantSummary := report.Summary{Tenants: 12, Pass: 3, Fail: 5, Error: 4, AgeUnknown: 1,
		Findings: map[string]int{"critical": 5, "high": 17, "medium": 7, "low": 1}}
	if !reflect.DeepEqual(rep.Summary, wantSummary) {
		t.Errorf("summary = %+v, want %+v", rep.Summary, wantSummary)
	}
	if got := rep.Failures("critical"); got != 5 {
		t.Errorf("Failures(critical) = %d, want 5", got)
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
	before := policy.Compilations()
	e := newTestEngine(t, policy.EngineOptions{})
	sources := snapshot.Discover([]string{"../fixtures", "../fixtures/contoso-compliant.yaml"})
	for i := 0; i < 5; i++ {
		rep := mustScan(t, context.Background(), e, sources, Options{Parallel: 4})
		if len(rep.Tenants) != len(sources) {
			t.Fatalf("%d tenants for %d sources", len(rep.Tenants), len(sources))
		}
	}
	if got := policy.Compilations() - before; got != 1 {
		t.Errorf("policies compiled %d times for 5 scans of %d snapshots, want 1", got, len(sources))
	}
}

func TestScanCancelled(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, policy.EngineOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := mustScan(t, ctx, e, snapshot.Discover([]string{"../fixtures/contoso-compliant.yaml"}), Options{})
	if rep.Tenants[0].Status != report.TenantError || !strings.Contains(*rep.Tenants[0].Error, "cancelled") {
		t.Errorf("cancelled scan: %+v", rep.Tenants[0])
	}
}

// BenchmarkEvaluate measures one snapshot's evaluation on a prepared engine.
func BenchmarkEvaluate(b *testing.B) {
	e := newTestEngine(b, policy.EngineOptions{})
	src := snapshot.Discover([]string{"../fixtures/fabrikam-prerequisites.yaml"})
	b.ResetTimer()
	for b.Loop() {
		rep := mustScan(b, context.Background(), e, src, Options{Parallel: 1})
		if rep.Tenants[0].Status != report.TenantFail {
			b.Fatal(rep.Tenants[0].Status)
		}
	}
}

// BenchmarkNewEngine measures compiling and preparing the policies, which a
// run does once.
func BenchmarkNewEngine(b *testing.B) {
	for b.Loop() {
		newTestEngine(b, policy.EngineOptions{})
	}
}

// TestFindingContract checks every finding of every fixture against the
// contract reports rely on: a message, the resource, its JSON pointer in the
// snapshot and the evidence.
func TestFindingContract(t *testing.T) {
	t.Parallel()
	rep := scanFixtures(t, 2)
	seen := 0
	for _, tn := range rep.Tenants {
		for _, c := range tn.Controls {
			for _, f := range c.Findings {
				seen++
				if f.Message == "" || f.Resource.Kind == "" || f.Resource.ID == "" || !strings.HasPrefix(f.Path, "/") || len(f.Evidence) == 0 {
					t.Errorf("%s %s: incomplete finding %+v", tn.Snapshot, c.ID, f)
				}
			}
			if (c.Status == report.StatusSkip || c.Status == report.StatusError) && (c.Reason == nil || *c.Reason == "") {
				t.Errorf("%s %s: %s without a reason", tn.Snapshot, c.ID, c.Status)
			}
		}
	}
	if seen < 30 {
		t.Errorf("only %d findings checked", seen)
	}
}

// mustScan scans and fails the test on a spool error; the report is
// closed when the test ends.
func mustScan(t testing.TB, ctx context.Context, e *policy.Engine, sources []snapshot.Source, opts Options) *report.Report {
	t.Helper()
	if opts.MemoryTenants == 0 {
		// These tests read rep.Tenants; the spool has tests of its own
		// (spool_test.go), as in internal/testscan.
		opts.MemoryTenants = -1
	}
	rep, err := Scan(ctx, e, sources, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close() })
	return rep
}
