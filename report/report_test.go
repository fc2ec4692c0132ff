package report

import (
	goldenfile "github.com/tenantscan/tenantscan/internal/golden"

	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func strPtr(s string) *string { return &s }

// sample is a report with a passing, a failing and a broken tenant.
func sample() *Report {
	controls := []Control{
		{ID: "O365G-001", Title: "Dynamics 365 instances that use Groups are online", Severity: "critical", Source: "A1", Phase: "prerequisites"},
		{ID: "O365G-004", Title: "Dynamics users hold an Office 365 Enterprise E3-or-later licence", Severity: "high", Source: "A3", Phase: "prerequisites"},
		{ID: "O365G-016", Title: "Connector activity types are tasks only", Severity: "low", Source: "A13", Phase: "connectors"},
	}
	notExported := "snapshot lacks groups (not exported)"
	broken := "snapshots/broken.yaml:8:71: /users/0/accountEnabled: got string, want boolean"
	unevaluated := "the snapshot could not be evaluated"
	return &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "tenantscan", Version: "test"},
		StartedAt:     time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC),
		FinishedAt:    time.Date(2026, 11, 28, 10, 0, 2, 0, time.UTC),
		Controls:      controls,
		Tenants: []Tenant{
			{Snapshot: "snapshots/contoso.yaml", TenantID: "7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11", DisplayName: "Contoso Ltd",
				Status: TenantPass, Readiness: Readiness{Ready: true, Blocking: []string{}},
				Controls: []ControlResult{
					{ID: "O365G-001", Status: StatusPass, Notes: []string{"instance legacy is out of scope: usesGroups is not true"}, Findings: []Finding{}},
					{ID: "O365G-004", Status: StatusPass, Findings: []Finding{}},
					{ID: "O365G-016", Status: StatusSkip, Reason: strPtr("no group has a connector"), Findings: []Finding{}},
				}},
			{Snapshot: "snapshots/fabrikam.yaml", TenantID: "3f6a1c52-9d0e-4b7a-8c21-5e4d3b2a1f00", DisplayName: "Fabrikam Inc.",
				Status: TenantFail, Readiness: Readiness{Ready: false, Blocking: []string{"O365G-001", "O365G-004"}},
				Controls: []ControlResult{
					{ID: "O365G-001", Status: StatusFail, Findings: []Finding{
						{Message: "instance fabrikam-crm is deployed onpremises, not online", Resource: Resource{Kind: "dynamicsInstance", ID: "fabrikam-crm"},
							Path: "/dynamics/0", Evidence: map[string]any{"deployment": "onpremises"}},
					}},
					{ID: "O365G-004", Status: StatusFail, Findings: []Finding{
						{Message: "bob@fabrikam.com has no E3-or-later licence (has STANDARDPACK)", Resource: Resource{Kind: "user", ID: "bob@fabrikam.com"},
							Path: "/users/1", Evidence: map[string]any{"licenses": []any{"STANDARDPACK"}}},
						{Message: "gustav@fabrikam.com has no E3-or-later licence (has FABRIKAM_CUSTOM_BUNDLE (unknown SKU), STANDARDWOFFPACK, DESKLESSPACK)",
							Resource: Resource{Kind: "user", ID: "gustav@fabrikam.com"}, Path: "/users/3", Evidence: map[string]any{}},
					}},
					{ID: "O365G-016", Status: StatusError, Reason: &notExported, Findings: []Finding{}},
				}},
			{Snapshot: "snapshots/broken.yaml", Status: TenantError, Error: &broken, Readiness: Readiness{Blocking: []string{}},
				Controls: []ControlResult{
					{ID: "O365G-001", Status: StatusError, Reason: &unevaluated, Findings: []Finding{}},
					{ID: "O365G-004", Status: StatusError, Reason: &unevaluated, Findings: []Finding{}},
					{ID: "O365G-016", Status: StatusError, Reason: &unevaluated, Findings: []Finding{}},
				}},
		},
		Resolved: []Finding{},
		Summary:  Summary{Tenants: 3, Pass: 1, Fail: 1, Error: 1, Findings: map[string]int{"critical": 1, "high": 2, "medium": 0, "low": 0}},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Compare(t, filepath.Join("testdata", name), got)
}

func TestWritersGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		writer Writer
		golden string
	}{
		{"table", Table{}, "table.golden.txt"},
		{"table with colour", Table{Color: true}, "table-color.golden.txt"},
		{"json", JSON{}, "report.golden.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Render(tc.writer, sample())
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.golden, got)
		})
	}
}

func TestTableFitsWidth(t *testing.T) {
	t.Parallel()
	r := sample()
	r.Tenants[1].Controls[0].Findings[0].Message = "instance " + strings.Repeat("x", 150) + " is on premises"
	for _, width := range []int{80, 100} {
		out, err := Render(Table{Width: width}, r)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(out), "\n") {
			if n := visibleLen(line); n > width {
				t.Errorf("width %d: line %d is %d columns: %q", width, i+1, n, line)
			}
		}
	}
}

func TestTableColourOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	plain, _ := Render(Table{}, sample())
	if bytes.Contains(plain, []byte("\x1b[")) {
		t.Error("a table without Color holds ANSI escapes")
	}
	coloured, _ := Render(Table{Color: true}, sample())
	if !bytes.Contains(coloured, []byte(ansiRed+"FAIL")) {
		t.Error("a table with Color does not colour FAIL")
	}
}

func TestJSONContract(t *testing.T) {
	t.Parallel()
	out, err := Render(JSON{}, sample())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"schemaVersion", "tool", "startedAt", "finishedAt", "controls", "tenants", "resolved", "summary"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("report lacks %q", key)
		}
	}
	tenant := doc["tenants"].([]any)[1].(map[string]any)
	for _, key := range []string{"snapshot", "tenantId", "displayName", "status", "readiness", "error", "controls"} {
		if _, ok := tenant[key]; !ok {
			t.Errorf("tenant lacks %q", key)
		}
	}
	control := tenant["controls"].([]any)[0].(map[string]any)
	finding := control["findings"].([]any)[0].(map[string]any)
	for _, key := range []string{"message", "resource", "path", "evidence", "waiver"} {
		if _, ok := finding[key]; !ok {
			t.Errorf("finding lacks %q", key)
		}
	}
	if _, ok := control["reason"]; !ok {
		t.Error("control result lacks reason (null when unused)")
	}
}

func TestFailuresAndErrors(t *testing.T) {
	t.Parallel()
	r := sample()
	tests := []struct {
		severity string
		want     int
	}{{"critical", 1}, {"high", 3}, {"medium", 3}, {"low", 3}}
	for _, tc := range tests {
		if got := r.Failures(tc.severity); got != tc.want {
			t.Errorf("Failures(%s) = %d, want %d", tc.severity, got, tc.want)
		}
	}
	r.Tenants[1].Controls[0].Findings[0].Waiver = &Waiver{Reason: "migration planned", Owner: "it", Expires: "2027-01-01"}
	var err error
	if r.Summary, err = summarize(r, false); err != nil {
		t.Fatal(err)
	}
	if got := r.Failures("critical"); got != 0 {
		t.Errorf("a waived finding still counts: %d", got)
	}
	if got := r.Errors(); got != 1 {
		t.Errorf("Errors() = %d, want 1", got)
	}
}
