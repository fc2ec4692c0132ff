package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Drift marks of a finding against a baseline report.
const (
	DriftNew       = "new"
	DriftUnchanged = "unchanged"
)

// Fingerprint identifies a finding across runs: the tenant id, the control
// id and the resource kind and id, hashed (SHA-256, first 16 bytes, hex).
// Messages and evidence may change between runs; the fingerprint does not.
func Fingerprint(tenantID, controlID string, r Resource) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{tenantID, controlID, r.Kind, r.ID}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// DriftSummary counts findings by drift.
type DriftSummary struct {
	New       int `json:"new"`
	Unchanged int `json:"unchanged"`
	Resolved  int `json:"resolved"`
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

// ApplyBaseline marks every finding of cur as new or unchanged against
// base, fills cur.Resolved with the base findings that are gone, and sets
// cur.Summary.Drift. A finding counts as resolved only when its tenant and
// control were evaluated in both runs: a tenant in error now has resolved
// nothing.
func ApplyBaseline(cur, base *Report) {
	seen := map[string]bool{}
	waived := map[string]bool{}
	for _, t := range base.Tenants {
		for _, c := range t.Controls {
			for _, f := range c.Findings {
				fp := Fingerprint(t.TenantID, c.ID, f.Resource)
				seen[fp] = true
				waived[fp] = f.Waived()
			}
		}
	}
	now := map[string]bool{}
	evaluatedNow := map[string]bool{} // tenant id + control id
	d := DriftSummary{}
	for ti := range cur.Tenants {
		t := &cur.Tenants[ti]
		for ci := range t.Controls {
			c := &t.Controls[ci]
			if evaluated(c.Status) {
				evaluatedNow[t.TenantID+"\x00"+c.ID] = true
			}
			for fi := range c.Findings {
				f := &c.Findings[fi]
				fp := Fingerprint(t.TenantID, c.ID, f.Resource)
				now[fp] = true
				if seen[fp] {
					f.Drift = DriftUnchanged
					f.Reopened = waived[fp] && !f.Waived()
					d.Unchanged++
				} else {
					f.Drift = DriftNew
					d.New++
				}
			}
		}
	}
	cur.Resolved = []Finding{}
	for _, t := range base.Tenants {
		for _, c := range t.Controls {
			if !evaluatedNow[t.TenantID+"\x00"+c.ID] {
				continue
			}
			for _, f := range c.Findings {
				if now[Fingerprint(t.TenantID, c.ID, f.Resource)] {
					continue
				}
				f.ControlID, f.TenantID, f.Drift, f.Reopened, f.Waiver = c.ID, t.TenantID, "", false, nil
				cur.Resolved = append(cur.Resolved, f)
			}
		}
	}
	d.Resolved = len(cur.Resolved)
	cur.Summary.Drift = &d
}

// NewFailures counts the unwaived failing findings that are new since the
// baseline, or reopened (waived then, not now), whose control severity is
// at least minSeverity.
func (r *Report) NewFailures(minSeverity string) int {
	return r.countFailures(minSeverity, func(f Finding) bool { return f.Drift == DriftNew || f.Reopened })
}
