// Package report holds the results of a scan (the JSON report's schema) and
// the writers that render them. It depends only on the standard library: the
// scanner produces these types, the writers read them, and nothing here knows
// about Rego.
package report

import "time"

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
	Resolved      []Finding `json:"resolved"`
	Summary       Summary   `json:"summary"`
	// UnusedWaivers are waivers that matched no finding: stale waivers are
	// an audit finding of their own.
	UnusedWaivers []Waiver `json:"unusedWaivers,omitempty"`
	// Parameters records how the scan was run (paths, policies, data,
	// fail-on …), for the auditor reading the report later.
	Parameters []Parameter `json:"parameters,omitempty"`
	// Trend is the last runs before this one, oldest first (with
	// --history only).
	Trend []TrendPoint `json:"trend,omitempty"`

	// spool holds the tenants, instead of Tenants, when the scan kept
	// them on disk (see UseSpool); spooled lists them in order.
	spool   *Spool
	spooled []SpoolRef
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
	Snapshot    string          `json:"snapshot"`
	TenantID    string          `json:"tenantId"`
	DisplayName string          `json:"displayName"`
	Status      string          `json:"status"` // pass | fail | error
	Readiness   Readiness       `json:"readiness"`
	Error       *string         `json:"error"`
	ExportedAt  string          `json:"exportedAt,omitempty"` // the snapshot's exportedAt, as written there
	Controls    []ControlResult `json:"controls"`
}

// Tenant statuses.
const (
	TenantPass  = "pass"
	TenantFail  = "fail"
	TenantError = "error"
)

// Readiness is the pre-rollout verdict of a tenant: ready when no control of
// severity critical or high fails or errors. Blocking lists those controls in
// the order of the Microsoft procedure.
type Readiness struct {
	Ready    bool     `json:"ready"`
	Blocking []string `json:"blocking"`
}

// ControlResult is the verdict of one control on one tenant.
type ControlResult struct {
	ID       string    `json:"id"`
	Status   string    `json:"status"`
	Reason   *string   `json:"reason"`
	Notes    []string  `json:"notes,omitempty"`
	Findings []Finding `json:"findings"`
}

// Finding is one offending resource.
type Finding struct {
	// ControlID and TenantID are set only in Report.Resolved, where the
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

// Waived reports whether a live waiver covers the finding.
func (f Finding) Waived() bool { return f.Waiver != nil && !f.Waiver.Expired }

// Summary counts the tenants by status and the failing findings by severity.
type Summary struct {
	Tenants  int            `json:"tenants"`
	Pass     int            `json:"pass"`
	Fail     int            `json:"fail"`
	Error    int            `json:"error"`
	Findings map[string]int `json:"findings"`
	// Drift counts findings against the baseline (with --baseline only).
	Drift *DriftSummary `json:"drift,omitempty"`
	// Waivers counts waived findings and waivers by state (with --waivers).
	Waivers *WaiverSummary `json:"waivers,omitempty"`
}
