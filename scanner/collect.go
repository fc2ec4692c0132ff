package scanner

import (
	"cmp"
	"sync"

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

// add keeps the tenant of source i with the waivers it used.
func (c *collector) add(i int, t *report.Tenant, used []int) {
	s := slot{kept: true, used: used}
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
	c.tally.Add(t)
	c.mu.Unlock()
	c.slots[i] = s
}

// fill puts the tenants into the report, in source order (the report then
// owns the spool), and returns the indexes of the waivers that matched.
func (c *collector) fill(rep *report.Report) (map[int]bool, error) {
	if c.err != nil {
		c.spool.Close()
		return nil, c.err
	}
	matched := map[int]bool{}
	var refs []report.SpoolRef
	rep.Tenants = []report.Tenant{}
	for _, s := range c.slots {
		if !s.kept {
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
	return matched, nil
}
