// Package baseline marks the findings of a scan against a previous run
// (new, unchanged, reopened, carried) and lists the resolved ones: the
// post-evaluation marking beside package waiver.
package baseline

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/tenantscan/tenantscan/report"
)

// Baseline is the previous run a scan is compared with. Mark tenants as
// they finish, then ask for the Resolved findings.
//
// Memory is bounded by the tenant being marked, not by the baseline: it
// keeps the tenant id of each baseline tenant and reads that tenant's
// baseline findings again when a tenant of that id is marked (the
// findings of one tenant, dropped after). What stays is one bit per
// baseline finding of a marked tenant (seen in this run or not) and the
// controls each tenant had evaluated. Resolved reads again only the
// tenants with findings left unseen.
type Baseline struct {
	// tenant reads baseline tenant i again; safe for concurrent use.
	tenant func(i int) (report.Tenant, error)
	groups []*group          // by tenant id, in the order of their first baseline tenant
	byID   map[string]*group // the same, by tenant id

	mu         sync.Mutex       // guards the groups' marks, controlIdx and err
	controlIdx map[string]int32 // interned ids of evaluated controls
	err        error            // the first error reading the baseline again
}

// group is every baseline tenant of one tenant id (usually one) and what
// this run's tenants of that id did to its findings.
type group struct {
	id      string
	tenants []int // baseline tenants, in the baseline's order
	// Set by Mark, under Baseline.mu. The group's distinct findings are
	// numbered in the order load reads them.
	marked    bool
	distinct  int
	seen      []uint64 // a bit per distinct finding: seen in this run too
	seenN     int
	evaluated []int32 // controls evaluated in this run (Baseline.controlIdx)
}

// findingKey is a finding's identity within one tenant: with the tenant
// id, what report.Fingerprint hashes.
type findingKey struct{ control, kind, id string }

// loaded is one group's baseline findings, read again.
type loaded struct {
	tenants []report.Tenant    // the group's baseline tenants, in order
	index   map[findingKey]int // distinct finding → its number
	last    []place            // by number: where it last occurs (the last one stands)
}

// place is a finding of a loaded group: tenant (in loaded.tenants),
// control and finding.
type place struct{ tenant, control, at int }

func newBaseline() *Baseline {
	return &Baseline{byID: map[string]*group{}, controlIdx: map[string]int32{}}
}

// add notes baseline tenant i, of tenant id id.
func (b *Baseline) add(i int, id string) {
	g := b.byID[id]
	if g == nil {
		g = &group{id: id}
		b.byID[id] = g
		b.groups = append(b.groups, g)
	}
	g.tenants = append(g.tenants, i)
}

// load reads a group's baseline tenants again and numbers their distinct
// findings in order; the same resource twice in a control is one
// finding, and the last one stands.
func (b *Baseline) load(g *group) (*loaded, error) {
	l := &loaded{index: map[findingKey]int{}}
	for _, i := range g.tenants {
		t, err := b.tenant(i)
		if err != nil {
			return nil, err
		}
		if t.TenantID != g.id {
			return nil, fmt.Errorf("baseline changed while the scan ran: its tenant %d is %q, was %q", i+1, t.TenantID, g.id)
		}
		ti := len(l.tenants)
		l.tenants = append(l.tenants, t)
		for ci, c := range t.Controls {
			for fi, f := range c.Findings {
				k := findingKey{c.ID, f.Resource.Kind, f.Resource.ID}
				n, ok := l.index[k]
				if !ok {
					n = len(l.last)
					l.index[k] = n
					l.last = append(l.last, place{})
				}
				l.last[n] = place{ti, ci, fi}
			}
		}
	}
	return l, nil
}

// finding is the baseline finding at p and its control.
func (l *loaded) finding(p place) (*report.ControlResult, report.Finding) {
	c := &l.tenants[p.tenant].Controls[p.control]
	return c, c.Findings[p.at]
}

// Mark marks every finding of a tenant as new or unchanged, and reopened
// when it was waived in the baseline and is not now. A control in error
// gets the baseline's findings of that tenant and control, marked
// DriftCarried. It is safe for concurrent use.
func (b *Baseline) Mark(t *report.Tenant) {
	g := b.byID[t.TenantID]
	if g == nil {
		// Not in the baseline: everything is new, nothing carried or
		// resolved.
		for ci := range t.Controls {
			for fi := range t.Controls[ci].Findings {
				t.Controls[ci].Findings[fi].Drift = report.DriftNew
			}
		}
		return
	}
	l, err := b.load(g)
	if err != nil {
		b.fail(err)
		return
	}
	if t.TenantID != "" {
		carry(t, l)
	}
	var seen []int
	for ci := range t.Controls {
		c := &t.Controls[ci]
		for fi := range c.Findings {
			f := &c.Findings[fi]
			if f.Drift == report.DriftCarried {
				continue
			}
			n, ok := l.index[findingKey{c.ID, f.Resource.Kind, f.Resource.ID}]
			if !ok {
				f.Drift = report.DriftNew
				continue
			}
			_, old := l.finding(l.last[n])
			f.Drift = report.DriftUnchanged
			f.Reopened = old.Waived() && !f.Waived()
			seen = append(seen, n)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !g.marked {
		g.marked, g.distinct = true, len(l.last)
		g.seen = make([]uint64, (len(l.last)+63)/64)
	} else if g.distinct != len(l.last) {
		b.failLocked(fmt.Errorf("baseline changed while the scan ran: tenant %s", g.id))
		return
	}
	for _, n := range seen {
		if bit := uint64(1) << (n % 64); g.seen[n/64]&bit == 0 {
			g.seen[n/64] |= bit
			g.seenN++
		}
	}
	for _, c := range t.Controls {
		if !report.Evaluated(c.Status) {
			continue
		}
		id, ok := b.controlIdx[c.ID]
		if !ok {
			id = int32(len(b.controlIdx))
			b.controlIdx[c.ID] = id
		}
		if !slices.Contains(g.evaluated, id) {
			g.evaluated = append(g.evaluated, id)
		}
	}
}

func (b *Baseline) fail(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failLocked(err)
}

func (b *Baseline) failLocked(err error) {
	if b.err == nil {
		b.err = err
	}
}

// carry adds to each control of t in error the findings the baseline had
// for it.
func carry(t *report.Tenant, l *loaded) {
	inError := map[string]int{}
	for ci, c := range t.Controls {
		if c.Status == report.StatusError {
			inError[c.ID] = ci
		}
	}
	if len(inError) == 0 {
		return
	}
	for _, base := range l.tenants {
		for _, bc := range base.Controls {
			ci, ok := inError[bc.ID]
			if !ok {
				continue
			}
			c := &t.Controls[ci]
			for _, f := range bc.Findings {
				// Not judged this run: no waiver applies or counts.
				f.Drift, f.Reopened, f.Waiver = report.DriftCarried, false, nil
				c.Findings = append(c.Findings, f)
			}
		}
	}
}

// Resolved calls fn with each baseline finding that the marked tenants no
// longer have (its ControlID and TenantID set, no drift mark or waiver),
// stopping at the first error. A finding counts as resolved only when its
// tenant and control were evaluated in both runs: a tenant in error now
// has resolved nothing. It reads again only the baseline tenants with
// findings not seen in this run, and holds one tenant id's findings at a
// time, never the whole list: the caller spools or counts them.
//
// Order: tenant id by tenant id, in the order of each id's first baseline
// tenant; within one id, in the baseline's order (tenant, control,
// finding). That is the baseline's order, except when one tenant id has
// several baseline tenants with other tenants between them (one export
// scanned in two forms): all of that id's findings then come together, at
// its first tenant. The order stays deterministic, and holding one id at a
// time is worth that rare reordering.
func (b *Baseline) Resolved(fn func(f *report.Finding) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return b.err
	}
	type gone struct {
		tenant, control, at int // where it is in the loaded group
		f                   report.Finding
	}
	var out []gone // one group's, reused
	for _, g := range b.groups {
		if !g.marked || g.seenN == g.distinct || len(g.evaluated) == 0 {
			continue
		}
		l, err := b.load(g)
		if err != nil {
			return err
		}
		if len(l.last) != g.distinct {
			return fmt.Errorf("baseline changed while the scan ran: tenant %s", g.id)
		}
		out = out[:0]
		for n, p := range l.last {
			if g.seen[n/64]&(uint64(1)<<(n%64)) != 0 {
				continue
			}
			c, f := l.finding(p)
			if id, ok := b.controlIdx[c.ID]; !ok || !slices.Contains(g.evaluated, id) {
				continue
			}
			f.ControlID, f.TenantID, f.Drift, f.Reopened, f.Waiver = c.ID, g.id, "", false, nil
			out = append(out, gone{p.tenant, p.control, p.at, f})
		}
		slices.SortFunc(out, func(a, c gone) int {
			return cmp.Or(cmp.Compare(a.tenant, c.tenant), cmp.Compare(a.control, c.control), cmp.Compare(a.at, c.at))
		})
		for i := range out {
			if err := fn(&out[i].f); err != nil {
				return err
			}
		}
		clear(out) // let the group's findings go before the next is read
	}
	return nil
}

// New indexes the findings of a baseline report, which must stay
// open until Resolved is called.
func New(base *report.Report) (*Baseline, error) {
	b := newBaseline()
	n := 0
	err := base.EachTenant(func(t *report.Tenant) error { b.add(n, t.TenantID); n++; return nil })
	b.tenant = func(i int) (report.Tenant, error) {
		return base.Tenant(i)
	}
	return b, err
}

// File is what Read reads: a file, or a bytes.Reader.
type File interface {
	io.Reader
	io.ReaderAt
}

// Read reads a JSON report (see report.Read) as a baseline, one tenant at
// a time, so that a large baseline never sits whole in memory. It keeps
// where each tenant is, to read the resolved findings again: r must stay
// open until Resolved is called.
func Read(r File) (*Baseline, error) {
	b := newBaseline()
	var spans [][2]int64 // of each tenant, with the separator before it
	_, err := report.ReadStream(r, func(t *report.Tenant, start, end int64) error {
		b.add(len(spans), t.TenantID)
		spans = append(spans, [2]int64{start, end})
		return nil
	})
	if err != nil {
		return nil, err
	}
	b.tenant = func(i int) (report.Tenant, error) {
		data := make([]byte, spans[i][1]-spans[i][0])
		if _, err := r.ReadAt(data, spans[i][0]); err != nil && err != io.EOF {
			return report.Tenant{}, fmt.Errorf("read baseline again: %w", err)
		}
		return report.DecodeTenant(bytes.TrimLeft(data, ", \t\r\n"))
	}
	return b, nil
}

// Apply marks every finding of cur, an in-memory report, as new or
// unchanged against base, fills cur.Resolved (in memory: Apply is for
// small reports, such as tenantscan diff's) with the base findings that
// are gone, and computes cur.Summary again.
func Apply(cur, base *report.Report) error {
	b, err := New(base)
	if err != nil {
		return err
	}
	if err := cur.EachTenant(func(t *report.Tenant) error { b.Mark(t); return nil }); err != nil {
		return err
	}
	cur.Resolved = []report.Finding{}
	err = b.Resolved(func(f *report.Finding) error {
		cur.Resolved = append(cur.Resolved, *f)
		return nil
	})
	if err != nil {
		return err
	}
	cur.Summary, err = report.Summarize(cur, true)
	return err
}

// From builds a baseline from tenants kept elsewhere, such as a history
// database: ids are the tenant ids of the baseline's tenants, in order,
// and tenant(i) returns the i-th of them (only its id, controls and
// findings matter), the same each time; it must be safe for concurrent
// use.
func From(ids []string, tenant func(i int) (report.Tenant, error)) *Baseline {
	b := newBaseline()
	for i, id := range ids {
		b.add(i, id)
	}
	b.tenant = tenant
	return b
}
