package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tenantscan/tenantscan/report"
)

// RunRow is one run with its counts, as `history runs` lists it.
type RunRow struct {
	Seq         int64     `json:"seq"`
	RunID       string    `json:"runId"`
	At          time.Time `json:"at"`
	Shards      int       `json:"shards"`     // shards recorded
	ShardCount  int       `json:"shardCount"` // shards the job has
	ExitCode    int       `json:"exitCode"`   // the highest of its shards
	ToolVersion string    `json:"toolVersion"`
	Tenants     int       `json:"tenants"`
	Errors      int       `json:"errors"`
	Ready       int       `json:"ready"`
	Critical    int       `json:"critical"`
	High        int       `json:"high"`
	Medium      int       `json:"medium"`
	Low         int       `json:"low"`
	Changes     int       `json:"changes"`
}

// recorded holds for a run r of which a part is committed: a run's
// number is committed before its tenants are (see Recording), and one
// that never got further — killed, failed, still running — is not shown.
const recorded = `EXISTS (SELECT 1 FROM run_parts p WHERE p.run_seq = r.seq)`

// Runs lists the last limit runs (all when limit < 1), newest first.
func (s *Store) Runs(ctx context.Context, limit int) ([]RunRow, error) {
	q := `SELECT r.seq, r.run_id, r.at,
  (SELECT COUNT(*) FROM run_parts p WHERE p.run_seq = r.seq),
  (SELECT COALESCE(MAX(shard_count), 0) FROM run_parts p WHERE p.run_seq = r.seq),
  (SELECT COALESCE(MAX(exit_code), 0) FROM run_parts p WHERE p.run_seq = r.seq),
  (SELECT COALESCE(MAX(tool_version), '') FROM run_parts p WHERE p.run_seq = r.seq),
  COUNT(t.tenant_id),
  COALESCE(SUM(CASE WHEN t.status = 'error' THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN t.ready THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(t.critical), 0), COALESCE(SUM(t.high), 0), COALESCE(SUM(t.medium), 0), COALESCE(SUM(t.low), 0),
  COALESCE(SUM(t.changes), 0)
FROM runs r LEFT JOIN tenant_runs t ON t.run_seq = r.seq
WHERE ` + recorded + `
GROUP BY r.seq, r.run_id, r.at
ORDER BY r.seq DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, s.wrap("list runs", err)
	}
	defer rows.Close()
	var out []RunRow
	for rows.Next() {
		var r RunRow
		if err := rows.Scan(&r.Seq, &r.RunID, &r.At, &r.Shards, &r.ShardCount, &r.ExitCode, &r.ToolVersion, &r.Tenants, &r.Errors, &r.Ready,
			&r.Critical, &r.High, &r.Medium, &r.Low, &r.Changes); err != nil {
			return nil, s.wrap("list runs", err)
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, s.wrapNil("list runs", rows.Err())
}

func (s *Store) wrapNil(what string, err error) error {
	if err == nil {
		return nil
	}
	return s.wrap(what, err)
}

// TenantRow is one tenant in one run, as `history tenant` lists it.
type TenantRow struct {
	RunID      string    `json:"runId"`
	At         time.Time `json:"at"`
	Snapshot   string    `json:"snapshot"`
	Status     string    `json:"status"`
	Ready      bool      `json:"ready"`
	Blocking   string    `json:"blocking"`
	ExportedAt string    `json:"exportedAt"`
	Critical   int       `json:"critical"`
	High       int       `json:"high"`
	Medium     int       `json:"medium"`
	Low        int       `json:"low"`
	Waived     int       `json:"waived"`
	Changes    int       `json:"changes"`
	Error      string    `json:"error,omitempty"`
}

// Tenant lists a tenant's runs, oldest first (the last limit when limit
// > 0).
func (s *Store) Tenant(ctx context.Context, tenantID string, limit int) ([]TenantRow, error) {
	q := `SELECT r.run_id, r.at, t.snapshot, t.status, t.ready, t.blocking, t.exported_at, t.critical, t.high, t.medium, t.low, t.waived, t.changes, COALESCE(t.error, '')
FROM tenant_runs t JOIN runs r ON r.seq = t.run_seq WHERE t.tenant_id = $1 ORDER BY r.seq DESC, t.snapshot`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := s.db.QueryContext(ctx, q, tenantID)
	if err != nil {
		return nil, s.wrap("tenant history", err)
	}
	defer rows.Close()
	var out []TenantRow
	for rows.Next() {
		var r TenantRow
		if err := rows.Scan(&r.RunID, &r.At, &r.Snapshot, &r.Status, &r.Ready, &r.Blocking, &r.ExportedAt, &r.Critical, &r.High, &r.Medium, &r.Low, &r.Waived, &r.Changes, &r.Error); err != nil {
			return nil, s.wrap("tenant history", err)
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("tenant history", err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// FindingFilter selects findings.
type FindingFilter struct {
	TenantID, ControlID, Severity string
	// AsOf, when set, answers as of the end of that day (UTC): the state
	// each finding had after the last run recorded on or before it.
	AsOf time.Time
	// States to list; none means open only.
	States []string
}

// FindingRow is one finding and its lifecycle.
type FindingRow struct {
	Fingerprint   string     `json:"fingerprint"`
	TenantID      string     `json:"tenantId"`
	ControlID     string     `json:"controlId"`
	Severity      string     `json:"severity"`
	ResourceKind  string     `json:"resourceKind"`
	ResourceID    string     `json:"resourceId"`
	Message       string     `json:"message"`
	State         string     `json:"state"`
	FirstSeen     time.Time  `json:"firstSeen"`
	Opened        time.Time  `json:"opened"`             // start of the current open spell (first seen, or recurred)
	Resolved      *time.Time `json:"resolved,omitempty"` // when State is resolved
	AgeDays       int        `json:"ageDays"`            // whole days from Opened to the as-of date (or to resolution)
	Waiver        string     `json:"waiver,omitempty"`
	WaiverExpires string     `json:"waiverExpires,omitempty"`
}

// ErrNoRuns means the history has no run on or before the date asked.
var ErrNoRuns = errors.New("no run recorded")

// Findings lists findings by their state as of the last run (or of
// f.AsOf), ordered by tenant, control and resource. Each row's state is
// read from the finding's events, so any date in the history answers the
// same way as its own night did.
func (s *Store) Findings(ctx context.Context, f FindingFilter) ([]FindingRow, error) {
	var at time.Time
	var seq int64
	q := `SELECT seq, at FROM runs r WHERE ` + recorded + ` ORDER BY seq DESC LIMIT 1`
	var args []any
	if !f.AsOf.IsZero() {
		q = `SELECT seq, at FROM runs r WHERE at < $1 AND ` + recorded + ` ORDER BY at DESC, seq DESC LIMIT 1`
		args = append(args, utc(f.AsOf).Truncate(24*time.Hour).Add(24*time.Hour))
	}
	if err := s.db.QueryRowContext(ctx, q, args...).Scan(&seq, &at); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNoRuns
		}
		return nil, s.wrap("findings", err)
	}
	ref := at.UTC()
	if !f.AsOf.IsZero() {
		ref = utc(f.AsOf).Truncate(24 * time.Hour)
	}
	states := f.States
	if len(states) == 0 {
		states = []string{StateOpen}
	}
	args = []any{seq}
	var where []string
	in := make([]string, len(states))
	for i, st := range states {
		args = append(args, st)
		in[i] = fmt.Sprintf("$%d", len(args))
	}
	where = append(where, "e.state IN ("+strings.Join(in, ", ")+")")
	for col, v := range map[string]string{"f.tenant_id": f.TenantID, "f.control_id": f.ControlID, "f.severity": f.Severity} {
		if v != "" {
			args = append(args, v)
			where = append(where, fmt.Sprintf("%s = $%d", col, len(args)))
		}
	}
	q = `SELECT f.fingerprint, f.tenant_id, f.control_id, f.severity, f.resource_kind, f.resource_id, f.message, e.state,
  first.at, opened.at, er.at, COALESCE(e.waiver, ''), COALESCE(e.waiver_expires, '')
FROM findings f
JOIN finding_changes e ON e.fingerprint = f.fingerprint
  AND e.run_seq = (SELECT MAX(x.run_seq) FROM finding_changes x WHERE x.fingerprint = f.fingerprint AND x.run_seq <= $1)
JOIN runs er ON er.seq = e.run_seq
JOIN runs first ON first.seq = f.first_seen_run
JOIN runs opened ON opened.seq = (SELECT MAX(o.run_seq) FROM finding_changes o WHERE o.fingerprint = f.fingerprint AND o.run_seq <= $1 AND o.event IN ('new', 'recurred'))
WHERE ` + strings.Join(where, " AND ") + `
ORDER BY f.tenant_id, f.control_id, f.resource_kind, f.resource_id`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.wrap("findings", err)
	}
	defer rows.Close()
	var out []FindingRow
	for rows.Next() {
		var r FindingRow
		var eventAt time.Time
		if err := rows.Scan(&r.Fingerprint, &r.TenantID, &r.ControlID, &r.Severity, &r.ResourceKind, &r.ResourceID, &r.Message, &r.State,
			&r.FirstSeen, &r.Opened, &eventAt, &r.Waiver, &r.WaiverExpires); err != nil {
			return nil, s.wrap("findings", err)
		}
		r.FirstSeen, r.Opened = r.FirstSeen.UTC(), r.Opened.UTC()
		end := ref
		if r.State == StateResolved {
			e := eventAt.UTC()
			r.Resolved, end = &e, e
		}
		r.AgeDays = int(end.Sub(r.Opened).Hours() / 24)
		out = append(out, r)
	}
	return out, s.wrapNil("findings", rows.Err())
}

// MTTRRow is the time to resolve the findings of one control and
// severity: from the run that first saw them (or saw them come back) to
// the run that found them gone.
type MTTRRow struct {
	ControlID string  `json:"controlId"`
	Severity  string  `json:"severity"`
	Resolved  int     `json:"resolved"` // resolutions counted
	MeanDays  float64 `json:"meanDays"`
	MaxDays   float64 `json:"maxDays"`
	Open      int     `json:"open"` // findings open now, not counted above
}

// MTTR computes the mean and longest time to resolve, by control and
// severity, over every resolution in the history. Time spent waived
// counts: a waiver postpones a fix, it does not make one. Memory holds
// one row per control and severity: the events are read in order.
func (s *Store) MTTR(ctx context.Context) ([]MTTRRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.fingerprint, f.control_id, f.severity, f.state, e.event, r.at
FROM finding_changes e JOIN findings f ON f.fingerprint = e.fingerprint JOIN runs r ON r.seq = e.run_seq
WHERE e.event IN ('new', 'recurred', 'resolved')
ORDER BY f.control_id, f.severity, f.fingerprint, e.run_seq`)
	if err != nil {
		return nil, s.wrap("mttr", err)
	}
	defer rows.Close()
	var out []MTTRRow
	var cur *MTTRRow
	var total float64
	var opened time.Time
	finish := func() {
		if cur != nil {
			if cur.Resolved > 0 {
				cur.MeanDays = total / float64(cur.Resolved)
			}
			out = append(out, *cur)
		}
	}
	for rows.Next() {
		var fp, control, severity, state, event string
		var at time.Time
		if err := rows.Scan(&fp, &control, &severity, &state, &event, &at); err != nil {
			return nil, s.wrap("mttr", err)
		}
		if cur == nil || cur.ControlID != control || cur.Severity != severity {
			finish()
			cur, total = &MTTRRow{ControlID: control, Severity: severity}, 0
		}
		switch event {
		case EventNew, EventRecurred:
			opened = at
			if state != StateResolved && event == EventNew {
				cur.Open++ // counted once per finding, at its first event
			}
		case EventResolved:
			d := at.Sub(opened).Hours() / 24
			cur.Resolved++
			total += d
			cur.MaxDays = max(cur.MaxDays, d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("mttr", err)
	}
	finish()
	return out, nil
}

// Pruned counts what Prune deleted.
type Pruned struct {
	Runs       int64 `json:"runs"`
	TenantRows int64 `json:"tenantRows"`
	Findings   int64 `json:"findings"`
}

// Prune deletes what is older than before: findings resolved before it
// (with their events), the tenant rows and run details of older runs, and
// the older runs no remaining finding refers to. Findings still open keep
// their history, whatever its age.
func (s *Store) Prune(ctx context.Context, before time.Time) (Pruned, error) {
	var p Pruned
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return p, s.wrap("prune", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	cut := utc(before)
	old := `(SELECT seq FROM runs WHERE at < $1)`
	unreferenced := `(SELECT seq FROM runs WHERE at < $1
  AND seq NOT IN (SELECT run_seq FROM finding_events)
  AND seq NOT IN (SELECT first_seen_run FROM findings)
  AND seq NOT IN (SELECT opened_run FROM findings)
  AND seq NOT IN (SELECT last_seen_run FROM findings WHERE last_seen_run IS NOT NULL)
  AND seq NOT IN (SELECT reopened_run FROM findings WHERE reopened_run IS NOT NULL)
  AND seq NOT IN (SELECT resolved_run FROM findings WHERE resolved_run IS NOT NULL))`
	steps := []struct {
		n *int64
		q string
	}{
		{nil, `DELETE FROM finding_events WHERE fingerprint IN (SELECT fingerprint FROM findings WHERE state = 'resolved' AND resolved_run IN ` + old + `)`},
		{&p.Findings, `DELETE FROM findings WHERE state = 'resolved' AND resolved_run IN ` + old},
		{&p.TenantRows, `DELETE FROM tenant_runs WHERE run_seq IN ` + old},
		// A run a finding still refers to keeps its row and its parts (a
		// run is shown only with a part: see recorded); the others go.
		{nil, `DELETE FROM run_parts WHERE run_seq IN ` + unreferenced},
		{&p.Runs, `DELETE FROM runs WHERE seq IN ` + unreferenced},
	}
	for _, st := range steps {
		res, err := tx.ExecContext(ctx, st.q, cut)
		if err != nil {
			return p, s.wrap("prune", err)
		}
		if st.n != nil {
			*st.n, _ = res.RowsAffected()
		}
	}
	return p, s.wrapNil("prune", tx.Commit())
}

// Trend returns the last n runs as trend points, oldest first.
func (s *Store) Trend(ctx context.Context, n int) ([]report.TrendPoint, error) {
	runs, err := s.Runs(ctx, n)
	if err != nil {
		return nil, err
	}
	out := make([]report.TrendPoint, 0, len(runs))
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		out = append(out, report.TrendPoint{At: r.At, RunID: r.RunID, Tenants: r.Tenants, Ready: r.Ready, Errors: r.Errors,
			Findings: map[string]int{report.SeverityCritical: r.Critical, report.SeverityHigh: r.High, report.SeverityMedium: r.Medium, report.SeverityLow: r.Low}})
	}
	return out, nil
}
