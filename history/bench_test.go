package history_test

import (
	"context"
	"fmt"
	"strings"
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
			url := dbtest.URL(b, kind)
			s := open(b, url)
			if _, err := s.Record(context.Background(), history.Run{}, controls, each(ts...)); err != nil {
				b.Fatal(err)
			}
			first := dbSize(b, url)
			for b.Loop() {
				if _, err := s.Record(context.Background(), history.Run{}, controls, each(ts...)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(tenants*findings)*float64(b.N)/b.Elapsed().Seconds(), "findings/s")
			b.ReportMetric(float64(first), "first-run-db-bytes")
			b.ReportMetric(float64(dbSize(b, url)-first)/float64(b.N), "db-bytes/quiet-run")
		})
	}
}

// dbSize is the size of the history's data: pages in use (SQLite, after
// a checkpoint), or the database's size on disk (PostgreSQL, after a
// VACUUM so that dead rows do not count).
func dbSize(b *testing.B, url string) int64 {
	db := rawDB(b, url)
	var n int64
	if strings.HasPrefix(url, "sqlite:") {
		var pages, size, free int64
		db.QueryRow(`PRAGMA page_count`).Scan(&pages)
		db.QueryRow(`PRAGMA page_size`).Scan(&size)
		db.QueryRow(`PRAGMA freelist_count`).Scan(&free)
		return (pages - free) * size
	}
	db.Exec(`VACUUM`)
	db.QueryRow(`SELECT pg_database_size(current_database())`).Scan(&n)
	return n
}
