package history

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/tenantscan/tenantscan/report"
)

// Finding states.
const (
	StateOpen     = "open"     // failing (or warning), no live waiver
	StateWaived   = "waived"   // covered by a live waiver
	StateResolved = "resolved" // gone from a run that evaluated its control
)

// Finding events: what changed in a run.
const (
	EventNew      = "new"      // first seen
	EventResolved = "resolved" // gone
	EventRecurred = "recurred" // back after being resolved
	EventWaived   = "waived"   // a waiver now covers it (or another waiver)
	EventReopened = "reopened" // its waiver expired or was removed
)

// Run describes one run, or one shard of a run, as Record writes it.
type Run struct {
	// ID is shared by the shards of one job; empty means a new random id.
	ID string
	// At is the run's date in the history (lifecycle dates, ages, MTTR,
	// --as-of); the first shard to be recorded sets it for the run.
	At                    time.Time
	StartedAt, FinishedAt time.Time
	ToolVersion           string
	PolicyHash, DataHash  string
	Parameters            []report.Parameter
	ExitCode              int
	// ShardIndex of ShardCount, 1-based; 0 of 0 means not sharded (1/1).
	ShardIndex, ShardCount int
	// NoWait makes Begin fail at once with ErrBusy, rather than wait up
	// to BusyTimeout, when another writer holds a SQLite history.
	NoWait bool
	// BeforeCommit, when set, is called once every tenant is written,
	// before the run is committed; an error from it rolls the run back
	// and Record returns that error as it is. The scan records while its
	// reports are written and commits only when they were.
	BeforeCommit func() error
}

// Recorded is what Record wrote.
type Recorded struct {
	RunID   string
	Seq     int64 // the run's number in this database
	Tenants int   // tenant rows
	Changes int   // finding events: what changed since the last run
}

// batchRows is how many rows one INSERT carries.
const batchRows = 400

// NewRunID returns a random run id.
func NewRunID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// Record writes a run in one transaction: each calls its argument with
// every tenant of the run in turn (report.Report.EachTenant does; a
// tenant must stay valid after the call returns, as the next is read
// while it is written), and Record stores the tenant's row and the
// changes of its findings, so memory holds a tenant or two at a time.
// Until Record returns nothing of the run is visible; on error nothing is
// written. controls give each finding its severity. It is Begin, Tenant
// for each tenant, and Commit.
//
// A finding changes only in a tenant and control evaluated in this run:
// a tenant in error, or a control in error or skipped, leaves its
// findings as they were (open ones are not resolved).
func (s *Store) Record(ctx context.Context, run Run, controls []report.Control, each func(func(*report.Tenant) error) error) (Recorded, error) {
	r, err := s.Begin(ctx, run, controls)
	if err != nil {
		return Recorded{RunID: run.ID}, err
	}
	defer r.Abort()
	if err := pipeline(each, r.Tenant); err != nil {
		return r.rec, s.wrap("record tenants", err)
	}
	return r.Commit(run)
}

// Recording is a run being written, one tenant at a time, in one
// transaction: Begin starts it, Tenant writes each tenant (the scan does
// as each finishes, so the history is written while the others are
// evaluated), Commit makes it visible, Abort drops it. Only the run's
// number is committed at Begin — shards of one job share it and must not
// wait for each other — and a run is visible only once a part of it is
// committed, so a run killed mid-way shows nothing. One goroutine at a
// time may use a Recording.
type Recording struct {
	s    *Store
	conn *sql.Conn
	tx   *sql.Tx
	w    *writer
	run  Run
	rec  Recorded
	// restore undoes the connection settings of the writer, before the
	// connection goes back to the pool.
	restore func()
}

// ErrOutOfOrder is Begin's error for a run dated before the last one
// recorded.
var ErrOutOfOrder = errors.New("runs are recorded in date order")

// ErrBusy is Begin's error, with Run.NoWait, when another writer holds a
// SQLite history.
var ErrBusy = errors.New("another tenantscan is writing this SQLite history")

// Begin starts writing a run: run's ID (empty: a new one), At and
// ShardIndex of ShardCount; the rest of it is given to Commit, once the
// run is over.
func (s *Store) Begin(ctx context.Context, run Run, controls []report.Control) (*Recording, error) {
	if run.ID == "" {
		run.ID = NewRunID()
	}
	if run.ShardIndex == 0 {
		run.ShardIndex, run.ShardCount = 1, 1 // not sharded: 1/1
	}
	r := &Recording{s: s, run: run, rec: Recorded{RunID: run.ID}, restore: func() {}}
	// One connection for the transaction, so that PostgreSQL's COPY (pgx,
	// beneath database/sql) runs inside it.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, s.wrap("connect", err)
	}
	r.conn = conn
	fail := func(what string, err error) (*Recording, error) {
		r.Abort()
		return nil, s.wrap(what, err)
	}
	if s.dialect == SQLite {
		// The writer keeps the references itself (PostgreSQL has no
		// foreign keys on these tables, schema version 2): SQLite's
		// per-row checks are off for this connection while it writes,
		// and on again before it goes back to the pool (prune's
		// cascades rely on them).
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return fail("connect", err)
		}
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, writerCacheKiB)); err != nil {
			return fail("connect", err)
		}
		restore := []string{`PRAGMA foreign_keys = ON`, `PRAGMA cache_size = -2000`}
		if run.NoWait {
			if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 0`); err != nil {
				return fail("connect", err)
			}
			restore = append(restore, fmt.Sprintf(`PRAGMA busy_timeout = %d`, BusyTimeout.Milliseconds()))
		}
		r.restore = func() {
			for _, q := range restore {
				conn.ExecContext(context.WithoutCancel(ctx), q) //nolint:errcheck // a failure closes the connection
			}
		}
	}
	busy := func(what string, err error) (*Recording, error) {
		if run.NoWait && isBusy(err) {
			r.Abort()
			return nil, ErrBusy
		}
		return fail(what, err)
	}
	// Nights are recorded in order: each run's changes are against the
	// state the last one left, so an older night filed after a newer one
	// would rewrite the present with the past.
	var last time.Time
	err = conn.QueryRowContext(ctx, `SELECT at FROM runs r WHERE run_id <> $1 AND `+recorded+` ORDER BY at DESC LIMIT 1`, run.ID).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return busy("read the last run", err)
	}
	if err == nil && utc(run.At).Truncate(24*time.Hour).Before(last.UTC().Truncate(24*time.Hour)) {
		r.Abort()
		return nil, fmt.Errorf("history %s: %w: this run is dated %s, the last recorded one %s (re-run an old night only into a history that ends before it)",
			s.where, ErrOutOfOrder, utc(run.At).Format(time.DateOnly), last.UTC().Format(time.DateOnly))
	}
	// The run's number, committed on its own: every shard of the job
	// reads the same one without waiting for another's transaction.
	if _, err := conn.ExecContext(ctx, `INSERT INTO runs (run_id, at) VALUES ($1, $2) ON CONFLICT (run_id) DO NOTHING`, run.ID, utc(run.At)); err != nil {
		return busy("record the run", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return busy("begin", err)
	}
	r.tx = tx
	r.w = &writer{store: s, tx: tx, conn: conn, ctx: ctx, dialect: s.dialect, severity: map[string]string{}, stmts: map[stmtKey]*sql.Stmt{}}
	for _, c := range controls {
		r.w.severity[c.ID] = c.Severity
	}
	if err := tx.QueryRowContext(ctx, `SELECT seq FROM runs WHERE run_id = $1`, run.ID).Scan(&r.w.seq); err != nil {
		return fail("record the run", err)
	}
	r.rec.Seq = r.w.seq
	// A shard recorded twice is refused before its tenants collide with
	// the first recording's (Commit's insert of the part checks again).
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM run_parts WHERE run_seq = $1 AND shard_index = $2`, r.w.seq, run.ShardIndex).Scan(&done); err != nil {
		return fail("record the run", err)
	}
	if done > 0 {
		r.Abort()
		return nil, r.recordedTwice()
	}
	return r, nil
}

// RunID is the run's id.
func (r *Recording) RunID() string { return r.run.ID }

// Tenant writes one tenant of the run: its row, and the changes of its
// findings. Each tenant (id and snapshot) is written once in a run.
func (r *Recording) Tenant(t *report.Tenant) error {
	return r.TenantWith(t, nil)
}

// TenantWith is Tenant with what the history had of the tenant before
// this run, read by Known beside the writer (the scan's workers read it
// for the first-seen dates anyway); nil reads it here.
func (r *Recording) TenantWith(t *report.Tenant, k *Known) error {
	n, err := r.w.tenant(t, k)
	if err != nil {
		return fmt.Errorf("tenant %s (%s): %w", t.TenantID, t.Snapshot, err)
	}
	r.rec.Tenants++
	r.rec.Changes += n
	return nil
}

// Commit writes the run's part (run gives its times, tool version,
// hashes, parameters, exit code; its ID, At and shard are Begin's) and,
// after run.BeforeCommit agrees, commits. The Recording is done then,
// committed or not.
func (r *Recording) Commit(run Run) (Recorded, error) {
	defer r.Abort()
	s, w := r.s, r.w
	params, _ := json.Marshal(run.Parameters)
	if _, err := r.tx.ExecContext(w.ctx, `INSERT INTO run_parts (run_seq, shard_index, shard_count, started_at, finished_at, tool_version, policy_hash, data_hash, parameters, exit_code)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		w.seq, r.run.ShardIndex, r.run.ShardCount, utc(run.StartedAt), utc(run.FinishedAt), run.ToolVersion, run.PolicyHash, run.DataHash, string(params), run.ExitCode); err != nil {
		if isUnique(err) {
			return r.rec, r.recordedTwice()
		}
		return r.rec, s.wrap("record the run", err)
	}
	if run.BeforeCommit != nil {
		if err := run.BeforeCommit(); err != nil {
			return r.rec, err
		}
	}
	if err := r.tx.Commit(); err != nil {
		return r.rec, s.wrap("commit", err)
	}
	return r.rec, nil
}

// recordedTwice is the error for a shard of a run recorded already.
func (r *Recording) recordedTwice() error {
	return fmt.Errorf("history %s: shard %d/%d of run %s is already recorded", r.s.where, r.run.ShardIndex, r.run.ShardCount, r.run.ID)
}

// Abort drops the run, unless it was committed, and releases the
// connection; it does nothing the second time.
func (r *Recording) Abort() {
	if r.conn == nil {
		return
	}
	if r.w != nil {
		r.w.close()
	}
	if r.tx != nil {
		r.tx.Rollback() //nolint:errcheck // after Commit it does nothing
	}
	r.restore()
	r.conn.Close()
	r.conn = nil
}

func (s *Store) wrap(what string, err error) error {
	if strings.Contains(err.Error(), "database is locked") || strings.Contains(err.Error(), "SQLITE_BUSY") {
		return fmt.Errorf("history %s: %s: another tenantscan is writing this SQLite file and did not finish within %s: %w", s.where, what, BusyTimeout, err)
	}
	return fmt.Errorf("history %s: %s: %w", s.where, what, err)
}

// pipeline calls write with every tenant each gives, in order, while each
// reads the next one: reading a tenant from the report's spool (decoding
// its JSON) costs about as much as writing it, and the two then overlap
// instead of adding up. At most two tenants are held at once: the one
// being written and the next. The first error stops both; write's wins.
func pipeline(each func(func(*report.Tenant) error) error, write func(*report.Tenant) error) error {
	next := make(chan *report.Tenant)
	stop := make(chan struct{})
	read := make(chan error, 1)
	go func() {
		defer close(next)
		read <- each(func(t *report.Tenant) error {
			select {
			case next <- t:
				return nil
			case <-stop:
				return errStopped
			}
		})
	}()
	var err error
	for t := range next {
		if err = write(t); err != nil {
			close(stop) // the reader, waiting to hand on the next, stops
			break
		}
	}
	if rerr := <-read; err == nil && rerr != nil {
		err = rerr
	}
	return err
}

// errStopped stops the reader of a pipeline whose writer failed.
var errStopped = errors.New("stopped")

func isUnique(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint") || strings.Contains(msg, "SQLSTATE 23505")
}

// writer writes the tenants of one run inside its transaction.
type writer struct {
	store    *Store
	ctx      context.Context
	tx       *sql.Tx
	conn     *sql.Conn // the transaction's connection
	dialect  string
	seq      int64
	severity map[string]string
	// stmts are the prepared INSERTs (SQLite).
	stmts map[stmtKey]*sql.Stmt
}

// known is a finding as the history has it.
type known struct {
	control, state, waiver, expires string
	firstSeen                       int64 // run
}

// current is a finding of this run.
type current struct {
	controlID string
	f         *report.Finding
	waived    bool
	waiver    string
	expires   string
}

// waiverKey names a waiver by what it matches.
func waiverKey(w *report.Waiver) string {
	return w.Control + " " + w.Tenant + " " + w.Resource
}

// tenant records one tenant: its row, and the changes of its findings.
// It returns the number of finding events.
func (w *writer) tenant(t *report.Tenant, k *Known) (int, error) {
	counts := map[string]int{}
	waived := 0
	evaluated := map[string]bool{}
	now := map[string]current{}
	var order []string // fingerprints in report order, for deterministic writes
	for ci := range t.Controls {
		c := &t.Controls[ci]
		// The counts follow the report's summary (ControlResult.Fails):
		// a control in error keeps the failures it established.
		for _, f := range c.Findings {
			if f.Waived() {
				waived++
			} else if c.Fails(f) {
				counts[w.severity[c.ID]]++
			}
		}
		if !report.Evaluated(c.Status) {
			continue
		}
		evaluated[c.ID] = true
		for fi := range c.Findings {
			f := &c.Findings[fi]
			fp := report.Fingerprint(t.TenantID, c.ID, f.Resource)
			cur := current{controlID: c.ID, f: f, waived: f.Waived()}
			if cur.waived {
				cur.waiver, cur.expires = waiverKey(f.Waiver), f.Waiver.Expires
			}
			if _, dup := now[fp]; !dup {
				order = append(order, fp)
			}
			now[fp] = cur
		}
	}
	changes := 0
	if t.Status != report.TenantError {
		var err error
		if changes, err = w.findings(t, k, now, order, evaluated); err != nil {
			return 0, err
		}
	}
	var errText *string
	if t.Error != nil {
		errText = t.Error
	}
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO tenant_runs (run_seq, tenant_id, snapshot, display_name, status, ready, blocking, exported_at, error, critical, high, medium, low, waived, changes)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		w.seq, t.TenantID, t.Snapshot, t.DisplayName, t.Status, t.Readiness.Ready, strings.Join(t.Readiness.Blocking, ","), exportedAt(t), errText,
		counts[report.SeverityCritical], counts[report.SeverityHigh], counts[report.SeverityMedium], counts[report.SeverityLow], waived, changes)
	if err != nil {
		return 0, err
	}
	return changes, nil
}

// findings compares a tenant's findings with the history and writes what
// changed.
func (w *writer) findings(t *report.Tenant, prior *Known, now map[string]current, order []string, evaluated map[string]bool) (int, error) {
	if prior == nil {
		var err error
		if prior, err = w.store.readKnown(w.ctx, w.tx, t.TenantID); err != nil {
			return 0, err
		}
	}
	had := prior.findings

	var inserts, events [][]any
	type update struct {
		fp, event string
		cur       current
	}
	var updates []update
	event := func(fp, ev, state, waiver, expires string) {
		events = append(events, []any{fp, w.seq, ev, state, nullable(waiver), nullable(expires)})
	}
	// In fingerprint order, so that the inserts walk the indexes keyed by
	// fingerprint from one end to the other rather than at random.
	slices.Sort(order)
	for _, fp := range order {
		cur := now[fp]
		state := StateOpen
		if cur.waived {
			state = StateWaived
		}
		k, ok := had[fp]
		var ev string
		switch {
		case !ok:
			f := cur.f
			inserts = append(inserts, []any{fp, t.TenantID, cur.controlID, f.Resource.Kind, f.Resource.ID, w.severity[cur.controlID], f.Warning, f.Message,
				state, w.seq, w.seq, nullable(cur.waiver), nullable(waiverField(f, "owner")), nullable(waiverField(f, "reason")), nullable(cur.expires),
				state, nullable(cur.waiver), nullable(cur.expires)})
			// Its "new" event is this row (first_*, the view finding_changes).
			continue
		case k.state == StateResolved:
			ev = EventRecurred
		case k.state == StateOpen && cur.waived:
			ev = EventWaived
		case k.state == StateWaived && !cur.waived:
			ev = EventReopened
		case k.state == StateWaived && (k.waiver != cur.waiver || k.expires != cur.expires):
			ev = EventWaived
		case k.state == StateOpen || k.state == StateWaived:
			continue // unchanged
		default:
			return 0, fmt.Errorf("finding %s: unknown state %q in the history (want %s, %s or %s)", fp, k.state, StateOpen, StateWaived, StateResolved)
		}
		updates = append(updates, update{fp: fp, event: ev, cur: cur})
		event(fp, ev, state, cur.waiver, cur.expires)
	}
	var resolved []string
	for fp, k := range had {
		if _, still := now[fp]; !still && k.state != StateResolved && evaluated[k.control] {
			resolved = append(resolved, fp)
		}
	}
	// Resolved ones in a stable order (map order is random).
	slices.Sort(resolved)
	for _, fp := range resolved {
		event(fp, EventResolved, StateResolved, "", "")
	}

	if err := w.insert(findingsTable, inserts); err != nil {
		return 0, err
	}
	for _, u := range updates {
		state := StateOpen
		if u.cur.waived {
			state = StateWaived
		}
		f := u.cur.f
		args := []any{state, nullable(u.cur.waiver), nullable(waiverField(f, "owner")), nullable(waiverField(f, "reason")), nullable(u.cur.expires), f.Message, u.fp}
		set := ""
		switch u.event {
		case EventRecurred:
			set, args = ", resolved_run = NULL, last_seen_run = NULL, opened_run = $8, reopened_run = $8", append(args, w.seq)
		case EventReopened:
			set, args = ", reopened_run = $8", append(args, w.seq)
		}
		q := `UPDATE findings SET state = $1, waiver = $2, waiver_owner = $3, waiver_reason = $4, waiver_expires = $5, message = $6` + set + ` WHERE fingerprint = $7`
		if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
			return 0, err
		}
	}
	if len(resolved) > 0 {
		// Last seen: the tenant's latest run before this one that
		// evaluated it.
		var lastSeen sql.NullInt64
		err := w.tx.QueryRowContext(w.ctx, `SELECT run_seq FROM tenant_runs WHERE tenant_id = $1 AND status <> 'error' AND run_seq < $2 ORDER BY run_seq DESC LIMIT 1`, t.TenantID, w.seq).Scan(&lastSeen)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
		for start := 0; start < len(resolved); start += batchRows {
			part := resolved[start:min(start+batchRows, len(resolved))]
			args := []any{w.seq, lastSeen}
			marks := make([]string, len(part))
			for i, fp := range part {
				args = append(args, fp)
				marks[i] = fmt.Sprintf("$%d", i+3)
			}
			if _, err := w.tx.ExecContext(w.ctx, `UPDATE findings SET state = 'resolved', resolved_run = $1, last_seen_run = $2 WHERE fingerprint IN (`+strings.Join(marks, ", ")+`)`, args...); err != nil {
				return 0, err
			}
		}
	}
	slices.SortFunc(events, func(a, b []any) int { return strings.Compare(a[0].(string), b[0].(string)) })
	if err := w.insert(eventsTable, events); err != nil {
		return 0, err
	}
	return len(inserts) + len(events), nil
}

// table names a table and its columns, for insert.
type table struct {
	name string
	cols []string
}

var (
	findingsTable = table{"findings",
		[]string{"fingerprint", "tenant_id", "control_id", "resource_kind", "resource_id", "severity", "warning", "message", "state", "first_seen_run", "opened_run", "waiver", "waiver_owner", "waiver_reason", "waiver_expires",
			"first_state", "first_waiver", "first_waiver_expires"}}
	eventsTable = table{"finding_events",
		[]string{"fingerprint", "run_seq", "event", "state", "waiver", "waiver_expires"}}
)

// insert writes rows into a table: on PostgreSQL with COPY (pgx's
// CopyFrom, inside the transaction), on SQLite in batches of multi-row
// VALUES with anonymous ? parameters (numbered $N ones make SQLite's
// parser quadratic in their count).
func (w *writer) insert(t table, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if w.dialect == Postgres {
		return w.conn.Raw(func(dc any) error {
			c, ok := dc.(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("COPY into %s: the connection is a %T, not pgx's", t.name, dc)
			}
			_, err := c.Conn().CopyFrom(w.ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(rows))
			return err
		})
	}
	// Every INSERT is a prepared statement of batchRows, batchRows/8 or 1
	// rows, prepared once per run and table: parsing a multi-row INSERT
	// anew for every batch was a sixth of a first run's time.
	args := make([]any, 0, min(len(rows), batchRows)*len(t.cols))
	for len(rows) > 0 {
		n := 1
		for _, size := range []int{batchRows, batchRows / 8} {
			if len(rows) >= size {
				n = size
				break
			}
		}
		args = args[:0]
		for _, row := range rows[:n] {
			args = append(args, row...)
		}
		rows = rows[n:]
		key := stmtKey{t.name, n}
		stmt := w.stmts[key]
		if stmt == nil {
			var err error
			if stmt, err = w.tx.PrepareContext(w.ctx, insertSQL(t, n)); err != nil {
				return err
			}
			w.stmts[key] = stmt
		}
		if _, err := stmt.ExecContext(w.ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// stmtKey names a prepared INSERT: its table and its number of rows.
type stmtKey struct {
	table string
	rows  int
}

// insertSQL is a SQLite INSERT of n rows into t.
func insertSQL(t table, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.cols)), ", ") + ")"
	return "INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
}

// close releases the writer's prepared statements.
func (w *writer) close() {
	for _, s := range w.stmts {
		s.Close()
	}
}

func waiverField(f *report.Finding, field string) string {
	if !f.Waived() {
		return ""
	}
	if field == "owner" {
		return f.Waiver.Owner
	}
	return f.Waiver.Reason
}

// nullable maps "" to NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// exportedAt is the snapshot's export time as the report gives it.
func exportedAt(t *report.Tenant) string { return t.ExportedAt }
