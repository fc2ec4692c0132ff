package report

import (
	"fmt"
	"slices"
	"strings"
)

// The statuses a report may hold. Every count, format and metric handles
// each of them by name; a status outside these lists is an error wherever
// it is met (reading a report back, counting, writing), never a tenant or
// control counted under another status or dropped.
var (
	// TenantStatuses are the statuses of a tenant.
	TenantStatuses = []string{TenantPass, TenantFail, TenantError, TenantNotApplicable}
	// ReadinessStates are the readiness states of a tenant; a report
	// written before states existed has none (see Readiness.Verdict).
	ReadinessStates = []string{ReadinessReady, ReadinessNotReady, ReadinessNotApplicable, ReadinessNotEvaluated}
	// ControlStatuses are the statuses of a control result.
	ControlStatuses = []string{StatusPass, StatusFail, StatusWarn, StatusSkip, StatusWaived, StatusError}
)

// UnknownStatusError is a status that is none of the known ones.
type UnknownStatusError struct {
	// What holds the status: "tenant", "readiness" or "control <id>".
	What string
	// Status is the status as found.
	Status string
	// Known are the statuses it could have been.
	Known []string
}

func (e *UnknownStatusError) Error() string {
	return fmt.Sprintf("unknown %s status %q (want %s)", e.What, e.Status, strings.Join(e.Known, ", "))
}

// UnknownTenantStatus is the error for a tenant status outside
// TenantStatuses, naming the tenant.
func UnknownTenantStatus(t *Tenant) error {
	return fmt.Errorf("tenant %s (%s): %w", TenantName(*t), t.Snapshot, &UnknownStatusError{What: "tenant", Status: t.Status, Known: TenantStatuses})
}

// UnknownReadiness is the error for a readiness state outside
// ReadinessStates, naming the tenant.
func UnknownReadiness(t *Tenant) error {
	return fmt.Errorf("tenant %s (%s): %w", TenantName(*t), t.Snapshot, &UnknownStatusError{What: "readiness", Status: t.Readiness.State, Known: ReadinessStates})
}

// UnknownControlStatus is the error for a control status outside
// ControlStatuses, naming the tenant and the control.
func UnknownControlStatus(t *Tenant, c ControlResult) error {
	return fmt.Errorf("tenant %s (%s): %w", TenantName(*t), t.Snapshot, &UnknownStatusError{What: "control " + c.ID, Status: c.Status, Known: ControlStatuses})
}

// CheckStatuses returns an error naming the first status of t that is not
// known: the tenant's, its readiness state's (empty is known) or one of
// its controls'. Reports read back (Read, ReadStream, DecodeTenant) are
// checked with it.
func (t *Tenant) CheckStatuses() error {
	if !slices.Contains(TenantStatuses, t.Status) {
		return UnknownTenantStatus(t)
	}
	if t.Readiness.State != "" && !slices.Contains(ReadinessStates, t.Readiness.State) {
		return UnknownReadiness(t)
	}
	for _, c := range t.Controls {
		if !slices.Contains(ControlStatuses, c.Status) {
			return UnknownControlStatus(t, c)
		}
	}
	return nil
}
