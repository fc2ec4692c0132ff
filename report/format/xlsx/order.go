package xlsx

import (
	"cmp"
	"slices"

	"github.com/tenantscan/tenantscan/report"
)

// bySeverity returns the catalogue sorted by severity (critical first),
// then control id.
func bySeverity(controls []report.Control) []report.Control {
	out := slices.Clone(controls)
	slices.SortStableFunc(out, func(a, b report.Control) int {
		return cmp.Or(cmp.Compare(report.SeverityRank(b.Severity), report.SeverityRank(a.Severity)), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// tenantKey is what the sort keeps of a tenant: its name, its place in
// the report, and which severities (by rank bit) its findings have.
type tenantKey struct {
	name  string
	index int
	ranks uint8
}

// eachBySeverity calls fn with every control result that has findings,
// sorted by the control's severity (critical first, unknown severities
// last), then tenant name (then report order), then control id. It keeps
// one name per tenant in memory and reads the tenants once, then once
// more for each severity that has findings, one tenant at a time, so that
// memory does not grow with the findings.
func eachBySeverity(r *report.Report, fn func(t *report.Tenant, c report.ControlResult) error) error {
	rank := map[string]int{}
	for _, c := range r.Controls {
		rank[c.ID] = report.SeverityRank(c.Severity)
	}
	var keys []tenantKey
	i := 0
	err := r.EachTenant(func(t *report.Tenant) error {
		k := tenantKey{name: report.TenantName(*t), index: i}
		i++
		for _, c := range t.Controls {
			if len(c.Findings) > 0 {
				k.ranks |= 1 << rank[c.ID]
			}
		}
		if k.ranks != 0 {
			keys = append(keys, k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(keys, func(a, b tenantKey) int {
		return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.index, b.index))
	})
	for level := 4; level >= 0; level-- {
		for _, k := range keys {
			if k.ranks&(1<<level) == 0 {
				continue
			}
			t, err := r.Tenant(k.index)
			if err != nil {
				return err
			}
			results := make([]report.ControlResult, 0, len(t.Controls))
			for _, c := range t.Controls {
				if len(c.Findings) > 0 && rank[c.ID] == level {
					results = append(results, c)
				}
			}
			slices.SortStableFunc(results, func(a, b report.ControlResult) int { return cmp.Compare(a.ID, b.ID) })
			for _, c := range results {
				if err := fn(&t, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
