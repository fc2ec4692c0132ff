package report

import (
	"fmt"
	"sort"
)

// Summarize computes a report's summary from its tenants: tenants by
// status, unwaived failing findings by severity, waivers (when the report
// has waiver data) and drift (when its findings carry drift marks).
func Summarize(r *Report) Summary {
	sev := make(map[string]string, len(r.Controls))
	for _, c := range r.Controls {
		sev[c.ID] = c.Severity
	}
	s := Summary{Tenants: len(r.Tenants), Findings: map[string]int{}}
	for _, level := range Severities {
		s.Findings[level] = 0
	}
	var ws WaiverSummary
	var d DriftSummary
	drift := len(r.Resolved) > 0
	for _, t := range r.Tenants {
		switch t.Status {
		case TenantPass:
			s.Pass++
		case TenantFail:
			s.Fail++
		default:
			s.Error++
		}
		for _, c := range t.Controls {
			for _, f := range c.Findings {
				switch {
				case f.Waived():
					ws.Waived++
				case f.Waiver != nil:
					ws.Expired++
				}
				switch f.Drift {
				case DriftNew:
					d.New++
					drift = true
				case DriftUnchanged:
					d.Unchanged++
					drift = true
				}
				if c.Status == StatusFail && !f.Warning && !f.Waived() {
					s.Findings[sev[c.ID]]++
				}
			}
		}
	}
	ws.Unused = len(r.UnusedWaivers)
	if ws != (WaiverSummary{}) || r.UnusedWaivers != nil {
		s.Waivers = &ws
	}
	if drift {
		d.Resolved = len(r.Resolved)
		s.Drift = &d
	}
	return s
}

// Merge joins reports of the same scan split into shards: the union of
// their catalogues, all their tenants (ordered by snapshot), their
// resolved findings, and the waivers unused in every shard. The summary is
// computed again.
func Merge(reports ...*Report) (*Report, error) {
	if len(reports) == 0 {
		return nil, fmt.Errorf("merge: no reports")
	}
	out := &Report{SchemaVersion: SchemaVersion, Tool: reports[0].Tool, Resolved: []Finding{},
		StartedAt: reports[0].StartedAt, FinishedAt: reports[0].FinishedAt}
	seen := map[string]bool{}
	unusedIn := map[string]int{}
	var unused []Waiver
	for _, r := range reports {
		for _, c := range r.Controls {
			if !seen[c.ID] {
				seen[c.ID] = true
				out.Controls = append(out.Controls, c)
			}
		}
		out.Tenants = append(out.Tenants, r.Tenants...)
		out.Resolved = append(out.Resolved, r.Resolved...)
		if r.StartedAt.Before(out.StartedAt) {
			out.StartedAt = r.StartedAt
		}
		if r.FinishedAt.After(out.FinishedAt) {
			out.FinishedAt = r.FinishedAt
		}
		for _, w := range r.UnusedWaivers {
			key := fmt.Sprintf("%s:%d:%s:%s:%s", w.File, w.Line, w.Control, w.Tenant, w.Resource)
			if unusedIn[key] == 0 {
				unused = append(unused, w)
			}
			unusedIn[key]++
		}
	}
	for _, w := range unused {
		if unusedIn[fmt.Sprintf("%s:%d:%s:%s:%s", w.File, w.Line, w.Control, w.Tenant, w.Resource)] == len(reports) {
			out.UnusedWaivers = append(out.UnusedWaivers, w)
		}
	}
	hadWaivers := false
	for _, r := range reports {
		if r.Summary.Waivers != nil {
			hadWaivers = true
		}
	}
	if hadWaivers && out.UnusedWaivers == nil {
		out.UnusedWaivers = []Waiver{}
	}
	sort.SliceStable(out.Controls, func(i, j int) bool { return out.Controls[i].ID < out.Controls[j].ID })
	sort.SliceStable(out.Tenants, func(i, j int) bool { return out.Tenants[i].Snapshot < out.Tenants[j].Snapshot })
	out.Parameters = append(append([]Parameter(nil), reports[0].Parameters...), Parameter{Name: "merged", Value: fmt.Sprintf("%d reports", len(reports))})
	out.Summary = Summarize(out)
	return out, nil
}
