package history

import (
	"context"
	"time"
)

// FirstSeen returns the date (YYYY-MM-DD, UTC) on which each finding of a
// tenant was first seen, by fingerprint: the date of the run that first
// recorded it, whatever happened since (resolved, recurred, waived). It
// holds one tenant's findings.
func (s *Store) FirstSeen(ctx context.Context, tenantID string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.fingerprint, r.at FROM findings f
JOIN runs r ON r.seq = f.first_seen_run WHERE f.tenant_id = $1`, tenantID)
	if err != nil {
		return nil, s.wrap("read first-seen dates", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var fp string
		var at time.Time
		if err := rows.Scan(&fp, &at); err != nil {
			return nil, s.wrap("read first-seen dates", err)
		}
		out[fp] = at.UTC().Format(time.DateOnly)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("read first-seen dates", err)
	}
	return out, nil
}
