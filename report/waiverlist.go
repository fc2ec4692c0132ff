package report

import (
	"cmp"
	"fmt"
	"slices"
)

// Waiver states in Report.Waivers.
const (
	// WaiverUsed: the waiver is live and covers at least one finding.
	WaiverUsed = "used"
	// WaiverUnused: the waiver is live and matched nothing: a stale waiver
	// to remove.
	WaiverUnused = "unused"
	// WaiverExpired: the waiver's date has passed; the findings it matched
	// (Covers) count again.
	WaiverExpired = "expired"
)

// MaxWaiverCovers is the most findings a WaiverUse lists; Covers still
// counts them all, so a waiver whose glob matches thousands of findings
// keeps the report's size bounded.
const MaxWaiverCovers = 50

// WaiverUse is one waiver of the run and what became of it, for the
// auditor: the waiver itself (control, tenant and resource patterns,
// reason, owner, expiry, file and line), its state (used, unused or
// expired), how many findings it matched and the first of them.
type WaiverUse struct {
	Waiver
	State string `json:"state"`
	// Covers counts the findings the waiver matched (for an expired one,
	// the findings that count again because it expired); Findings lists
	// the first MaxWaiverCovers of them, in report order.
	Covers   int           `json:"covers"`
	Findings []WaiverCover `json:"findings"`
}

// WaiverCover is one finding a waiver matched.
type WaiverCover struct {
	TenantID    string `json:"tenantId"`
	Tenant      string `json:"tenant"` // display name, else tenant id, else snapshot
	ControlID   string `json:"controlId"`
	Resource    string `json:"resource"`
	Fingerprint string `json:"fingerprint"`
}

// waiverKey identifies a waiver across findings and shards.
func waiverKey(w Waiver) string {
	return fmt.Sprintf("%s:%d:%s:%s:%s", w.File, w.Line, w.Control, w.Tenant, w.Resource)
}

// ListWaivers lists every waiver of a run from its report: each waiver a
// finding carries (used, or expired when the finding's waiver has expired)
// and each of unused (those that matched nothing: unused, or expired when
// their date is before today, YYYY-MM-DD). It reads the tenants once, one
// at a time. The list is ordered by file and line.
func ListWaivers(r *Report, unused []Waiver, today string) ([]WaiverUse, error) {
	byKey := map[string]*WaiverUse{}
	var order []*WaiverUse
	get := func(w Waiver) *WaiverUse {
		k := waiverKey(w)
		if u, ok := byKey[k]; ok {
			return u
		}
		u := &WaiverUse{Waiver: w, Findings: []WaiverCover{}}
		byKey[k] = u
		order = append(order, u)
		return u
	}
	err := r.EachTenant(func(t *Tenant) error {
		for _, c := range t.Controls {
			for _, f := range c.Findings {
				if f.Waiver == nil {
					continue
				}
				u := get(*f.Waiver)
				u.Covers++
				if len(u.Findings) < MaxWaiverCovers {
					u.Findings = append(u.Findings, WaiverCover{TenantID: t.TenantID, Tenant: TenantName(*t), ControlID: c.ID,
						Resource: f.Resource.ID, Fingerprint: Fingerprint(t.TenantID, c.ID, f.Resource)})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list waivers: %w", err)
	}
	for _, w := range unused {
		w.Expired = today != "" && today > w.Expires
		get(w)
	}
	out := make([]WaiverUse, 0, len(order))
	for _, u := range order {
		u.State = waiverState(u.Waiver, u.Covers)
		out = append(out, *u)
	}
	sortWaiverUses(out)
	return out, nil
}

func waiverState(w Waiver, covers int) string {
	switch {
	case w.Expired:
		return WaiverExpired
	case covers > 0:
		return WaiverUsed
	}
	return WaiverUnused
}

func sortWaiverUses(list []WaiverUse) {
	slices.SortStableFunc(list, func(a, b WaiverUse) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Control, b.Control))
	})
}

// MergeWaiverUses joins the waiver lists of the shards of one run: a
// waiver used in any shard is used, its covered findings added up (the
// first MaxWaiverCovers kept); unused only when unused in every shard.
func MergeWaiverUses(lists ...[]WaiverUse) []WaiverUse {
	byKey := map[string]int{}
	var out []WaiverUse
	for _, list := range lists {
		for _, u := range list {
			k := waiverKey(u.Waiver)
			i, ok := byKey[k]
			if !ok {
				byKey[k] = len(out)
				u.Findings = slices.Clone(u.Findings)
				out = append(out, u)
				continue
			}
			m := &out[i]
			m.Covers += u.Covers
			m.Expired = m.Expired || u.Expired
			for _, f := range u.Findings {
				if len(m.Findings) < MaxWaiverCovers {
					m.Findings = append(m.Findings, f)
				}
			}
			m.State = waiverState(m.Waiver, m.Covers)
		}
	}
	sortWaiverUses(out)
	return out
}

// WaiverCounts counts a waiver list by state.
func WaiverCounts(list []WaiverUse) map[string]int {
	m := map[string]int{WaiverUsed: 0, WaiverUnused: 0, WaiverExpired: 0}
	for _, u := range list {
		m[u.State]++
	}
	return m
}
