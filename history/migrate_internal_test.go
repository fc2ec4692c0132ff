package history

import (
	"context"
	"testing"
	"time"

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
			// A run as version 1 stored it: the finding waived when first
			// seen, with its "new" event.
			fp := report.Fingerprint("t1", "C-1", report.Resource{Kind: "user", ID: "a"})
			for _, q := range []string{
				`INSERT INTO runs (run_id, at) VALUES ('v1', '2026-11-01 00:00:00')`,
				`INSERT INTO run_parts (run_seq, shard_index, shard_count, started_at, finished_at, tool_version, policy_hash, data_hash, parameters, exit_code)
VALUES (1, 1, 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00', 'v1', '', '', '[]', 0)`,
				`INSERT INTO tenant_runs (run_seq, tenant_id, snapshot, display_name, status, ready, blocking, exported_at, critical, high, medium, low, waived, changes)
VALUES (1, 't1', 't1.yaml', '', 'fail', false, '', '', 0, 0, 0, 0, 1, 1)`,
				`INSERT INTO findings (fingerprint, tenant_id, control_id, resource_kind, resource_id, severity, warning, message, state, first_seen_run, opened_run, waiver, waiver_expires)
VALUES ('` + fp + `', 't1', 'C-1', 'user', 'a', 'high', false, 'm', 'waived', 1, 1, 'C-1 t1 a', '2026-12-31')`,
				`INSERT INTO finding_events (fingerprint, run_seq, event, state, waiver, waiver_expires) VALUES ('` + fp + `', 1, 'new', 'waived', 'C-1 t1 a', '2026-12-31')`,
			} {
				if _, err := s.db.ExecContext(ctx, q); err != nil {
					t.Fatalf("write at version 1: %v\n%s", err, q)
				}
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
			// The first sight moved into the finding's row: the finding
			// was waived as of the first run, and its "new" event is
			// still one.
			var events int
			if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM finding_events`).Scan(&events); err != nil || events != 0 {
				t.Errorf("%d rows left in finding_events (%v), want none", events, err)
			}
			asOf, err := s.Findings(ctx, FindingFilter{AsOf: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), States: []string{StateOpen, StateWaived}})
			if err != nil || len(asOf) != 1 || asOf[0].State != StateWaived || asOf[0].Waiver != "C-1 t1 a" || asOf[0].WaiverExpires != "2026-12-31" {
				t.Fatalf("findings as of the version-1 run: %+v (%v), want the one waived until 2026-12-31", asOf, err)
			}
			if _, err := s.Record(ctx, Run{At: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}, controls, each); err != nil {
				t.Fatalf("record after the upgrade: %v", err)
			}
			// Tonight it is not waived: reopened.
			if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM finding_changes WHERE event = 'reopened'`).Scan(&events); err != nil || events != 1 {
				t.Errorf("%d reopened events (%v), want 1", events, err)
			}
			seen, err := s.Known(ctx, "t1")
			if err != nil || seen.Len() != 1 {
				t.Fatalf("known after the upgrade: %d findings (%v), want one", seen.Len(), err)
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

// TestRecordRestoresItsConnection: Record turns SQLite's foreign-key
// checks off on its connection while it writes, and raises its page
// cache; both go back before the connection returns to the pool, where
// prune's cascades need the checks and readers keep the default cache.
// SQLite's soft heap limit is SQLiteMemory (scan lowers Go's share of a
// container's limit by it).
func TestRecordRestoresItsConnection(t *testing.T) {
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
	for _, tc := range []struct {
		pragma string
		want   int64
	}{
		{"foreign_keys", 1},
		{"cache_size", -2000},
		{"soft_heap_limit", SQLiteMemory},
	} {
		var got int64
		if err := s.db.QueryRowContext(ctx, `PRAGMA `+tc.pragma).Scan(&got); err != nil || got != tc.want {
			t.Errorf("%s = %d (%v) after Record, want %d", tc.pragma, got, err, tc.want)
		}
	}
}

// TestDownFromVersion3: going back to version 2 puts every first sight
// back into finding_events as a "new" event, and up again takes it out.
func TestDownFromVersion3(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, err := Open(ctx, dbtest.URL(t, kind))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			tn := report.Tenant{TenantID: "t1", Status: report.TenantFail, Controls: []report.ControlResult{{ID: "C-1", Status: report.StatusFail,
				Findings: []report.Finding{{Message: "m", Resource: report.Resource{Kind: "user", ID: "a"}}, {Message: "m", Resource: report.Resource{Kind: "user", ID: "b"}}}}}}
			if _, err := s.Record(ctx, Run{}, []report.Control{{ID: "C-1", Severity: report.SeverityHigh}}, func(fn func(*report.Tenant) error) error { return fn(&tn) }); err != nil {
				t.Fatal(err)
			}
			p, err := s.provider()
			if err != nil {
				t.Fatal(err)
			}
			newEvents := func() (n int) {
				if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM finding_events WHERE event = 'new'`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			if n := newEvents(); n != 0 {
				t.Fatalf("%d new events stored at version 3, want none", n)
			}
			if _, err := p.DownTo(ctx, 2); err != nil {
				t.Fatal(err)
			}
			if n := newEvents(); n != 2 {
				t.Fatalf("%d new events after going down to version 2, want 2", n)
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatal(err)
			}
			if n := newEvents(); n != 0 {
				t.Fatalf("%d new events after going up again, want none", n)
			}
		})
	}
}
