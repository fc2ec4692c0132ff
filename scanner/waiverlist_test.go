package scanner

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/report"
)

// TestWaiverList checks the run's waiver list: every waiver once, with
// its state and the findings it covers, judged on the scan's day.
func TestWaiverList(t *testing.T) {
	t.Parallel()
	waivers := []report.Waiver{
		{Control: "O365G-004", Tenant: "*", Resource: "bob@*", Reason: "licence ordered", Owner: "it", Expires: "2026-12-31", File: "w.yaml", Line: 2},
		{Control: "O365G-011", Tenant: "7f6e5d4c-3b2a-4f1e-8d9c-8b7a6f5e4d3c", Resource: "*", Reason: "roles reworked", Owner: "crm", Expires: "2026-12-31", File: "w.yaml", Line: 8},
		{Control: "O365G-006", Tenant: "*", Resource: "nobody@*", Reason: "stale", Owner: "x", Expires: "2027-06-30", File: "w.yaml", Line: 14},
		{Control: "O365G-006", Tenant: "*", Resource: "ghost@*", Reason: "old", Owner: "y", Expires: "2026-01-31", File: "w.yaml", Line: 20},
	}
	tests := []struct {
		day  string
		want string // line=state:covers, in file order
	}{
		{day: "2026-12-31", want: "2=used:1 8=used:3 14=unused:0 20=expired:0"},
		{day: "2027-01-01", want: "2=expired:1 8=expired:3 14=unused:0 20=expired:0"},
	}
	for _, tc := range tests {
		t.Run(tc.day, func(t *testing.T) {
			t.Parallel()
			r := scanWithWaivers(t, waivers, tc.day)
			var got []string
			covers := 0
			for _, u := range r.Waivers {
				got = append(got, fmt.Sprintf("%d=%s:%d", u.Line, u.State, u.Covers))
				if len(u.Findings) != u.Covers {
					t.Errorf("line %d lists %d findings for %d covered", u.Line, len(u.Findings), u.Covers)
				}
				for _, f := range u.Findings {
					if f.ControlID != u.Control || f.Fingerprint == "" || f.Tenant == "" {
						t.Errorf("line %d covers %+v", u.Line, f)
					}
				}
				covers += u.Covers
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("waivers:\n got %s\nwant %s", strings.Join(got, " "), tc.want)
			}
			// Counts agree with the summary: every waived or expired
			// finding is covered by exactly one listed waiver.
			if s := r.Summary.Waivers; s == nil || s.Waived+s.Expired != covers {
				t.Errorf("summary %+v, listed waivers cover %d", s, covers)
			}
		})
	}
}
