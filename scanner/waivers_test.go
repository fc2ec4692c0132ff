package scanner

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/snapshot"
)

// scanWithWaivers scans the licensing fixture with waivers judged on a day.
func scanWithWaivers(t *testing.T, waivers []report.Waiver, day string) *report.Report {
	t.Helper()
	today, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEngine(t, policy.EngineOptions{})
	return mustScan(t, context.Background(), e, snapshot.Discover([]string{"../fixtures/litware-licensing.yaml", "../fixtures/adatum-permissions.yaml"}), Options{Waivers: waivers, Today: today, Now: fixedNow})
}

func control(t *testing.T, r *report.Report, tenant int, id string) report.ControlResult {
	t.Helper()
	for _, c := range r.Tenants[tenant].Controls {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no control %s", id)
	return report.ControlResult{}
}

func TestWaiversApplyAndExpire(t *testing.T) {
	t.Parallel()
	waivers := []report.Waiver{
		{Control: "O365G-004", Tenant: "*", Resource: "bob@*", Reason: "licence ordered", Owner: "it", Expires: "2026-12-31"},
		{Control: "O365G-011", Tenant: "7f6e5d4c-3b2a-4f1e-8d9c-8b7a6f5e4d3c", Resource: "*", Reason: "roles reworked", Owner: "crm", Expires: "2026-12-31"},
		{Control: "O365G-006", Tenant: "*", Resource: "nobody@*", Reason: "stale", Owner: "x", Expires: "2027-06-30"},
	}
	tests := []struct {
		day                     string
		bobWaived, adatumWaived bool
		waived, expired, unused int
		adatumReady, bobExpired bool
		litwareFailures         int // unwaived high failures of O365G-004 in Litware
	}{
		{day: "2026-12-31", bobWaived: true, adatumWaived: true, waived: 4, expired: 0, unused: 1, adatumReady: true, litwareFailures: 3},
		{day: "2027-01-01", bobWaived: false, adatumWaived: false, waived: 0, expired: 4, unused: 1, adatumReady: false, bobExpired: true, litwareFailures: 4},
	}
	for _, tc := range tests {
		t.Run(tc.day, func(t *testing.T) {
			t.Parallel()
			r := scanWithWaivers(t, waivers, tc.day)
			c004 := control(t, r, 0, "O365G-004") // Litware: sources come in the order given
			var bob report.Finding
			n := 0
			for _, f := range c004.Findings {
				if f.Resource.ID == "bob@litware.com" {
					bob = f
				}
				if !f.Waived() {
					n++
				}
			}
			if bob.Waived() != tc.bobWaived || (bob.Waiver != nil && bob.Waiver.Expired) != tc.bobExpired {
				t.Errorf("bob's waiver = %+v", bob.Waiver)
			}
			if n != tc.litwareFailures {
				t.Errorf("%d unwaived O365G-004 findings, want %d", n, tc.litwareFailures)
			}
			if tc.bobExpired && !strings.Contains(report.WaiverText(bob.Waiver), "waiver expired on 2026-12-31") {
				t.Errorf("expired waiver text %q", report.WaiverText(bob.Waiver))
			}
			c011 := control(t, r, 1, "O365G-011")
			if (c011.Status == report.StatusWaived) != tc.adatumWaived {
				t.Errorf("Adatum O365G-011 status %s", c011.Status)
			}
			if r.Tenants[1].Readiness.Ready != tc.adatumReady {
				t.Errorf("Adatum ready = %v", r.Tenants[1].Readiness.Ready)
			}
			w := r.Summary.Waivers
			if w == nil || w.Waived != tc.waived || w.Expired != tc.expired || w.Unused != tc.unused {
				t.Errorf("waiver summary %+v", w)
			}
			if len(r.UnusedWaivers) != 1 || r.UnusedWaivers[0].Resource != "nobody@*" {
				t.Errorf("unused waivers %+v", r.UnusedWaivers)
			}
		})
	}
}

func TestSnapshotTimeout(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, policy.EngineOptions{})
	r := mustScan(t, context.Background(), e, snapshot.Discover([]string{"../fixtures/contoso-compliant.yaml", "../fixtures/northwind-ready.json"}), Options{SnapshotTimeout: time.Nanosecond})
	for _, tn := range r.Tenants {
		if tn.Status != report.TenantError || !strings.Contains(*tn.Error, "per-snapshot deadline of 1ns") {
			t.Errorf("%s: %s %v", tn.Snapshot, tn.Status, tn.Error)
		}
	}
}
