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
	sum := FingerprintSum(tenantID, controlID, r)
	return hex.EncodeToString(sum[:])
}

// FingerprintSum is the fingerprint as 16 bytes, for indexes that keep
// many of them.
func FingerprintSum(tenantID, controlID string, r Resource) [16]byte {
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

// Read decodes a JSON report written by the JSON writer
// (report/format/json); a status that is not known is an error (see
// Tenant.CheckStatuses).
func Read(r io.Reader) (*Report, error) {
	var rep Report
	dec := json.NewDecoder(r)
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	if rep.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("read report: schemaVersion %d, want %d", rep.SchemaVersion, SchemaVersion)
	}
	for i := range rep.Tenants {
		if err := rep.Tenants[i].CheckStatuses(); err != nil {
			return nil, fmt.Errorf("read report: %w", err)
		}
	}
	return &rep, nil
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

// DriftLists splits the findings of r by drift (new, unchanged), each with
// its tenant and control set; the resolved ones are EachResolved's.
func (r *Report) DriftLists() (added, unchanged []Finding, err error) {
	added, unchanged = []Finding{}, []Finding{}
	err = r.EachTenant(func(t *Tenant) error {
		for _, c := range t.Controls {
			for _, f := range c.Findings {
				f.TenantID, f.ControlID = t.TenantID, c.ID
				if f.Drift == DriftNew {
					added = append(added, f)
				} else if f.Drift == DriftUnchanged {
					unchanged = append(unchanged, f)
				}
			}
		}
		return nil
	})
	return added, unchanged, err
}
