package history_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tenantscan/tenantscan/history"
	"github.com/tenantscan/tenantscan/internal/dbtest"
	"github.com/tenantscan/tenantscan/report"
)

// BenchmarkRecord writes runs of 20 tenants × 2,300 findings (the
// findings-heavy corpus of fixtures/gen -findings-heavy): "first" into an
// empty history (every finding new), "nightly" into one that has the
// same run already (nothing changed). ns/op is one run; compare with
// BenchmarkScanCorpus for the overhead of --history.
func BenchmarkRecord(b *testing.B) {
	const tenants, findings = 20, 2300
	ts := make([]report.Tenant, tenants)
	for i := range ts {
		ts[i] = tenant(fmt.Sprintf("%08d-1111-4222-8333-000000000000", i), findings)
	}
	for _, kind := range dbtest.Kinds {
		b.Run(kind+"/first", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := open(b, dbtest.URL(b, kind))
				b.StartTimer()
				if _, err := s.Record(context.Background(), history.Run{}, controls, each(ts...)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(tenants*findings)*float64(b.N)/b.Elapsed().Seconds(), "findings/s")
		})
		b.Run(kind+"/nightly", func(b *testing.B) {
			s := open(b, dbtest.URL(b, kind))
			if _, err := s.Record(context.Background(), history.Run{}, controls, each(ts...)); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.Record(context.Background(), history.Run{}, controls, each(ts...)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(tenants*findings)*float64(b.N)/b.Elapsed().Seconds(), "findings/s")
		})
	}
}
