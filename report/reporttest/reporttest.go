// Package reporttest holds the hand-written reports the report package and
// its writers are tested with.
package reporttest

import (
	"strings"
	"time"

	"github.com/tenantscan/tenantscan/report"
)

func strPtr(s string) *string { return &s }

// Sample is a report with a passing, a failing and a broken tenant.
func Sample() *report.Report {
	controls := []report.Control{
		{ID: "O365G-001", Title: "Dynamics 365 instances that use Groups are online", Severity: "critical", Source: "A1", Phase: "prerequisites"},
		{ID: "O365G-004", Title: "Dynamics users hold an Office 365 Enterprise E3-or-later licence", Severity: "high", Source: "A3", Phase: "prerequisites"},
		{ID: "O365G-016", Title: "Connector activity types are tasks only", Severity: "low", Source: "A13", Phase: "connectors"},
	}
	notExported := "snapshot lacks groups (not exported)"
	broken := "snapshots/broken.yaml:8:71: /users/0/accountEnabled: got string, want boolean"
	unevaluated := "the snapshot could not be evaluated"
	return &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "tenantscan", Version: "test"},
		StartedAt:     time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC),
		FinishedAt:    time.Date(2026, 11, 28, 10, 0, 2, 0, time.UTC),
		Controls:      controls,
		Tenants: []report.Tenant{
			{Snapshot: "snapshots/contoso.yaml", TenantID: "7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11", DisplayName: "Contoso Ltd",
				Status: report.TenantPass, Readiness: report.Readiness{Ready: true, Blocking: []string{}},
				Controls: []report.ControlResult{
					{ID: "O365G-001", Status: report.StatusPass, Notes: []string{"instance legacy is out of scope: usesGroups is not true"}, Findings: []report.Finding{}},
					{ID: "O365G-004", Status: report.StatusPass, Findings: []report.Finding{}},
					{ID: "O365G-016", Status: report.StatusSkip, Reason: strPtr("no group has a connector"), Findings: []report.Finding{}},
				}},
			{Snapshot: "snapshots/fabrikam.yaml", TenantID: "3f6a1c52-9d0e-4b7a-8c21-5e4d3b2a1f00", DisplayName: "Fabrikam Inc.",
				Status: report.TenantFail, Readiness: report.Readiness{Ready: false, Blocking: []string{"O365G-001", "O365G-004"}},
				Controls: []report.ControlResult{
					{ID: "O365G-001", Status: report.StatusFail, Findings: []report.Finding{
						{Message: "instance fabrikam-crm is deployed onpremises, not online", Resource: report.Resource{Kind: "dynamicsInstance", ID: "fabrikam-crm"},
							Path: "/dynamics/0", Evidence: map[string]any{"deployment": "onpremises"}},
					}},
					{ID: "O365G-004", Status: report.StatusFail, Findings: []report.Finding{
						{Message: "bob@fabrikam.com has no E3-or-later licence (has STANDARDPACK)", Resource: report.Resource{Kind: "user", ID: "bob@fabrikam.com"},
							Path: "/users/1", Evidence: map[string]any{"licenses": []any{"STANDARDPACK"}}},
						{Message: "gustav@fabrikam.com has no E3-or-later licence (has FABRIKAM_CUSTOM_BUNDLE (unknown SKU), STANDARDWOFFPACK, DESKLESSPACK)",
							Resource: report.Resource{Kind: "user", ID: "gustav@fabrikam.com"}, Path: "/users/3", Evidence: map[string]any{}},
					}},
					{ID: "O365G-016", Status: report.StatusError, Reason: &notExported, Findings: []report.Finding{}},
				}},
			{Snapshot: "snapshots/broken.yaml", Status: report.TenantError, Error: &broken, Readiness: report.Readiness{Blocking: []string{}},
				Controls: []report.ControlResult{
					{ID: "O365G-001", Status: report.StatusError, Reason: &unevaluated, Findings: []report.Finding{}},
					{ID: "O365G-004", Status: report.StatusError, Reason: &unevaluated, Findings: []report.Finding{}},
					{ID: "O365G-016", Status: report.StatusError, Reason: &unevaluated, Findings: []report.Finding{}},
				}},
		},
		Resolved: []report.Finding{},
		Summary:  report.Summary{Tenants: 3, Pass: 1, Fail: 1, Error: 1, Findings: map[string]int{"critical": 1, "high": 2, "medium": 0, "low": 0}},
	}
}

// HostileTexts are texts an attacker can put in a snapshot.
var HostileTexts = []string{
	`=HYPERLINK("http://evil.example","x")`,
	"+cmd|' /C calc'!A0",
	"-2+3",
	"@SUM(A1:A9)",
	"\tTAB",
	"\rCR",
	"<script>alert(1)</script>",
	`"><img src=x onerror=alert(2)>`,
	"[link](javascript:alert(3)) *bold* | pipe `code`",
}

// Hostile is Sample with attacker-controlled texts everywhere a
// snapshot reaches: tenant name, resource ids, messages, evidence, errors.
func Hostile() *report.Report {
	r := Sample()
	for i := range r.Tenants {
		r.Tenants[i].DisplayName = HostileTexts[i%len(HostileTexts)]
	}
	fs := r.Tenants[1].Controls[1].Findings
	fs = fs[:0]
	for i, h := range HostileTexts {
		fs = append(fs, report.Finding{Message: h, Resource: report.Resource{Kind: "user", ID: HostileTexts[(i+1)%len(HostileTexts)]},
			Path: "/users/" + string(rune('0'+i)), Evidence: map[string]any{"name": h, "list": []any{h}}})
	}
	r.Tenants[1].Controls[1].Findings = fs
	e := strings.Join(HostileTexts, "\n")
	r.Tenants[2].Error = &e
	return r
}

// Audit is Sample as an auditor's run sees it: snapshot ages (Fabrikam's
// stale, the broken one's unknown), a waived finding with the run's
// waivers (used, unused, expired), drift against a baseline (a new, an
// unchanged and a resolved finding), the policy set and the maximum age.
func Audit() *report.Report {
	r := Sample()
	days := func(n int64) *int64 { s := n * 86400; return &s }
	r.Tenants[0].ExportedAt = "2026-11-20T08:00:00Z"
	r.Tenants[0].Age = &report.Age{Seconds: days(8), Text: "8 days"}
	r.Tenants[1].ExportedAt = "2025-10-01T00:00:00Z"
	r.Tenants[1].Age = &report.Age{Seconds: days(423), Text: "423 days", Stale: true}
	r.Tenants[2].Age = &report.Age{Text: "unknown age (the snapshot has no exportedAt)", Unknown: true}
	used := report.Waiver{Control: "O365G-004", Tenant: "*", Resource: "bob@*", Reason: "Licence ordered, PO 4711",
		Owner: "it-licensing@fabrikam.com", Expires: "2027-01-31", File: "waivers.yaml", Line: 3}
	unused := report.Waiver{Control: "O365G-016", Tenant: "*", Resource: "*", Reason: "connectors retired",
		Owner: "collab@fabrikam.com", Expires: "2027-06-30", File: "waivers.yaml", Line: 9}
	expired := report.Waiver{Control: "O365G-001", Tenant: "*", Resource: "legacy-*", Reason: "legacy instance retired",
		Owner: "crm@fabrikam.com", Expires: "2026-10-31", File: "waivers.yaml", Line: 15, Expired: true}
	fab := &r.Tenants[1]
	fab.Controls[0].Findings[0].Drift = report.DriftUnchanged
	bob := &fab.Controls[1].Findings[0]
	bob.Waiver, bob.Drift = &used, report.DriftUnchanged
	fab.Controls[1].Findings[1].Drift = report.DriftNew
	r.Resolved = []report.Finding{{ControlID: "O365G-004", TenantID: fab.TenantID, Message: "cleo@fabrikam.com has no E3-or-later licence (has STANDARDPACK)",
		Resource: report.Resource{Kind: "user", ID: "cleo@fabrikam.com"}, Path: "/users/2", Evidence: map[string]any{}}}
	r.UnusedWaivers = []report.Waiver{unused, expired}
	r.Waivers = []report.WaiverUse{
		{Waiver: used, State: report.WaiverUsed, Covers: 1, Findings: []report.WaiverCover{{TenantID: fab.TenantID, Tenant: "Fabrikam Inc.",
			ControlID: "O365G-004", Resource: "bob@fabrikam.com", Fingerprint: report.Fingerprint(fab.TenantID, "O365G-004", bob.Resource)}}},
		{Waiver: unused, State: report.WaiverUnused, Findings: []report.WaiverCover{}},
		{Waiver: expired, State: report.WaiverExpired, Findings: []report.WaiverCover{}},
	}
	r.Summary.Findings[report.SeverityHigh] = 1
	r.Summary.Drift = &report.DriftSummary{New: 1, Unchanged: 2, Resolved: 1, NewFindings: map[string]int{report.SeverityHigh: 1}}
	r.Summary.Waivers = &report.WaiverSummary{Waived: 1, Unused: 2}
	r.Summary.Stale, r.Summary.AgeUnknown = 1, 1
	r.Parameters = []report.Parameter{{Name: "waivers", Value: "waivers.yaml"}, {Name: "max-age", Value: "30d"}, {Name: "fail-on", Value: "high"}}
	r.Policy = &report.PolicySet{BuiltIn: "tenantscan test built-in controls (sha256 0123456789ab)"}
	return r
}
