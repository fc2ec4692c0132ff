package history

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Known is what the history has of one tenant's findings, as of the last
// committed run: each finding's control, state, waiver and the run that
// first saw it, by fingerprint. A scan reads it once per tenant, in its
// workers beside the run's writer, for the findings' first-seen dates,
// and hands it to Recording.TenantWith, which then does not read the
// same rows again.
type Known struct {
	findings map[string]known
	dates    map[int64]string // first-seen runs' dates
}

// FirstSeen is the date (YYYY-MM-DD, UTC) of the run that first recorded
// a finding, whatever happened since (resolved, recurred, waived); ""
// for one the history never saw.
func (k *Known) FirstSeen(fingerprint string) string {
	f, ok := k.findings[fingerprint]
	if !ok {
		return ""
	}
	return k.dates[f.firstSeen]
}

// Len is how many findings of the tenant the history has.
func (k *Known) Len() int {
	if k == nil {
		return 0
	}
	return len(k.findings)
}

// Known reads what the history has of a tenant's findings (see Known).
// It holds one tenant's findings.
func (s *Store) Known(ctx context.Context, tenantID string) (*Known, error) {
	return s.readKnown(ctx, s.db, tenantID)
}

// querier is a database or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readKnown reads a tenant's findings through q: the database (committed
// runs), or the writer's transaction.
func (s *Store) readKnown(ctx context.Context, q querier, tenantID string) (*Known, error) {
	rows, err := q.QueryContext(ctx, `SELECT fingerprint, control_id, state, COALESCE(waiver, ''), COALESCE(waiver_expires, ''), first_seen_run FROM findings WHERE tenant_id = $1`, tenantID)
	if err != nil {
		return nil, s.wrap("read the tenant's findings", err)
	}
	defer rows.Close()
	k := &Known{findings: map[string]known{}, dates: map[int64]string{}}
	for rows.Next() {
		var fp string
		var f known
		if err := rows.Scan(&fp, &f.control, &f.state, &f.waiver, &f.expires, &f.firstSeen); err != nil {
			return nil, s.wrap("read the tenant's findings", err)
		}
		k.findings[fp] = f
		k.dates[f.firstSeen] = ""
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("read the tenant's findings", err)
	}
	for seq := range k.dates {
		d, err := s.runDate(ctx, q, seq)
		if err != nil {
			return nil, err
		}
		k.dates[seq] = d
	}
	return k, nil
}

// runDate is a run's date (YYYY-MM-DD, UTC), read once per run and kept:
// a run's date never changes.
func (s *Store) runDate(ctx context.Context, q querier, seq int64) (string, error) {
	s.datesMu.Lock()
	d, ok := s.dates[seq]
	s.datesMu.Unlock()
	if ok {
		return d, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT at FROM runs WHERE seq = $1`, seq)
	if err != nil {
		return "", s.wrap("read a run's date", err)
	}
	defer rows.Close()
	var at time.Time
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return "", s.wrap("read a run's date", err)
		}
		return "", fmt.Errorf("history %s: a finding was first seen in run %d, which is not in the history", s.where, seq)
	}
	if err := rows.Scan(&at); err != nil {
		return "", s.wrap("read a run's date", err)
	}
	d = at.UTC().Format(time.DateOnly)
	s.datesMu.Lock()
	if s.dates == nil {
		s.dates = map[int64]string{}
	}
	s.dates[seq] = d
	s.datesMu.Unlock()
	return d, nil
}
