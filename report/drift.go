package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// Drift marks of a finding against a baseline report.
const (
	DriftNew       = "new"
	DriftUnchanged = "unchanged"
	// DriftCarried marks a baseline finding kept in a control that could
	// not be evaluated this run (status error): not resolved, not
	// counted, but in the report, so that the next run, against this
	// report, finds it unchanged instead of new.
	DriftCarried = "carried"
)

// Fingerprint identifies a finding across runs: the tenant id, the control
// id and the resource kind and id, hashed (SHA-256, first 16 bytes, hex).
// Messages and evidence may change between runs; the fingerprint does not.
func Fingerprint(tenantID, controlID string, r Resource) string {
	sum := fingerprint(tenantID, controlID, r)
	return hex.EncodeToString(sum[:])
}

func fingerprint(tenantID, controlID string, r Resource) [16]byte {
	sum := sha256.Sum256([]byte(strings.Join([]string{tenantID, controlID, r.Kind, r.ID}, "\x00")))
	return [16]byte(sum[:16])
}

// DriftSummary counts findings by drift.
type DriftSummary struct {
	New       int `json:"new"`
	Unchanged int `json:"unchanged"`
	Resolved  int `json:"resolved"`
	// NewFindings counts, by severity, the unwaived failing findings that
	// are new or reopened: what --fail-on counts against a baseline.
	NewFindings map[string]int `json:"newFindings"`
}

// Read decodes a JSON report written by JSON.Write.
func Read(r io.Reader) (*Report, error) {
	var rep Report
	dec := json.NewDecoder(r)
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	if rep.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("read report: schemaVersion %d, want %d", rep.SchemaVersion, SchemaVersion)
	}
	return &rep, nil
}

// evaluated reports whether a control result is a verdict (not skip or
// error): only then can its findings be compared.
func evaluated(status string) bool {
	return status == StatusPass || status == StatusFail || status == StatusWarn || status == StatusWaived
}

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
	tenant func(i int) (Tenant, error)

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

// NewBaseline indexes the findings of a baseline report, which must stay
// open until Resolved is called.
func NewBaseline(base *Report) (*Baseline, error) {
	b := newBaseline()
	n := 0
	err := base.EachTenant(func(t *Tenant) error { b.add(n, t); n++; return nil })
	b.tenant = func(i int) (Tenant, error) {
		if base.spool == nil {
			return base.Tenants[i], nil
		}
		return base.spool.Get(base.spooled[i])
	}
	return b, err
}

// BaselineFile is what ReadBaseline reads: a file, or a bytes.Reader.
type BaselineFile interface {
	io.Reader
	io.ReaderAt
}

// ReadBaseline reads a JSON report (see Read) as a baseline, one tenant at
// a time, so that a large baseline never sits whole in memory. It keeps
// where each tenant is, to read the resolved findings again: r must stay
// open until Resolved is called.
func ReadBaseline(r BaselineFile) (*Baseline, error) {
	b := newBaseline()
	var spans [][2]int64 // of each tenant, with the separator before it
	_, err := ReadStream(r, func(t *Tenant, start, end int64) error {
		b.add(len(spans), t)
		spans = append(spans, [2]int64{start, end})
		return nil
	})
	if err != nil {
		return nil, err
	}
	b.tenant = func(i int) (Tenant, error) {
		data := make([]byte, spans[i][1]-spans[i][0])
		if _, err := r.ReadAt(data, spans[i][0]); err != nil && err != io.EOF {
			return Tenant{}, fmt.Errorf("read baseline again: %w", err)
		}
		return decodeTenant(bytes.TrimLeft(data, ", \t\r\n"))
	}
	return b, nil
}

// add indexes the findings of baseline tenant i.
func (b *Baseline) add(i int, t *Tenant) {
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
			fp := fingerprint(t.TenantID, c.ID, f.Resource)
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
func (b *Baseline) Mark(t *Tenant) {
	b.carry(t)
	var seen []int32
	var evaluatedNow []string
	for ci := range t.Controls {
		c := &t.Controls[ci]
		if evaluated(c.Status) {
			evaluatedNow = append(evaluatedNow, t.TenantID+"\x00"+c.ID)
		}
		for fi := range c.Findings {
			f := &c.Findings[fi]
			if f.Drift == DriftCarried {
				continue
			}
			if old, ok := b.findings[fingerprint(t.TenantID, c.ID, f.Resource)]; ok {
				f.Drift = DriftUnchanged
				f.Reopened = old.waived && !f.Waived()
				seen = append(seen, old.seq)
			} else {
				f.Drift = DriftNew
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
func (b *Baseline) carry(t *Tenant) {
	if t.TenantID == "" || len(b.tenantIdx[t.TenantID]) == 0 {
		return
	}
	inError := map[string]int{}
	for ci, c := range t.Controls {
		if c.Status == StatusError {
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
				f.Drift, f.Reopened, f.Waiver = DriftCarried, false, nil
				c.Findings = append(c.Findings, f)
			}
		}
	}
}

// Resolved lists the baseline findings that the marked tenants no longer
// have, in the baseline's order. A finding counts as resolved only when
// its tenant and control were evaluated in both runs: a tenant in error
// now has resolved nothing.
func (b *Baseline) Resolved() ([]Finding, error) {
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
	out := make([]Finding, 0, len(gone))
	var t Tenant
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

// ApplyBaseline marks every finding of cur, an in-memory report, as new or
// unchanged against base, fills cur.Resolved with the base findings that
// are gone, and computes cur.Summary again.
func ApplyBaseline(cur, base *Report) error {
	b, err := NewBaseline(base)
	if err != nil {
		return err
	}
	if err := cur.EachTenant(func(t *Tenant) error { b.Mark(t); return nil }); err != nil {
		return err
	}
	if cur.Resolved, err = b.Resolved(); err != nil {
		return err
	}
	cur.Summary, err = summarize(cur, true)
	return err
}

// NewFailures counts the unwaived failing findings that are new since the
// baseline, or reopened (waived then, not now), whose control severity is
// at least minSeverity. It reads the summary.
func (r *Report) NewFailures(minSeverity string) int {
	if r.Summary.Drift == nil {
		return 0
	}
	return countAtLeast(r.Summary.Drift.NewFindings, minSeverity)
}
