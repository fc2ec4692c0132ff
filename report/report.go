// Package report holds the results of a scan (the JSON report's schema) and
// the writers that render them. It depends only on the standard library: the
// scanner produces these types, the writers read them, and nothing here knows
// about Rego.
package report

import (
	"strings"
	"time"
)

// SchemaVersion is the version of the JSON report format. It changes only
// when a field is removed or changes meaning; new fields do not bump it.
const SchemaVersion = 1

// Control statuses. A control result has exactly one of them.
const (
	StatusPass   = "pass"   // the control was evaluated and nothing offends it
	StatusFail   = "fail"   // at least one resource offends the control
	StatusWarn   = "warn"   // a recommendation is not met
	StatusSkip   = "skip"   // not applicable to this snapshot; Reason says why
	StatusWaived = "waived" // every finding is covered by a waiver
	StatusError  = "error"  // the control could not be evaluated; Reason says why
)

// Severities, from most to least severe.
const (
	SeverityCritical = "critical"
	SeverityHigh     = "high"
	SeverityMedium   = "medium"
	SeverityLow      = "low"
)

// Severities lists the severities from most to least severe.
var Severities = []string{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow}

// SeverityRank orders severities: critical is 4, low is 1, anything else 0.
func SeverityRank(s string) int {
	switch s {
	case SeverityCritical:
		return 4
	case SeverityHigh:
		return 3
	case SeverityMedium:
		return 2
	case SeverityLow:
		return 1
	}
	return 0
}

// Report is the outcome of one scan run.
type Report struct {
	SchemaVersion int       `json:"schemaVersion"`
	Tool          Tool      `json:"tool"`
	StartedAt     time.Time `json:"startedAt"`
	FinishedAt    time.Time `json:"finishedAt"`
	Controls      []Control `json:"controls"`
	Tenants       []Tenant  `json:"tenants"`
	// Resolved lists the baseline findings gone since (with --baseline),
	// when the report holds them in memory; read them with EachResolved
	// and count them with ResolvedCount, which also see a spooled list
	// (see UseResolvedSpool).
	Resolved []Finding `json:"resolved"`
	Summary  Summary   `json:"summary"`
	// Superseded lists the snapshots left out because a newer snapshot of
	// the same tenant was scanned (see Superseded).
	Superseded []Superseded `json:"superseded,omitempty"`
	// UnusedWaivers are waivers that matched no finding: stale waivers are
	// an audit finding of their own.
	UnusedWaivers []Waiver `json:"unusedWaivers,omitempty"`
	// Parameters records how the scan was run (paths, policies, data,
	// fail-on …), for the auditor reading the report later.
	Parameters []Parameter `json:"parameters,omitempty"`
	// Waivers lists every waiver of the run with its state (used, unused,
	// expired) and the findings it covers (with --waivers only).
	Waivers []WaiverUse `json:"waivers,omitempty"`
	// Policy names the policy set the scan evaluated.
	Policy *PolicySet `json:"policy,omitempty"`
	// Trend is the last runs before this one, oldest first (with
	// --history only).
	Trend []TrendPoint `json:"trend,omitempty"`

	// spool holds the tenants, instead of Tenants, when the scan kept
	// them on disk (see UseSpool); spooled lists them in order.
	spool   *Spool
	spooled []SpoolRef
	// resolvedSpool holds the resolved findings, instead of Resolved,
	// when they are kept on disk (see UseResolvedSpool).
	resolvedSpool *FindingSpool
}

// Superseded is a snapshot left out of a report because another snapshot
// of the same tenant (tenant ids compared case-insensitively) was exported
// later: the report holds one verdict per tenant, the newest. It is in no
// count, format or metric but this list (and the metric
// tenantscan_snapshots_superseded).
type Superseded struct {
	Snapshot   string `json:"snapshot"`
	TenantID   string `json:"tenantId"`
	ExportedAt string `json:"exportedAt"`
	// By is the snapshot scanned instead, and ByExportedAt its time.
	By           string `json:"by"`
	ByExportedAt string `json:"byExportedAt"`
}

// Parameter is one setting of the scan, as text.
type Parameter struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Tool names the program that produced the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Control is one entry of the control catalogue, read from the policy's
// METADATA annotations.
type Control struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Severity    string `json:"severity"`
	Source      string `json:"source"`
	Description string `json:"description"`
	Remediation string `json:"remediation"`
	Reference   string `json:"reference,omitempty"`
	// Phase places the control in the Microsoft procedure: prerequisites,
	// provisioning, permissions, configuration or connectors.
	Phase string `json:"phase,omitempty"`
	// Package is the Rego package that implements the control.
	Package string `json:"package,omitempty"`
}

// Tenant is the result of one snapshot: either the verdict of every control,
// or an error explaining why the snapshot could not be evaluated.
type Tenant struct {
	Snapshot    string    `json:"snapshot"`
	TenantID    string    `json:"tenantId"`
	DisplayName string    `json:"displayName"`
	Status      string    `json:"status"` // pass | fail | error | notApplicable
	Readiness   Readiness `json:"readiness"`
	Error       *string   `json:"error"`
	// ExportedAt is the snapshot's exportedAt, as written there.
	ExportedAt string `json:"exportedAt,omitempty"`
	// Unread is true for a tenant in error whose snapshot was never read
	// into a document (unreadable, undecodable, not reached before a
	// deadline): its age is unknown because of that, not because the
	// snapshot lacks an exportedAt (SetAge), and ExportedAt is empty.
	// Reports show it in the age's text only.
	Unread bool `json:"-"`
	// Age is the snapshot's age when the scan started, and whether it is
	// stale (see Age).
	Age *Age `json:"age,omitempty"`
	// Warnings are what the export says about itself (exporter.warnings of
	// the snapshot, and the records an import left out): facts not
	// exported, team roles not considered, system users left out. Reports
	// show them with the tenant, so no verdict hides its context.
	Warnings []string        `json:"warnings,omitempty"`
	Controls []ControlResult `json:"controls"`
}

// Tenant statuses. A tenant is notApplicable when nothing failed or
// errored and no Dynamics 365 instance uses Office 365 Groups: nothing was
// assessed, so it is never pass.
const (
	TenantPass          = "pass"
	TenantFail          = "fail"
	TenantError         = "error"
	TenantNotApplicable = "notApplicable"
)

// Readiness states.
const (
	// ReadinessReady: no control of severity critical or high fails or
	// errors, and an instance uses Groups.
	ReadinessReady = "ready"
	// ReadinessNotReady: a critical or high control fails or errors.
	ReadinessNotReady = "notReady"
	// ReadinessNotApplicable: no Dynamics 365 instance uses Office 365
	// Groups (usesGroups: true), so nothing was assessed.
	ReadinessNotApplicable = "notApplicable"
	// ReadinessNotEvaluated: the snapshot could not be loaded; Reason says
	// why.
	ReadinessNotEvaluated = "notEvaluated"
)

// Readiness is the pre-rollout verdict of a tenant: ready when an instance
// uses Groups and no control of severity critical or high fails or errors.
// Blocking lists those controls in the order of the Microsoft procedure.
type Readiness struct {
	Ready bool `json:"ready"`
	// State is one of the Readiness states; Ready is true only for ready.
	State string `json:"state,omitempty"`
	// Reason says why a tenant is not applicable or not evaluated.
	Reason   string   `json:"reason,omitempty"`
	Blocking []string `json:"blocking"`
}

// Verdict is the readiness state, also for reports written before states
// existed (which have only Ready).
func (r Readiness) Verdict() string {
	switch {
	case r.State != "":
		return r.State
	case r.Ready:
		return ReadinessReady
	}
	return ReadinessNotReady
}

// Label is the readiness as reports show it: READY, NOT READY, NOT
// APPLICABLE or NOT EVALUATED; a state none of these (read from a report
// not checked, see Tenant.CheckStatuses) shows as itself, upper case,
// never as another verdict.
func (r Readiness) Label() string {
	switch v := r.Verdict(); v {
	case ReadinessReady:
		return "READY"
	case ReadinessNotReady:
		return "NOT READY"
	case ReadinessNotApplicable:
		return "NOT APPLICABLE"
	case ReadinessNotEvaluated:
		return "NOT EVALUATED"
	default: // shown as it is, so no verdict reads as another
		return strings.ToUpper(v)
	}
}

// StatusLabel is a tenant status as reports show it, upper case.
func StatusLabel(status string) string {
	if status == TenantNotApplicable {
		return "N/A"
	}
	return strings.ToUpper(status)
}

// ControlResult is the verdict of one control on one tenant.
type ControlResult struct {
	ID       string    `json:"id"`
	Status   string    `json:"status"`
	Reason   *string   `json:"reason"`
	Notes    []string  `json:"notes,omitempty"`
	Findings []Finding `json:"findings"`
}

// Finding is one offending resource. Its Evidence is read-only: findings
// of one control may share one map (the policy engine converts a shared
// evidence value once).
type Finding struct {
	// ControlID and TenantID are set only in resolved findings (see
	// Report.EachResolved), where the
	// finding stands outside its tenant and control.
	ControlID string         `json:"controlId,omitempty"`
	TenantID  string         `json:"tenantId,omitempty"`
	Message   string         `json:"message"`
	Resource  Resource       `json:"resource"`
	Path      string         `json:"path"`
	Evidence  map[string]any `json:"evidence"`
	// Warning is true for a finding of a recommendation (status warn).
	Warning bool   `json:"warning,omitempty"`
	Drift   string `json:"drift,omitempty"`
	// Reopened is true (with --baseline) when the finding was waived in
	// the baseline and is not now: its waiver expired or was removed.
	Reopened bool    `json:"reopened,omitempty"`
	Waiver   *Waiver `json:"waiver"`
	// FirstSeen is the date (YYYY-MM-DD, UTC) the run history first saw
	// the finding, this run's date for one it never saw; empty without a
	// history (scan --history).
	FirstSeen string `json:"firstSeen,omitempty"`
}

// Resource identifies what a finding is about.
type Resource struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Waiver records a waiver: on a finding, the one that covers it (or that
// did, when Expired); in Report.UnusedWaivers, one that matched nothing.
type Waiver struct {
	Control  string `json:"control"`
	Tenant   string `json:"tenant"`
	Resource string `json:"resource"`
	Reason   string `json:"reason"`
	Owner    string `json:"owner"`
	Expires  string `json:"expires"` // YYYY-MM-DD, valid through that day (UTC)
	// Expired is true when the waiver matched but its date has passed: the
	// finding counts again.
	Expired bool `json:"expired,omitempty"`
	// File and Line locate the waiver in its file.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// WaiverSummary counts waived findings, findings whose waiver expired, and
// waivers that matched nothing.
type WaiverSummary struct {
	Waived  int `json:"waived"`
	Expired int `json:"expired"`
	Unused  int `json:"unused"`
}

// Fails reports whether finding f of control result c counts as a
// failure. It is the one rule every count uses (the summary and --fail-on,
// the severity columns, the workbook's action plan, the metrics): the
// control fails, or is in error (a control in error still lists what it
// established for the resources whose data was complete, and its status
// stays error), and the finding is not a warning, not waived, and not
// carried over from the baseline for a control in error.
func (c ControlResult) Fails(f Finding) bool {
	return (c.Status == StatusFail || c.Status == StatusError) && !f.Warning && !f.Waived() && f.Drift != DriftCarried
}

// Waived reports whether a live waiver covers the finding.
func (f Finding) Waived() bool { return f.Waiver != nil && !f.Waiver.Expired }

// Summary counts the tenants by status and the failing findings by severity.
type Summary struct {
	Tenants int `json:"tenants"`
	Pass    int `json:"pass"`
	Fail    int `json:"fail"`
	Error   int `json:"error"`
	// NotApplicable counts tenants where no instance uses Groups.
	NotApplicable int            `json:"notApplicable"`
	Findings      map[string]int `json:"findings"`
	// Drift counts findings against the baseline (with --baseline only).
	Drift *DriftSummary `json:"drift,omitempty"`
	// Waivers counts waived findings and waivers by state (with --waivers).
	Waivers *WaiverSummary `json:"waivers,omitempty"`
	// Stale counts tenants whose snapshot is older than --max-age, and
	// AgeUnknown those whose age could not be told (no exportedAt).
	Stale      int `json:"stale,omitempty"`
	AgeUnknown int `json:"ageUnknown,omitempty"`
}

// PolicySet names what a scan evaluated: the built-in controls (with the
// digest of their files, so two reports can tell they used the same
// ones), the --policy folders added to them and the --data files merged
// over the built-in data.
type PolicySet struct {
	BuiltIn string   `json:"builtIn"`
	Paths   []string `json:"paths,omitempty"`
	Data    []string `json:"data,omitempty"`
}
