package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tenantscan/tenantscan/internal/safeopen"
)

// Summarize computes a report's summary from its tenants: tenants by
// status, unwaived failing findings by severity, waivers (when the report
// has waiver data) and drift (when its findings carry drift marks);
// againstBaseline makes the summary carry drift counts even with no
// finding to mark.
func Summarize(r *Report, againstBaseline bool) (Summary, error) {
	t := NewTally(r.Controls)
	if againstBaseline {
		t.AgainstBaseline()
	}
	if err := r.EachTenant(t.Add); err != nil {
		return Summary{}, err
	}
	return t.Summary(r.ResolvedCount(), r.UnusedWaivers), nil
}

// Tally builds a summary one tenant at a time, so a scan can count its
// tenants as they finish. It is not safe for concurrent use.
type Tally struct {
	sev      map[string]string
	s        Summary
	ws       WaiverSummary
	d        DriftSummary
	drift    bool
	newFinds map[string]int
}

// NewTally starts a summary for a catalogue.
func NewTally(controls []Control) *Tally {
	t := &Tally{sev: make(map[string]string, len(controls)), s: Summary{Findings: map[string]int{}},
		newFinds: map[string]int{}}
	for _, c := range controls {
		t.sev[c.ID] = c.Severity
	}
	for _, level := range Severities {
		t.s.Findings[level] = 0
		t.newFinds[level] = 0
	}
	return t
}

// Add counts one tenant. A tenant whose status is not one of
// TenantStatuses is an error naming it, and is not counted.
func (t *Tally) Add(tn *Tenant) error {
	switch tn.Status {
	case TenantPass:
		t.s.Pass++
	case TenantFail:
		t.s.Fail++
	case TenantError:
		t.s.Error++
	case TenantNotApplicable:
		t.s.NotApplicable++
	default: // counted under no status, the tenant would vanish from the summary
		return UnknownTenantStatus(tn)
	}
	t.s.Tenants++
	if tn.Age != nil {
		if tn.Age.Stale {
			t.s.Stale++
		}
		if tn.Age.Unknown {
			t.s.AgeUnknown++
		}
	}
	for _, c := range tn.Controls {
		for _, f := range c.Findings {
			switch {
			case f.Waived():
				t.ws.Waived++
			case f.Waiver != nil:
				t.ws.Expired++
			}
			switch f.Drift {
			case DriftNew:
				t.d.New++
				t.drift = true
			case DriftUnchanged:
				t.d.Unchanged++
				t.drift = true
			}
			if c.Fails(f) {
				t.s.Findings[t.sev[c.ID]]++
				if f.Drift == DriftNew || f.Reopened {
					t.newFinds[t.sev[c.ID]]++
				}
			}
		}
	}
	return nil
}

// AgainstBaseline makes the summary carry drift counts even when there is
// no finding to mark.
func (t *Tally) AgainstBaseline() { t.drift = true }

// Summary returns the summary of the tenants added so far, with the
// number of resolved findings (drift) and the unused waivers.
func (t *Tally) Summary(resolved int, unusedWaivers []Waiver) Summary {
	s := t.s
	s.Findings = make(map[string]int, len(t.s.Findings))
	for k, v := range t.s.Findings {
		s.Findings[k] = v
	}
	ws := t.ws
	ws.Unused = len(unusedWaivers)
	if ws != (WaiverSummary{}) || unusedWaivers != nil {
		s.Waivers = &ws
	}
	if t.drift || resolved > 0 {
		d := t.d
		d.Resolved = resolved
		d.NewFindings = make(map[string]int, len(t.newFinds))
		for k, v := range t.newFinds {
			d.NewFindings[k] = v
		}
		s.Drift = &d
	}
	return s
}

// MergeFiles joins the JSON reports of the shards of one scan: the union
// of their catalogues, all their tenants (ordered by snapshot), their
// resolved findings (in the order of the files), and the waivers unused in
// every shard; the summary is computed again. It reads each one tenant and
// one resolved finding at a time (ReadStreamResolved) into spools in
// spoolDir, so that merging thousands of tenants, or millions of resolved
// findings, keeps none of them in memory. The files must
// be exactly the shards 1 to N of one run (see checkShards) and hold each
// tenant once; the merged parameters name them. It stops with
// ctx (checked at every tenant), returning ctx's error. The caller closes
// the report.
func MergeFiles(ctx context.Context, paths []string, spoolDir string) (*Report, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("merge: no reports")
	}
	spool, err := NewSpool(spoolDir)
	if err != nil {
		return nil, err
	}
	resolved, err := NewFindingSpool(spoolDir)
	if err != nil {
		spool.Close()
		return nil, err
	}
	closeSpools := func() {
		spool.Close()
		resolved.Close()
	}
	type entry struct {
		snapshot string
		ref      SpoolRef
	}
	var entries []entry
	heads := make([]*Report, 0, len(paths))
	owner := map[string]int{} // tenant id (or, without one, snapshot) → file
	var overlap error
	for i, path := range paths {
		head, err := readShard(path, func(t *Tenant) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			key := "id:" + strings.ToLower(t.TenantID)
			if t.TenantID == "" {
				key = "snapshot:" + t.Snapshot
			}
			if j, dup := owner[key]; dup && j != i && overlap == nil {
				// Reported after the shard checks, which say more.
				overlap = fmt.Errorf("%s and %s both hold tenant %s (%s): shards must not overlap", paths[j], path, TenantName(*t), t.Snapshot)
			}
			owner[key] = i
			ref, err := spool.Put(t)
			entries = append(entries, entry{t.Snapshot, ref})
			return err
		}, func(f *Finding) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return resolved.Put(f)
		})
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			closeSpools()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		heads = append(heads, head)
	}
	if err := cmp.Or(checkShards(paths, heads), overlap); err != nil {
		closeSpools()
		return nil, err
	}
	out := mergeHeads(heads)
	out.Parameters = mergedParameters(heads[0], len(heads), paths)
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].snapshot < entries[j].snapshot })
	refs := make([]SpoolRef, len(entries))
	for i, e := range entries {
		refs[i] = e.ref
	}
	out.UseSpool(spool, refs)
	out.UseResolvedSpool(resolved)
	if err := summarizeMerged(out, heads); err != nil {
		out.Close()
		return nil, err
	}
	return out, nil
}

func readShard(path string, fn func(*Tenant) error, resolved func(*Finding) error) (*Report, error) {
	f, err := safeopen.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head, err := ReadStreamResolved(f, func(t *Tenant, _, _ int64) error { return fn(t) }, resolved)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return head, nil
}

// mergeHeads merges everything of the shard reports but their tenants,
// resolved findings and summary.
func mergeHeads(reports []*Report) *Report {
	out := &Report{SchemaVersion: SchemaVersion, Tool: reports[0].Tool, Resolved: []Finding{},
		StartedAt: reports[0].StartedAt, FinishedAt: reports[0].FinishedAt}
	seen := map[string]bool{}
	unusedIn := map[string]int{}
	var unused []Waiver
	var waiverLists [][]WaiverUse
	for _, r := range reports {
		waiverLists = append(waiverLists, r.Waivers)
		if out.Policy == nil {
			out.Policy = r.Policy
		}
		for _, c := range r.Controls {
			if !seen[c.ID] {
				seen[c.ID] = true
				out.Controls = append(out.Controls, c)
			}
		}
		out.Superseded = append(out.Superseded, r.Superseded...)
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
	out.Waivers = MergeWaiverUses(waiverLists...)
	out.Parameters = mergedParameters(reports[0], len(reports), nil)
	return out
}

// summarizeMerged counts the merged tenants; the summary has drift when a
// shard was compared with a baseline.
func summarizeMerged(out *Report, shards []*Report) error {
	against := slices.ContainsFunc(shards, func(r *Report) bool { return r.Summary.Drift != nil })
	var err error
	out.Summary, err = Summarize(out, against)
	return err
}
