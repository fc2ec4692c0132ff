package history

import (
	"context"
	"strings"

	"github.com/tenantscan/tenantscan/baseline"
	"github.com/tenantscan/tenantscan/report"
)

// Baseline is the history as a baseline: for each tenant, the findings it
// had in the last run that evaluated it (open or waived, not resolved).
// A tenant in error tonight keeps its findings of its last good night, so
// nothing comes back "new" when its export is fixed; and a control in
// error or skipped keeps its findings the same way. The store must stay
// open until the baseline's Resolved is called.
func (s *Store) Baseline(ctx context.Context) (*baseline.Baseline, error) {
	// The tenants with open or waived findings, in the order
	// activeFindings gives them; each is read again when it is marked.
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT tenant_id FROM findings WHERE state <> 'resolved' ORDER BY tenant_id`)
	if err != nil {
		return nil, s.wrap("read the baseline", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, s.wrap("read the baseline", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("read the baseline", err)
	}
	return baseline.From(ids, func(i int) (report.Tenant, error) {
		out := report.Tenant{TenantID: ids[i]}
		err := s.activeFindings(ctx, ids[i], func(t *report.Tenant) error { out = *t; return nil })
		if err != nil {
			return out, s.wrap("read the baseline of tenant "+ids[i], err)
		}
		return out, nil
	}), nil
}

// activeFindings calls fn with every tenant (or only tenantID) that has
// open or waived findings, one tenant at a time, its findings grouped by
// control in a stable order.
func (s *Store) activeFindings(ctx context.Context, tenantID string, fn func(*report.Tenant) error) error {
	q := `SELECT tenant_id, control_id, resource_kind, resource_id, message, warning, state, COALESCE(waiver, ''), COALESCE(waiver_owner, ''), COALESCE(waiver_reason, ''), COALESCE(waiver_expires, '')
FROM findings WHERE state <> 'resolved'`
	var args []any
	if tenantID != "" {
		q += ` AND tenant_id = $1`
		args = append(args, tenantID)
	}
	q += ` ORDER BY tenant_id, control_id, fingerprint`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var t *report.Tenant
	flush := func() error {
		if t == nil {
			return nil
		}
		err := fn(t)
		t = nil
		return err
	}
	for rows.Next() {
		var tid, cid, state, waiver, owner, reason, expires string
		var f report.Finding
		if err := rows.Scan(&tid, &cid, &f.Resource.Kind, &f.Resource.ID, &f.Message, &f.Warning, &state, &waiver, &owner, &reason, &expires); err != nil {
			return err
		}
		if t != nil && t.TenantID != tid {
			if err := flush(); err != nil {
				return err
			}
		}
		if t == nil {
			t = &report.Tenant{TenantID: tid}
		}
		if n := len(t.Controls); n == 0 || t.Controls[n-1].ID != cid {
			t.Controls = append(t.Controls, report.ControlResult{ID: cid, Status: report.StatusFail})
		}
		if state == StateWaived {
			f.Waiver = waiverFrom(waiver, owner, reason, expires)
		}
		c := &t.Controls[len(t.Controls)-1]
		c.Findings = append(c.Findings, f)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

// waiverFrom rebuilds a waiver from its key (control, tenant, resource).
func waiverFrom(key, owner, reason, expires string) *report.Waiver {
	w := &report.Waiver{Owner: owner, Reason: reason, Expires: expires}
	parts := append(strings.SplitN(key, " ", 3), "", "")
	w.Control, w.Tenant, w.Resource = parts[0], parts[1], parts[2]
	return w
}
