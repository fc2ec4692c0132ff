package report_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/tenantscan/tenantscan/report"
)

// A blocking control lists the resources its next step is about: those of
// its failing findings (not the waived ones, each once), the first
// ResourcesShown and how many more; with no failing finding, those of all
// its findings.
func TestBlockingControlListsResources(t *testing.T) {
	user := func(id string) report.Resource { return report.Resource{Kind: "user", ID: id} }
	many := []report.Finding{{Resource: user("waived"), Waiver: &report.Waiver{Expires: "2099-01-01"}}}
	var want []string
	for i := range 12 {
		id := fmt.Sprintf("u%02d@x.com", i)
		many = append(many, report.Finding{Resource: user(id)}, report.Finding{Resource: user(id)})
		if i < report.ResourcesShown {
			want = append(want, id)
		}
	}
	tests := []struct {
		name     string
		res      report.ControlResult
		want     []string
		wantMore int
	}{
		{"failing, waived left out, each once, first ten", report.ControlResult{ID: "C-1", Status: report.StatusFail, Findings: many}, want, 2},
		{"warnings only", report.ControlResult{ID: "C-1", Status: report.StatusWarn, Findings: []report.Finding{{Warning: true, Resource: user("w@x.com")}}}, []string{"w@x.com"}, 0},
		{"in error without findings", report.ControlResult{ID: "C-1", Status: report.StatusError}, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &report.Report{
				Controls: []report.Control{{ID: "C-1", Title: "t", Severity: report.SeverityHigh}},
				Tenants: []report.Tenant{{TenantID: "a", Status: report.TenantFail, Controls: []report.ControlResult{tc.res},
					Readiness: report.Readiness{State: report.ReadinessNotReady, Blocking: []string{"C-1"}}}},
			}
			got, err := r.Readiness()
			if err != nil {
				t.Fatal(err)
			}
			b := got[0].Blocking[0]
			if !slices.Equal(b.Resources, tc.want) || b.MoreResources != tc.wantMore {
				t.Errorf("resources %v and %d more, want %v and %d more", b.Resources, b.MoreResources, tc.want, tc.wantMore)
			}
		})
	}
}
