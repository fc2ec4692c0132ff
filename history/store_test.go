package history_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenantscan/tenantscan/history"
	"github.com/tenantscan/tenantscan/internal/dbtest"
	"github.com/tenantscan/tenantscan/report"
)

var controls = []report.Control{{ID: "C-1", Severity: report.SeverityHigh}, {ID: "C-2", Severity: report.SeverityLow}}

// tenant builds an evaluated tenant with n findings of C-1 (users u0…).
func tenant(id string, n int) report.Tenant {
	c := report.ControlResult{ID: "C-1", Status: report.StatusPass}
	for i := range n {
		c.Status = report.StatusFail
		c.Findings = append(c.Findings, report.Finding{Message: "m", Resource: report.Resource{Kind: "user", ID: fmt.Sprintf("u%d", i)}})
	}
	status := report.TenantPass
	if n > 0 {
		status = report.TenantFail
	}
	return report.Tenant{TenantID: id, Snapshot: id + ".yaml", Status: status, Controls: []report.ControlResult{c, {ID: "C-2", Status: report.StatusPass}}}
}

func each(ts ...report.Tenant) func(func(*report.Tenant) error) error {
	return func(fn func(*report.Tenant) error) error {
		for i := range ts {
			if err := fn(&ts[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

func day(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }

func open(t testing.TB, url string) *history.Store {
	t.Helper()
	s, err := history.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func forEachKind(t *testing.T, fn func(t *testing.T, url string)) {
	for _, kind := range dbtest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, dbtest.URL(t, kind))
		})
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct{ in, dialect, errText string }{
		{"history.db", history.SQLite, ""},
		{"sqlite:/var/lib/h.db", history.SQLite, ""},
		{"sqlite:", "", "names no file"},
		{"postgres://u:secret@db/h", history.Postgres, ""},
		{"postgresql://db/h", history.Postgres, ""},
		{"mysql://u:secret@db/h", "", "want sqlite:PATH"},
		{"", "", "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			d, _, err := history.ParseURL(tc.in)
			if tc.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errText) || strings.Contains(err.Error(), "secret") {
					t.Fatalf("error %v, want one with %q and no password", err, tc.errText)
				}
				return
			}
			if err != nil || d != tc.dialect {
				t.Fatalf("got %q, %v; want %q", d, err, tc.dialect)
			}
		})
	}
}

func TestNewerSchemaIsAnError(t *testing.T) {
	forEachKind(t, func(t *testing.T, url string) {
		s := open(t, url)
		s.Close()
		db := rawDB(t, url)
		if _, err := db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, true)`); err != nil {
			t.Fatal(err)
		}
		_, err := history.Open(context.Background(), url)
		if !errors.Is(err, history.ErrNewerSchema) || !strings.Contains(err.Error(), "version 99") {
			t.Fatalf("got %v, want ErrNewerSchema naming version 99", err)
		}
	})
}

func rawDB(t testing.TB, url string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", url
	if strings.HasPrefix(url, "sqlite:") {
		driver, dsn = "sqlite", strings.TrimPrefix(url, "sqlite:")
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A run that fails (or is killed) mid-way leaves nothing visible.
func TestFailedRunLeavesNothing(t *testing.T) {
	forEachKind(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		boom := errors.New("killed")
		_, err := s.Record(ctx, history.Run{At: day(1)}, controls, func(fn func(*report.Tenant) error) error {
			a := tenant("a", 3)
			if err := fn(&a); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Record: %v, want the each error", err)
		}
		runs, err := s.Runs(ctx, 0)
		if err != nil || len(runs) != 0 {
			t.Fatalf("runs after a failed run: %+v, %v; want none", runs, err)
		}
		if _, err := s.Findings(ctx, history.FindingFilter{}); !errors.Is(err, history.ErrNoRuns) {
			t.Fatalf("findings after a failed run: %v, want ErrNoRuns", err)
		}
	})
}

// Shards of one job writing at once record one run; SQLite writers wait
// for each other (busy timeout), PostgreSQL ones run side by side.
func TestShardsRecordOneRun(t *testing.T) {
	forEachKind(t, func(t *testing.T, url string) {
		// The database is empty: the shards migrate it at once too.
		const shards = 4
		var wg sync.WaitGroup
		errs := make([]error, shards)
		for k := range shards {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := history.Open(context.Background(), url)
				if err != nil {
					errs[k] = err
					return
				}
				defer s.Close()
				run := history.Run{ID: "job-1", At: day(1), ShardIndex: k + 1, ShardCount: shards}
				_, errs[k] = s.Record(context.Background(), run, controls, each(tenant(fmt.Sprintf("t%d", k), 200)))
			}()
		}
		wg.Wait()
		for k, err := range errs {
			if err != nil {
				t.Fatalf("shard %d: %v", k+1, err)
			}
		}
		runs, err := open(t, url).Runs(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 1 || runs[0].Shards != shards || runs[0].Tenants != shards || runs[0].High != shards*200 || runs[0].Changes != shards*200 {
			t.Fatalf("runs %+v, want one run of %d shards, %d tenants, %d high findings", runs, shards, shards, shards*200)
		}
		// The same shard again is refused, not counted twice.
		_, err = open(t, url).Record(context.Background(), history.Run{ID: "job-1", At: day(1), ShardIndex: 2, ShardCount: shards}, controls, each(tenant("t1", 1)))
		if err == nil || !strings.Contains(err.Error(), "shard 2/4 of run job-1 is already recorded") {
			t.Fatalf("recording shard 2 twice: %v", err)
		}
	})
}

// Growth per run follows the changes: a night where nothing changed adds
// no finding rows and no events, only the run and its tenant rows.
func TestStoresChangesOnly(t *testing.T) {
	forEachKind(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		counts := func() (findings, events int) {
			db := rawDB(t, url)
			db.QueryRow(`SELECT COUNT(*) FROM findings`).Scan(&findings)
			db.QueryRow(`SELECT COUNT(*) FROM finding_changes`).Scan(&events)
			return
		}
		nights := []struct {
			n            int
			wantChanges  int
			wantFindings int
			wantEvents   int
		}{
			{500, 500, 500, 500}, // all new
			{500, 0, 500, 500},   // nothing changed: nothing written
			{499, 1, 500, 501},   // one fixed: one event
			{500, 1, 500, 502},   // it came back: one event, same row
		}
		for i, n := range nights {
			rec, err := s.Record(ctx, history.Run{At: day(i + 1)}, controls, each(tenant("a", n.n)))
			if err != nil {
				t.Fatal(err)
			}
			f, e := counts()
			if rec.Changes != n.wantChanges || f != n.wantFindings || e != n.wantEvents {
				t.Errorf("night %d: %d changes, %d finding rows, %d events; want %d, %d, %d", i+1, rec.Changes, f, e, n.wantChanges, n.wantFindings, n.wantEvents)
			}
		}
		mttr, err := s.MTTR(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(mttr) != 1 || mttr[0].Resolved != 1 || mttr[0].MeanDays != 2 || mttr[0].Open != 500 {
			t.Errorf("mttr %+v, want u499 resolved after 2 days (seen day 1, gone day 3), 500 open", mttr)
		}
	})
}

func TestPrune(t *testing.T) {
	forEachKind(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		for i, n := range []int{3, 2, 2} { // u2 resolved on day 2
			if _, err := s.Record(ctx, history.Run{At: day(i + 1)}, controls, each(tenant("a", n))); err != nil {
				t.Fatal(err)
			}
		}
		// Before day 3: u2 (resolved on day 2) goes, and with it the
		// day-2 run, which no remaining finding refers to; the day-1 run
		// stays, u0 and u1 were first seen then.
		p, err := s.Prune(ctx, day(3))
		if err != nil {
			t.Fatal(err)
		}
		if p.Findings != 1 || p.TenantRows != 2 || p.Runs != 1 {
			t.Errorf("pruned %+v, want 1 finding, 2 tenant rows, 1 run (day 2)", p)
		}
		open, err := s.Findings(ctx, history.FindingFilter{})
		if err != nil || len(open) != 2 || !open[0].FirstSeen.Equal(day(1)) {
			t.Errorf("open after prune: %+v, %v; want u0 and u1, first seen day 1", open, err)
		}
		// Everything before day 10: the open findings and the runs they
		// refer to stay, and still answer.
		if _, err := s.Prune(ctx, day(10)); err != nil {
			t.Fatal(err)
		}
		if open, err := s.Findings(ctx, history.FindingFilter{}); err != nil || len(open) != 2 {
			t.Errorf("open after pruning every night: %+v, %v; want u0 and u1", open, err)
		}
		if runs, err := s.Runs(ctx, 0); err != nil || len(runs) == 0 {
			t.Errorf("runs after pruning every night: %+v, %v; want the ones the open findings refer to", runs, err)
		}
	})
}

// A run written tenant by tenant (the scan's live recording) is invisible
// until its commit: readers beside the writer — first-seen dates, the
// runs, the findings — see the history as it was before it.
func TestRecordingInvisibleUntilCommit(t *testing.T) {
	forEachKind(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		r, err := s.Begin(ctx, history.Run{At: day(1)}, controls)
		if err != nil {
			t.Fatal(err)
		}
		a := tenant("a", 3)
		if err := r.Tenant(&a); err != nil {
			t.Fatal(err)
		}
		if runs, err := s.Runs(ctx, 0); err != nil || len(runs) != 0 {
			t.Fatalf("runs while a run is written: %+v, %v; want none", runs, err)
		}
		if seen, err := s.Known(ctx, "a"); err != nil || seen.Len() != 0 {
			t.Fatalf("findings known while a run is written: %d, %v; want none", seen.Len(), err)
		}
		if _, err := s.Findings(ctx, history.FindingFilter{}); !errors.Is(err, history.ErrNoRuns) {
			t.Fatalf("findings while a run is written: %v, want ErrNoRuns", err)
		}
		rec, err := r.Commit(history.Run{StartedAt: day(1), FinishedAt: day(1)})
		if err != nil {
			t.Fatal(err)
		}
		if rec.Tenants != 1 || rec.Changes != 3 {
			t.Errorf("recorded %+v, want 1 tenant and 3 changes", rec)
		}
		if seen, err := s.Known(ctx, "a"); err != nil || seen.Len() != 3 {
			t.Fatalf("findings known after the commit: %d, %v; want 3", seen.Len(), err)
		}
		if runs, err := s.Runs(ctx, 0); err != nil || len(runs) != 1 || runs[0].Tenants != 1 {
			t.Fatalf("runs after the commit: %+v, %v; want one of one tenant", runs, err)
		}
	})
}

// With NoWait, Begin fails at once with ErrBusy while another run is
// being written to the same SQLite file (the scan then records after the
// scan, waiting as Record does); the other run is unharmed.
func TestBeginNoWaitOnABusySQLite(t *testing.T) {
	t.Parallel()
	url := dbtest.URL(t, "sqlite")
	s1, s2 := open(t, url), open(t, url)
	ctx := context.Background()
	r1, err := s1.Begin(ctx, history.Run{At: day(1)}, controls)
	if err != nil {
		t.Fatal(err)
	}
	// Waiting out the other writer would end in this context's deadline.
	noWait, cancel := context.WithTimeout(ctx, history.BusyTimeout/4)
	defer cancel()
	if _, err := s2.Begin(noWait, history.Run{At: day(1), NoWait: true}, controls); !errors.Is(err, history.ErrBusy) {
		t.Fatalf("Begin beside another writer: %v, want ErrBusy", err)
	}
	a := tenant("a", 2)
	if err := r1.Tenant(&a); err != nil {
		t.Fatal(err)
	}
	if _, err := r1.Commit(history.Run{}); err != nil {
		t.Fatal(err)
	}
	if runs, err := s2.Runs(ctx, 0); err != nil || len(runs) != 1 {
		t.Fatalf("runs: %+v, %v; want the first writer's", runs, err)
	}
}

// Nights are recorded in date order: a run dated before the last recorded
// one is refused (it would rewrite the present with the past), another
// run of the same day is not.
func TestRunsInDateOrder(t *testing.T) {
	forEachKind(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		if _, err := s.Record(ctx, history.Run{At: day(2)}, controls, each(tenant("a", 2))); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Record(ctx, history.Run{At: day(1)}, controls, each(tenant("a", 3))); !errors.Is(err, history.ErrOutOfOrder) {
			t.Fatalf("a night before the last: %v, want ErrOutOfOrder", err)
		}
		if _, err := s.Record(ctx, history.Run{At: day(2).Add(time.Hour)}, controls, each(tenant("a", 2))); err != nil {
			t.Fatalf("another run of the same day: %v", err)
		}
		open, err := s.Findings(ctx, history.FindingFilter{})
		if err != nil || len(open) != 2 {
			t.Errorf("open findings: %d (%v), want the 2 of day 2", len(open), err)
		}
	})
}

// OpenExisting reads and changes nothing: a SQLite file that is not there
// is ErrNoHistory (and is not created), an unmigrated database is
// ErrOlderSchema (and is not migrated); a migrated one opens.
func TestOpenExisting(t *testing.T) {
	forEachKind(t, func(t *testing.T, url string) {
		ctx := context.Background()
		want := history.ErrOlderSchema
		if strings.HasPrefix(url, "sqlite:") {
			want = history.ErrNoHistory
		}
		if _, err := history.OpenExisting(ctx, url); !errors.Is(err, want) {
			t.Fatalf("a database never written: %v, want %v", err, want)
		}
		if strings.HasPrefix(url, "sqlite:") {
			if _, err := os.Stat(strings.TrimPrefix(url, "sqlite:")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the file was created (%v)", err)
			}
		} else if _, err := history.OpenExisting(ctx, url); !errors.Is(err, history.ErrOlderSchema) {
			t.Errorf("read twice: %v, want still ErrOlderSchema (nothing migrated)", err)
		}
		open(t, url) // migrates
		s, err := history.OpenExisting(ctx, url)
		if err != nil {
			t.Fatalf("a migrated database: %v", err)
		}
		defer s.Close()
		if runs, err := s.Runs(ctx, 0); err != nil || len(runs) != 0 {
			t.Errorf("runs: %+v, %v; want none", runs, err)
		}
	})
}
