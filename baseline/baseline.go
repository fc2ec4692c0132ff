// Package baseline marks the findings of a scan against a previous run
// (new, unchanged, reopened, carried) and lists the resolved ones: the
// post-evaluation marking beside package waiver.
package baseline

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/tenantscan/tenantscan/report"
)

// Baseline is the previous run a scan is compared with: the fingerprints
// of its findings and which of them were waived. Mark tenants as they
// finish, then ask for the Resolved findings. It holds about 100 bytes per
// baseline finding; the findings themselves are read again only for the
// resolved list.
type Baseline struct {
	findings   map[[16]byte]baseFinding // by fingerprint; read-only once built
	seen       []bool                   // by baseFinding.seq: the run has it too
	tenantIDs  []string                 // by baseline tenant
	controlIDs []string                 // interned; baseFinding.controlID indexes it
	controlIdx map[string]int32
	// tenant reads baseline tenant i again.
	tenant func(i int) (report.Tenant, error)

	tenantIdx map[string][]int // baseline tenants by id, for carrying findings over

	mu           sync.Mutex      // guards seen, evaluatedNow and err
	evaluatedNow map[string]bool // tenant id + control id evaluated in this run
	err          error           // the first error carrying findings over
}

// baseFinding is 24 bytes: a 2,000-tenant baseline of 100,000 findings
// takes a few megabytes.
type baseFinding struct {
	tenant, control, at int32 // where it is in the baseline
	controlID           int32 // in Baseline.controlIDs
	seq                 int32 // in Baseline.seen
	waived              bool
}

func newBaseline() *Baseline {
	return &Baseline{findings: map[[16]byte]baseFinding{}, controlIdx: map[string]int32{}, evaluatedNow: map[string]bool{},
		tenantIdx: map[string][]int{}}
}

// New indexes the findings of a baseline report, which must stay
// open until Resolved is called.
func New(base *report.Report) (*Baseline, error) {
	b := newBaseline()
	n := 0
	err := base.EachTenant(func(t *report.Tenant) error { b.add(n, t); n++; return nil })
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
		b.add(len(spans), t)
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

// add indexes the findings of baseline tenant i.
func (b *Baseline) add(i int, t *report.Tenant) {
	b.tenantIDs = append(b.tenantIDs, t.TenantID)
	b.tenantIdx[t.TenantID] = append(b.tenantIdx[t.TenantID], i)
	for ci, c := range t.Controls {
		id, ok := b.controlIdx[c.ID]
		if !ok {
			id = int32(len(b.controlIDs))
			b.controlIdx[c.ID] = id
			b.controlIDs = append(b.controlIDs, c.ID)
		}
		for fi, f := range c.Findings {
			fp := report.FingerprintSum(t.TenantID, c.ID, f.Resource)
			seq := int32(len(b.seen))
			if old, dup := b.findings[fp]; dup {
				seq = old.seq // the same resource twice: the last one stands
			} else {
				b.seen = append(b.seen, false)
			}
			b.findings[fp] = baseFinding{tenant: int32(i), control: int32(ci), at: int32(fi), controlID: id, seq: seq, waived: f.Waived()}
		}
	}
}

// Mark marks every finding of a tenant as new or unchanged, and reopened
// when it was waived in the baseline and is not now. A control in error
// gets the baseline's findings of that tenant and control, marked
// DriftCarried. It is safe for concurrent use.
func (b *Baseline) Mark(t *report.Tenant) {
	b.carry(t)
	var seen []int32
	var evaluatedNow []string
	for ci := range t.Controls {
		c := &t.Controls[ci]
		if report.Evaluated(c.Status) {
			evaluatedNow = append(evaluatedNow, t.TenantID+"\x00"+c.ID)
		}
		for fi := range c.Findings {
			f := &c.Findings[fi]
			if f.Drift == report.DriftCarried {
				continue
			}
			if old, ok := b.findings[report.FingerprintSum(t.TenantID, c.ID, f.Resource)]; ok {
				f.Drift = report.DriftUnchanged
				f.Reopened = old.waived && !f.Waived()
				seen = append(seen, old.seq)
			} else {
				f.Drift = report.DriftNew
			}
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, i := range seen {
		b.seen[i] = true
	}
	for _, k := range evaluatedNow {
		b.evaluatedNow[k] = true
	}
}

// carry adds to each control of t in error the findings the baseline had
// for it (the baseline read again for this tenant only).
func (b *Baseline) carry(t *report.Tenant) {
	if t.TenantID == "" || len(b.tenantIdx[t.TenantID]) == 0 {
		return
	}
	inError := map[string]int{}
	for ci, c := range t.Controls {
		if c.Status == report.StatusError {
			inError[c.ID] = ci
		}
	}
	if len(inError) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, i := range b.tenantIdx[t.TenantID] {
		base, err := b.tenant(i)
		if err != nil {
			if b.err == nil {
				b.err = err
			}
			return
		}
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

// Resolved lists the baseline findings that the marked tenants no longer
// have, in the baseline's order. A finding counts as resolved only when
// its tenant and control were evaluated in both runs: a tenant in error
// now has resolved nothing.
func (b *Baseline) Resolved() ([]report.Finding, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return nil, b.err
	}
	var gone []baseFinding
	for _, bf := range b.findings {
		if !b.seen[bf.seq] && b.evaluatedNow[b.tenantIDs[bf.tenant]+"\x00"+b.controlIDs[bf.controlID]] {
			gone = append(gone, bf)
		}
	}
	sort.Slice(gone, func(i, j int) bool {
		a, c := gone[i], gone[j]
		return a.tenant < c.tenant || a.tenant == c.tenant && (a.control < c.control || a.control == c.control && a.at < c.at)
	})
	out := make([]report.Finding, 0, len(gone))
	var t report.Tenant
	loaded := int32(-1)
	for _, bf := range gone {
		if bf.tenant != loaded {
			var err error
			if t, err = b.tenant(int(bf.tenant)); err != nil {
				return nil, err
			}
			loaded = bf.tenant
		}
		if int(bf.control) >= len(t.Controls) || int(bf.at) >= len(t.Controls[bf.control].Findings) {
			return nil, fmt.Errorf("baseline changed while the scan ran")
		}
		f := t.Controls[bf.control].Findings[bf.at]
		f.ControlID, f.TenantID, f.Drift, f.Reopened, f.Waiver = b.controlIDs[bf.controlID], b.tenantIDs[bf.tenant], "", false, nil
		out = append(out, f)
	}
	return out, nil
}

// Apply marks every finding of cur, an in-memory report, as new or
// unchanged against base, fills cur.Resolved with the base findings that
// are gone, and computes cur.Summary again.
func Apply(cur, base *report.Report) error {
	b, err := New(base)
	if err != nil {
		return err
	}
	if err := cur.EachTenant(func(t *report.Tenant) error { b.Mark(t); return nil }); err != nil {
		return err
	}
	if cur.Resolved, err = b.Resolved(); err != nil {
		return err
	}
	cur.Summary, err = report.Summarize(cur, true)
	return err
}

// From builds a baseline from tenants kept elsewhere, such as a
// history database: each calls fn with every baseline tenant in turn (only
// the controls and findings matter), and tenant(i) returns the i-th of
// them again, for Resolved. Memory is the same as for a baseline file:
// about 100 bytes per baseline finding.
func From(each func(fn func(*report.Tenant) error) error, tenant func(i int) (report.Tenant, error)) (*Baseline, error) {
	b := newBaseline()
	n := 0
	if err := each(func(t *report.Tenant) error { b.add(n, t); n++; return nil }); err != nil {
		return nil, err
	}
	b.tenant = tenant
	return b, nil
}
