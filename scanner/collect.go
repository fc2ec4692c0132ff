package scanner

import (
	"cmp"
	"strings"
	"sync"
	"time"

	"github.com/tenantscan/tenantscan/report"
)

// collector gathers the tenants the workers finish, in the order of the
// sources, in memory or in a spool (see Options.MemoryTenants), and counts
// the summary as they come. It is safe for concurrent use.
type collector struct {
	spool *report.Spool // nil: in memory
	// conc v0.3's result pool returns results in completion order, so each
	// task writes its own slot instead: the report follows the sources.
	slots []slot

	mu    sync.Mutex // guards tally and err
	tally *report.Tally
	err   error // the first spool error
}

type slot struct {
	kept   bool
	tenant *report.Tenant  // in memory, or
	ref    report.SpoolRef // spooled
	used   []int           // indexes of the waivers that matched

	snapshot, tenantID string
	exportedAt         time.Time // zero: not loaded, never superseded
	supersededBy       int       // 1 + the index of the newer slot; 0: kept
}

func newCollector(sources int, controls []report.Control, opts Options) (*collector, error) {
	c := &collector{slots: make([]slot, sources), tally: report.NewTally(controls)}
	if opts.Baseline != nil {
		c.tally.AgainstBaseline()
	}
	limit := cmp.Or(opts.MemoryTenants, DefaultMemoryTenants)
	if limit > 0 && sources > limit {
		var err error
		if c.spool, err = report.NewSpool(opts.SpoolDir); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// add keeps the tenant of source i with the waivers it used and its
// snapshot's exportedAt.
func (c *collector) add(i int, t *report.Tenant, used []int, exportedAt string) {
	s := slot{kept: true, used: used, snapshot: t.Snapshot, tenantID: t.TenantID}
	if at, err := time.Parse(time.RFC3339, exportedAt); err == nil && t.TenantID != "" {
		s.exportedAt = at
	}
	if c.spool != nil {
		ref, err := c.spool.Put(t)
		if err != nil {
			c.mu.Lock()
			c.err = cmp.Or(c.err, err)
			c.mu.Unlock()
			return
		}
		s.ref = ref
	} else {
		s.tenant = t
	}
	c.mu.Lock()
	if err := c.tally.Add(t); err != nil {
		c.err = cmp.Or(c.err, err)
	}
	c.mu.Unlock()
	c.slots[i] = s
}

// fill puts the tenants into the report, in source order (the report then
// owns the spool), but those superseded (see supersede), and returns the
// indexes of the waivers that matched.
func (c *collector) fill(rep *report.Report, opts Options) (map[int]bool, error) {
	if c.err != nil {
		c.spool.Close()
		return nil, c.err
	}
	rep.Superseded = c.supersede()
	matched := map[int]bool{}
	var refs []report.SpoolRef
	rep.Tenants = []report.Tenant{}
	for _, s := range c.slots {
		if !s.kept || s.supersededBy > 0 {
			continue
		}
		for _, i := range s.used {
			matched[i] = true
		}
		if s.tenant != nil {
			rep.Tenants = append(rep.Tenants, *s.tenant)
		} else {
			refs = append(refs, s.ref)
		}
	}
	if c.spool != nil {
		rep.UseSpool(c.spool, refs)
	}
	if len(rep.Superseded) > 0 {
		// Count again without the superseded tenants (reading the spool
		// once: duplicates are rare).
		c.tally = report.NewTally(rep.Controls)
		if opts.Baseline != nil {
			c.tally.AgainstBaseline()
		}
		if err := rep.EachTenant(c.tally.Add); err != nil {
			rep.Close()
			return nil, err
		}
	}
	return matched, nil
}

// supersede keeps, of the snapshots that loaded with one tenant id
// (compared case-insensitively), those exported last; it marks the older
// ones and lists them. Snapshots exported at the same time are all kept:
// they are one export in two forms (a snapshot file and its raw export
// folder), not a stale copy.
func (c *collector) supersede() []report.Superseded {
	newest := map[string]int{}
	for i, s := range c.slots {
		if !s.kept || s.exportedAt.IsZero() {
			continue
		}
		key := strings.ToLower(s.tenantID)
		j, seen := newest[key]
		if !seen || s.exportedAt.After(c.slots[j].exportedAt) {
			newest[key] = i
		}
	}
	var out []report.Superseded
	for i := range c.slots {
		s := &c.slots[i]
		if !s.kept || s.exportedAt.IsZero() {
			continue
		}
		if j := newest[strings.ToLower(s.tenantID)]; s.exportedAt.Before(c.slots[j].exportedAt) {
			s.supersededBy = j + 1
			by := c.slots[j]
			out = append(out, report.Superseded{Snapshot: s.snapshot, TenantID: s.tenantID,
				ExportedAt: s.exportedAt.UTC().Format(time.RFC3339), By: by.snapshot,
				ByExportedAt: by.exportedAt.UTC().Format(time.RFC3339)})
		}
	}
	return out
}
