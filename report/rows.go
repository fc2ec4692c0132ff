package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// FindingRow is one finding flattened with its tenant and control, as the
// tabular formats (CSV, the workbook) list them.
type FindingRow struct {
	Tenant       string // display name, else tenant id, else snapshot
	TenantID     string
	Snapshot     string
	ControlID    string
	Title        string
	Severity     string
	Status       string // the finding's own status, see FindingStatus
	ResourceKind string
	ResourceID   string
	Message      string
	Evidence     string // readable text, see EvidenceText
	Path         string
	Drift        string
	Waiver       string // "reason (owner, expires …)" when waived
	FirstSeen    string // YYYY-MM-DD, from the run history; empty without
	// ExportedAt, Age and Stale are the snapshot's (see StaleText); empty
	// for a report written before ages existed.
	ExportedAt, Age, Stale string
}

// StaleText is a snapshot's stale flag as text: "true", "false",
// "unknown" (its age could not be told), "" when the report has no age.
func StaleText(a *Age) string {
	switch {
	case a == nil:
		return ""
	case a.Unknown:
		return "unknown"
	}
	return fmt.Sprint(a.Stale)
}

// EachFindingRow calls fn with every finding of the report, in report
// order, one tenant in memory at a time; it stops at the first error.
func EachFindingRow(r *Report, fn func(FindingRow) error) error {
	controls := r.ControlsByID()
	return r.EachTenant(func(t *Tenant) error {
		age := ""
		if t.Age != nil {
			age = t.Age.Text
		}
		for _, c := range t.Controls {
			ctl := controls[c.ID]
			for _, f := range c.Findings {
				err := fn(FindingRow{
					Tenant: TenantName(*t), TenantID: t.TenantID, Snapshot: t.Snapshot,
					ControlID: c.ID, Title: ctl.Title, Severity: ctl.Severity, Status: FindingStatus(f),
					ResourceKind: f.Resource.Kind, ResourceID: f.Resource.ID,
					Message: f.Message, Evidence: EvidenceText(f.Evidence), Path: f.Path,
					Drift: f.Drift, Waiver: WaiverText(f.Waiver), FirstSeen: f.FirstSeen,
					ExportedAt: t.ExportedAt, Age: age, Stale: StaleText(t.Age),
				})
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// FindingStatus is the status an auditor sees on one finding, so that a
// waived finding never reads as an open failure: waived (a live waiver
// covers it), carried (kept from the baseline for a control in error),
// warn (a recommendation), else fail — an expired waiver's finding fails
// again, as the summary counts it, and its waiver column says "expired".
func FindingStatus(f Finding) string {
	switch {
	case f.Waived():
		return StatusWaived
	case f.Drift == DriftCarried:
		return DriftCarried
	case f.Warning:
		return StatusWarn
	}
	return StatusFail
}

// ControlsByID indexes the catalogue.
func (r *Report) ControlsByID() map[string]Control {
	m := make(map[string]Control, len(r.Controls))
	for _, c := range r.Controls {
		m[c.ID] = c
	}
	return m
}

// TenantName is how reports title a tenant: its display name, else its id,
// else its snapshot.
func TenantName(t Tenant) string {
	switch {
	case t.DisplayName != "":
		return t.DisplayName
	case t.TenantID != "":
		return t.TenantID
	}
	return t.Snapshot
}

// WaiverText describes a waiver in one line; "" for none.
func WaiverText(w *Waiver) string {
	switch {
	case w == nil:
		return ""
	case w.Expired:
		return fmt.Sprintf("waiver expired on %s: %s (owner %s)", w.Expires, w.Reason, w.Owner)
	}
	return fmt.Sprintf("%s (owner %s, expires %s)", w.Reason, w.Owner, w.Expires)
}

// EvidenceText renders evidence as readable text, one "key: value" per
// field in key order, lists joined with commas: what an auditor reads in a
// spreadsheet cell instead of raw JSON.
func EvidenceText(ev map[string]any) string {
	keys := slices.Sorted(maps.Keys(ev))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+valueText(ev[k]))
	}
	return strings.Join(parts, "; ")
}

func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "(none)"
	case string:
		return x
	case []any:
		if len(x) == 0 {
			return "(none)"
		}
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, valueText(e))
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		if len(x) == 0 {
			return "(none)"
		}
		return "{" + EvidenceText(x) + "}"
	default:
		return fmt.Sprint(x)
	}
}

// StatusCounts counts a tenant's controls by status.
func StatusCounts(t Tenant) map[string]int {
	m := map[string]int{}
	for _, c := range t.Controls {
		m[c.Status]++
	}
	return m
}

// SeverityCounts counts a tenant's unwaived failing findings by the
// severity of their control.
func SeverityCounts(t Tenant, controls map[string]Control) map[string]int {
	m := map[string]int{}
	for _, c := range t.Controls {
		for _, f := range c.Findings {
			if c.Fails(f) {
				m[controls[c.ID].Severity]++
			}
		}
	}
	return m
}

// SeverityCountTexts are SeverityCounts as reports print them: "—", never
// 0, for a tenant whose snapshot could not be evaluated, so that a tenant
// nobody could check never reads as clean.
func SeverityCountTexts(t Tenant, controls map[string]Control) map[string]string {
	counts := SeverityCounts(t, controls)
	out := make(map[string]string, len(Severities))
	for _, s := range Severities {
		out[s] = fmt.Sprint(counts[s])
		if t.Unevaluated() {
			out[s] = NotCounted
		}
	}
	return out
}

// NotCounted stands in a count column for a tenant that was not evaluated.
const NotCounted = "—"

// MaybeMore follows a count that may be too low: some control of that
// severity could not be evaluated, so there may be failures nobody saw.
const MaybeMore = "+?"

// UnevaluatedBySeverity counts, by severity, the controls in error of a
// tenant that was evaluated in part (nil for a tenant evaluated whole or
// not at all): where it is not zero, the severity's count is what was
// established, and there may be more.
func UnevaluatedBySeverity(t Tenant, controls map[string]Control) map[string]int {
	if t.Unevaluated() {
		return nil
	}
	var m map[string]int
	for _, c := range t.Controls {
		if c.Status == StatusError {
			if m == nil {
				m = map[string]int{}
			}
			m[controls[c.ID].Severity]++
		}
	}
	return m
}

// PartialCountTexts are SeverityCountTexts with MaybeMore after each count
// that UnevaluatedBySeverity says may be too low ("0 +?"), for the formats
// whose count columns are text (Markdown, the workbook).
func PartialCountTexts(t Tenant, controls map[string]Control) map[string]string {
	out := SeverityCountTexts(t, controls)
	for s, n := range UnevaluatedBySeverity(t, controls) {
		if n > 0 {
			out[s] += " " + MaybeMore
		}
	}
	return out
}

// SupersededText says which snapshot was left out for which, as the text
// formats show it.
func SupersededText(x Superseded) string {
	return fmt.Sprintf("%s (tenant %s, exported %s) is left out: %s is newer (exported %s)",
		x.Snapshot, x.TenantID, x.ExportedAt, x.By, x.ByExportedAt)
}
