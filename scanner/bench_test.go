package scanner

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/tenantscan/tenantscan/internal/synthetic"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/snapshot"
)

// BenchmarkEvaluateUsers evaluates the whole catalogue on tenants of 1k,
// 10k, 50k and 100k users; ns/op divided by the size should stay about flat
// (linear time) because every join is indexed.
func BenchmarkEvaluateUsers(b *testing.B) {
	e := newTestEngine(b, policy.EngineOptions{})
	for _, n := range []int{1_000, 10_000, 50_000, 100_000} {
		input := ast.MustInterfaceToValue(synthetic.Tenant(n))
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			for b.Loop() {
				results, err := e.Evaluate(context.Background(), input)
				if err != nil {
					b.Fatal(err)
				}
				if results[5].ID != "O365G-006" || len(results[5].Findings) != n/50 {
					b.Fatalf("O365G-006: %d findings, want %d", len(results[5].Findings), n/50)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/user")
		})
	}
}

// TestSyntheticTenantVerdicts keeps the benchmark honest: the synthetic
// tenant's verdicts are the expected ones.
func TestSyntheticTenantVerdicts(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, policy.EngineOptions{})
	results, err := e.Evaluate(context.Background(), ast.MustInterfaceToValue(synthetic.Tenant(1000)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"O365G-005": "fail:50", "O365G-006": "fail:20", "O365G-009": "skip", "O365G-013": "skip", "O365G-018": "fail:50"}
	for _, r := range results {
		got := r.Status
		if r.Status == report.StatusFail {
			got = fmt.Sprintf("fail:%d", len(r.Findings))
		}
		w, ok := want[r.ID]
		if !ok {
			w = report.StatusPass
		}
		if got != w {
			t.Errorf("%s = %s, want %s", r.ID, got, w)
		}
	}
}

// BenchmarkScanCorpus scans the corpus in $TENANTSCAN_BENCH_CORPUS (made by
// `make bench` with fixtures/gen) on all cores, as `tenantscan scan` does,
// and reports snapshots/s and MB/s. Without the variable it is skipped.
func BenchmarkScanCorpus(b *testing.B) {
	dir := os.Getenv("TENANTSCAN_BENCH_CORPUS")
	if dir == "" {
		b.Skip("set TENANTSCAN_BENCH_CORPUS to a folder made by go run ./fixtures/gen (make bench does)")
	}
	sources := snapshot.Discover([]string{dir})
	var size int64
	for _, s := range sources {
		if fi, err := os.Stat(s.Name); err == nil {
			size += fi.Size()
		}
	}
	if len(sources) == 0 {
		b.Fatalf("no snapshots in %s", dir)
	}
	e := newTestEngine(b, policy.EngineOptions{})
	b.ResetTimer()
	for b.Loop() {
		rep := mustScan(b, context.Background(), e, sources, Options{SpoolDir: b.TempDir()})
		if rep.Summary.Error > 0 {
			b.Fatalf("%d snapshots in error", rep.Summary.Error)
		}
		rep.Close()
	}
	per := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(len(sources))/per, "snapshots/s")
	b.ReportMetric(float64(size)/1e6/per, "MB/s")
}
