package history_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/history"
	"github.com/tenantscan/tenantscan/report"
)

// The failures a run records for a tenant are the ones its report's
// summary counts (report.ControlResult.Fails): a control in error keeps the
// failures it established; warnings and waived findings are not failures.
func TestTenantCountsFollowTheSummary(t *testing.T) {
	forEachKind(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		te := tenant("a", 2) // two high failures of C-1
		te.Controls[0].Findings = append(te.Controls[0].Findings,
			report.Finding{Message: "w", Warning: true, Resource: report.Resource{Kind: "user", ID: "warned"}},
			report.Finding{Message: "x", Resource: report.Resource{Kind: "user", ID: "waived"}, Waiver: &report.Waiver{Control: "C-1", Tenant: "*", Resource: "waived", Expires: "2099-01-01"}})
		// C-2 could not finish but established one low failure.
		te.Controls[1] = report.ControlResult{ID: "C-2", Status: report.StatusError,
			Findings: []report.Finding{{Message: "l", Resource: report.Resource{Kind: "user", ID: "u9"}}}}
		te.Status = report.TenantError
		want := map[string]int{}
		for _, c := range te.Controls {
			sev := map[string]string{"C-1": report.SeverityHigh, "C-2": report.SeverityLow}[c.ID]
			for _, f := range c.Findings {
				if c.Fails(f) {
					want[sev]++
				}
			}
		}
		if want[report.SeverityHigh] != 2 || want[report.SeverityLow] != 1 {
			t.Fatalf("test set-up: the summary's rule counts %v", want)
		}
		if _, err := s.Record(ctx, history.Run{At: day(1)}, controls, each(te)); err != nil {
			t.Fatal(err)
		}
		rows, err := s.Tenant(ctx, "a", 0)
		if err != nil || len(rows) != 1 {
			t.Fatalf("tenant history: %+v, %v", rows, err)
		}
		r := rows[0]
		if r.High != want[report.SeverityHigh] || r.Low != want[report.SeverityLow] || r.Waived != 1 {
			t.Errorf("recorded high %d, low %d, waived %d; the summary counts high %d, low %d, waived 1",
				r.High, r.Low, r.Waived, want[report.SeverityHigh], want[report.SeverityLow])
		}
	})
}

// A finding state the writer does not know is an error naming it, never
// taken for "unchanged".
func TestUnknownFindingStateIsAnError(t *testing.T) {
	forEachKind(t, func(t *testing.T, url string) {
		s := open(t, url)
		ctx := context.Background()
		if _, err := s.Record(ctx, history.Run{At: day(1)}, controls, each(tenant("a", 1))); err != nil {
			t.Fatal(err)
		}
		if _, err := rawDB(t, url).Exec(`UPDATE findings SET state = 'snoozed'`); err != nil {
			t.Fatal(err)
		}
		_, err := s.Record(ctx, history.Run{At: day(2)}, controls, each(tenant("a", 1)))
		if err == nil || !strings.Contains(err.Error(), `unknown state "snoozed"`) {
			t.Fatalf("Record over an unknown state: %v, want an error naming it", err)
		}
	})
}
