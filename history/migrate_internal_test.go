package history

import (
	"context"
	"testing"

	"github.com/tenantscan/tenantscan/internal/dbtest"
	"github.com/tenantscan/tenantscan/report"
)

// TestUpgradeFromVersion1: a history written at schema version 1 (foreign
// keys on the findings and events) opens at the current version with its
// findings intact, and records the next run; on PostgreSQL the findings'
// and events' foreign keys are gone.
func TestUpgradeFromVersion1(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := dbtest.URL(t, kind)
			s, err := open(url)
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.provider()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.UpTo(ctx, 1); err != nil {
				t.Fatal(err)
			}
			controls := []report.Control{{ID: "C-1", Severity: report.SeverityHigh}}
			tn := report.Tenant{TenantID: "t1", Snapshot: "t1.yaml", Status: report.StatusFail, Controls: []report.ControlResult{{ID: "C-1", Status: report.StatusFail,
				Findings: []report.Finding{{Message: "m", Resource: report.Resource{Kind: "user", ID: "a"}}}}}}
			each := func(fn func(*report.Tenant) error) error { t := tn; return fn(&t) }
			if _, err := s.Record(ctx, Run{}, controls, each); err != nil {
				t.Fatalf("record at version 1: %v", err)
			}
			s.Close()

			s, err = Open(ctx, url)
			if err != nil {
				t.Fatalf("open at version 1: %v", err)
			}
			defer s.Close()
			if v, err := s.Migrate(ctx); err != nil || v != SchemaVersion() {
				t.Fatalf("migrated to %d (%v), want %d", v, err, SchemaVersion())
			}
			if _, err := s.Record(ctx, Run{}, controls, each); err != nil {
				t.Fatalf("record after the upgrade: %v", err)
			}
			seen, err := s.FirstSeen(ctx, "t1")
			if err != nil || len(seen) != 1 {
				t.Fatalf("first seen after the upgrade: %v %v, want one finding", seen, err)
			}
			if kind == "postgres" {
				var n int
				if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('findings'::regclass, 'finding_events'::regclass)`).Scan(&n); err != nil || n != 0 {
					t.Errorf("findings and events keep %d foreign keys (%v), want none", n, err)
				}
			}
		})
	}
}

// TestRecordLeavesForeignKeysOn: Record turns SQLite's foreign-key checks
// off on its connection while it writes, and on again before the
// connection goes back to the pool, where prune's cascades need them.
func TestRecordLeavesForeignKeysOn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, dbtest.URL(t, SQLite))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.db.SetMaxOpenConns(1) // the one connection Record used
	tn := report.Tenant{TenantID: "t", Status: report.TenantFail, Controls: []report.ControlResult{{ID: "C-1", Status: report.StatusFail,
		Findings: []report.Finding{{Message: "m", Resource: report.Resource{Kind: "user", ID: "u"}}}}}}
	each := func(fn func(*report.Tenant) error) error { return fn(&tn) }
	if _, err := s.Record(ctx, Run{}, []report.Control{{ID: "C-1", Severity: report.SeverityHigh}}, each); err != nil {
		t.Fatal(err)
	}
	var on int
	if err := s.db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
		t.Errorf("foreign_keys = %d (%v) after Record, want 1", on, err)
	}
}

// TestSQLiteMemoryIsBounded: SQLite's soft heap limit is SQLiteMemory
// (scan lowers Go's share of a container's limit by it), and the writer's
// larger page cache goes back to the default before its connection
// returns to the pool.
func TestSQLiteMemoryIsBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := Open(ctx, dbtest.URL(t, SQLite))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.db.SetMaxOpenConns(1) // the one connection Record used
	tn := report.Tenant{TenantID: "t", Status: report.TenantPass}
	if _, err := s.Record(ctx, Run{}, nil, func(fn func(*report.Tenant) error) error { return fn(&tn) }); err != nil {
		t.Fatal(err)
	}
	var limit, cache int64
	if err := s.db.QueryRowContext(ctx, `PRAGMA soft_heap_limit`).Scan(&limit); err != nil || limit != SQLiteMemory {
		t.Errorf("soft_heap_limit = %d (%v), want %d", limit, err, SQLiteMemory)
	}
	if err := s.db.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil || cache != -2000 {
		t.Errorf("cache_size = %d (%v) after Record, want the default -2000", cache, err)
	}
}
