package html_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tenantscan/tenantscan/internal/browser"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	htmlreport "github.com/tenantscan/tenantscan/report/format/html"
	"github.com/tenantscan/tenantscan/scanner"
	"github.com/tenantscan/tenantscan/snapshot"
)

// The HTML report as a person sees it, in headless Chromium: the page fits
// a desktop and a phone (nothing wider than the window), the filters and
// search show exactly the controls the report says they should, the page
// works with scripts off, and printing twelve tenants takes a handful of
// pages. Run for the bundled fixtures and for a held-out set with used,
// unused and expired waivers, a stale snapshot and tenants in error.

// maxPrintPages is the most A4 pages the twelve bundled fixtures may print
// on: failing and erroring controls in full, the others one line each.
// They print on 7 (Debian Chromium 156); one page of slack for fonts.
const maxPrintPages = 8

var scanNow = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func scanForBrowser(t *testing.T, paths []string, waivers []report.Waiver) *report.Report {
	t.Helper()
	e, err := policy.NewEngine(context.Background(), policy.EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scanner.Scan(context.Background(), e, snapshot.Discover(paths), scanner.Options{
		ToolVersion: "v1.2.3", Now: func() time.Time { return scanNow }, Waivers: waivers, MaxAge: report.DefaultMaxAge,
		Parallel: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close() })
	rep.Policy = &report.PolicySet{BuiltIn: "tenantscan v1.2.3 built-in controls (sha256 0123456789ab)"}
	rep.Parameters = []report.Parameter{{Name: "max-age", Value: "30d"}}
	return rep
}

// heldOut is a set the writer was not shaped on: the waivers of a run in
// every state, a snapshot exported in 2019, tenants in error.
func heldOut(t *testing.T) *report.Report {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile("../../../fixtures/contoso-compliant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	stale := strings.NewReplacer("exportedAt: 2026-11-20T08:00:00Z", "exportedAt: 2019-03-01T08:00:00Z",
		"7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11", "00000000-0000-4000-8000-000000002019",
		"displayName: Contoso Ltd", "displayName: Stale Traders (exported 2019)").Replace(string(src))
	if err := os.WriteFile(filepath.Join(dir, "stale-traders.yaml"), []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	waivers := []report.Waiver{
		{Control: "O365G-004", Tenant: "*", Resource: "bob@*", Reason: "Licence ordered, PO 4711", Owner: "it-licensing@contoso.com", Expires: "2027-01-31", File: "waivers.yaml", Line: 2},
		{Control: "O365G-011", Tenant: "*", Resource: "*", Reason: "Roles reworked in Q3", Owner: "crm-team@contoso.com", Expires: "2026-10-31", File: "waivers.yaml", Line: 8},
		{Control: "O365G-006", Tenant: "*", Resource: "nobody@*", Reason: "Left the company", Owner: "hr@contoso.com", Expires: "2027-06-30", File: "waivers.yaml", Line: 14},
	}
	return scanForBrowser(t, []string{"../../../fixtures/litware-licensing.yaml", "../../../fixtures/adatum-permissions.yaml",
		"../../../fixtures/woodgrove-partial-export.yaml", "../../../fixtures/broken/wrong-type.json", dir}, waivers)
}

func writePage(t *testing.T, rep *report.Report) string {
	t.Helper()
	page, err := report.Render(htmlreport.Writer{}, rep)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, page, 0o644); err != nil {
		t.Fatal(err)
	}
	return "file://" + path
}

// overflowJS returns "" when the page fits a window width wide, else what
// sticks out: the document's scroll width, and the first element whose
// box passes the right edge outside a scrolling container (.scroll). The
// width is given, not read from innerWidth: a phone zooms out to show a
// page wider than itself, and innerWidth then grows with the page.
func overflowJS(width int64) string {
	return fmt.Sprintf(`(function () {
  var w = Math.min(%d, window.innerWidth), d = document.scrollingElement;
  if (d.scrollWidth > w) {
    var all = document.querySelectorAll("body *");
    for (var i = 0; i < all.length; i++) {
      var e = all[i];
      if (e.closest(".scroll") || e.offsetParent === null) continue;
      var r = e.getBoundingClientRect();
      if (r.right > w + 0.5) return "scrollWidth " + d.scrollWidth + " > " + w + ": <" + e.tagName.toLowerCase() + " class=" + e.className + "> ends at " + Math.round(r.right) + ": " + e.textContent.slice(0, 60);
    }
    return "scrollWidth " + d.scrollWidth + " > innerWidth " + w;
  }
  return "";
})()`, width)
}

// visibleJS counts the controls a person sees (not hidden, nor in a hidden
// tenant) and the matrix rows shown.
const visibleJS = `(function () {
  var n = 0;
  document.querySelectorAll("details.ctl").forEach(function (d) { if (d.offsetParent !== null) n++; });
  var rows = 0;
  document.querySelectorAll("tr.trow").forEach(function (r) { if (r.offsetParent !== null) rows++; });
  return [n, rows];
})()`

// setFilterJS sets one filter of the form as a person would and returns
// the count line the page shows.
func setFilterJS(name, value string) string {
	return fmt.Sprintf(`(function () {
  var f = document.getElementById("filters");
  f.reset();
  var el = f.elements[%q];
  el.value = %q;
  el.dispatchEvent(new Event(el.tagName === "INPUT" ? "input" : "change", {bubbles: true}));
  return f.elements.shown.value;
})()`, name, value)
}

// expectation counts, from the report itself, the controls a filter must
// show and the tenants (matrix rows) they are in. Controls of a tenant no
// control of which could be evaluated are not listed (its error is); such
// a tenant shows for status error and for a search hitting its name.
type expectation struct{ controls, tenants int }

func expect(t *testing.T, rep *report.Report, match func(n int, tn *report.Tenant, c report.ControlResult, ctl report.Control) bool, unevaluated func(n int, tn *report.Tenant) bool) expectation {
	t.Helper()
	controls := rep.ControlsByID()
	var e expectation
	n := 0
	err := rep.EachTenant(func(tn *report.Tenant) error {
		n++
		if tn.Unevaluated() {
			if unevaluated(n, tn) {
				e.tenants++
			}
			return nil
		}
		any := false
		for _, c := range tn.Controls {
			if match(n, tn, c, controls[c.ID]) {
				e.controls++
				any = true
			}
		}
		if any {
			e.tenants++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestHTMLInBrowser(t *testing.T) {
	b := browser.Start(t)
	sets := []struct {
		name string
		rep  func(*testing.T) *report.Report
	}{
		{"fixtures", func(t *testing.T) *report.Report { return scanForBrowser(t, []string{"../../../fixtures"}, nil) }},
		{"held-out", heldOut},
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			rep := set.rep(t)
			url := writePage(t, rep)
			for _, vp := range []browser.Viewport{browser.Desktop, browser.Phone} {
				t.Run(fmt.Sprintf("fits %dpx", vp.Width), func(t *testing.T) {
					tab := b.Open(t, url, vp, true)
					if got := browser.Eval[string](tab, overflowJS(vp.Width)); got != "" {
						t.Errorf("page overflows the window: %s", got)
					}
					browser.Eval[bool](tab, `(document.querySelectorAll("details").forEach(function (d) { d.open = true; }), true)`)
					if got := browser.Eval[string](tab, overflowJS(vp.Width)); got != "" {
						t.Errorf("with every control open, the page overflows the window: %s", got)
					}
				})
			}
			t.Run("filters", func(t *testing.T) { checkFilters(t, b, url, rep) })
			t.Run("counts agree", func(t *testing.T) { checkCounts(t, b, url, rep) })
			t.Run("scripts off", func(t *testing.T) {
				tab := b.Open(t, url, browser.Desktop, false)
				all := expect(t, rep, func(int, *report.Tenant, report.ControlResult, report.Control) bool { return true }, func(int, *report.Tenant) bool { return true })
				if got := browser.Eval[[]int](tab, visibleJS); got[0] != all.controls || got[1] != rep.TenantCount() {
					t.Errorf("without scripts %d controls and %d tenant rows are shown, want all %d and %d", got[0], got[1], all.controls, rep.TenantCount())
				}
				if browser.Eval[bool](tab, `document.getElementById("filters").offsetParent !== null`) {
					t.Error("the filter form shows without scripts, where it cannot work")
				}
			})
			t.Run("print", func(t *testing.T) {
				tab := b.Open(t, url, browser.Desktop, true)
				pages, pdf := tab.PrintPages()
				t.Logf("%d tenants print on %d A4 pages (%d bytes of PDF)", rep.TenantCount(), pages, len(pdf))
				if pages == 0 || pages > maxPrintPages {
					t.Errorf("%d tenants print on %d pages, want 1 to %d", rep.TenantCount(), pages, maxPrintPages)
				}
			})
		})
	}
}

func checkFilters(t *testing.T, b *browser.Browser, url string, rep *report.Report) {
	tab := b.Open(t, url, browser.Desktop, true)
	none := func(int, *report.Tenant) bool { return false }
	tests := []struct {
		filter, value string
		want          expectation
	}{
		{"status", "", expect(t, rep, func(int, *report.Tenant, report.ControlResult, report.Control) bool { return true }, func(int, *report.Tenant) bool { return true })},
		{"status", "fail", expect(t, rep, func(_ int, _ *report.Tenant, c report.ControlResult, _ report.Control) bool {
			return c.Status == "fail"
		}, none)},
		{"status", "waived", expect(t, rep, func(_ int, _ *report.Tenant, c report.ControlResult, _ report.Control) bool {
			return c.Status == "waived"
		}, none)},
		{"status", "error", expect(t, rep, func(_ int, _ *report.Tenant, c report.ControlResult, _ report.Control) bool {
			return c.Status == "error"
		}, func(int, *report.Tenant) bool { return true })},
		// A tenant nobody could evaluate has its critical controls in error.
		{"severity", "critical", expect(t, rep, func(_ int, _ *report.Tenant, _ report.ControlResult, ctl report.Control) bool {
			return ctl.Severity == "critical"
		}, func(int, *report.Tenant) bool { return true })},
		{"tenant", "2", expect(t, rep, func(n int, _ *report.Tenant, _ report.ControlResult, _ report.Control) bool { return n == 2 }, func(n int, _ *report.Tenant) bool { return n == 2 })},
		{"q", "O365G-004", expect(t, rep, func(_ int, _ *report.Tenant, c report.ControlResult, _ report.Control) bool {
			return c.ID == "O365G-004"
		}, none)},
		{"q", "litware", expect(t, rep, func(_ int, tn *report.Tenant, _ report.ControlResult, _ report.Control) bool {
			return strings.Contains(strings.ToLower(report.TenantName(*tn)), "litware")
		}, none)},
	}
	for _, tc := range tests {
		line := browser.Eval[string](tab, setFilterJS(tc.filter, tc.value))
		got := browser.Eval[[]int](tab, visibleJS)
		if got[0] != tc.want.controls || got[1] != tc.want.tenants {
			t.Errorf("%s=%q shows %d controls in %d tenant rows, want %d in %d (the page says %q)", tc.filter, tc.value, got[0], got[1], tc.want.controls, tc.want.tenants, line)
		}
		if !strings.HasPrefix(line, fmt.Sprintf("%d of ", tc.want.controls)) {
			t.Errorf("%s=%q: the page says %q, want %d controls shown", tc.filter, tc.value, line, tc.want.controls)
		}
	}
}

// countsJS reads what the page shows: the header cards by label, the
// finding badges, the waiver rows by state, the stale badges and the
// dashes of the matrix.
const countsJS = `(function () {
  var out = {};
  document.querySelectorAll("header .card").forEach(function (c) {
    out["card " + c.textContent.replace(/^\s*\d+/, "").trim()] = parseInt(c.querySelector("b").textContent, 10);
  });
  function n(sel) { return document.querySelectorAll(sel).length; }
  out["finding waived"] = n(".findings li > .badge.s-waived");
  out["finding expired waiver"] = n(".findings li > .badge.s-expired");
  out["finding fail"] = n("details.ctl .findings li > .badge.s-fail");
  out["waiver used"] = n("tr.w-used"); out["waiver expired"] = n("tr.w-expired"); out["waiver unused"] = n("tr.w-unused");
  out["stale rows"] = n("tr.trow .badge.s-stale");
  out["dashes"] = n("tr.trow a.nc:not(.unk)");
  out["unknown marks"] = n("tr.trow a.unk");
  return out;
})()`

func checkCounts(t *testing.T, b *browser.Browser, url string, rep *report.Report) {
	tab := b.Open(t, url, browser.Phone, true)
	got := browser.Eval[map[string]int](tab, countsJS)
	s := rep.Summary
	want := map[string]int{
		"card tenants": s.Tenants, "card pass": s.Pass, "card fail": s.Fail, "card error": s.Error, "card stale": s.Stale,
		"card critical": s.Findings["critical"], "card high": s.Findings["high"], "card medium": s.Findings["medium"], "card low": s.Findings["low"],
		"stale rows": s.Stale,
	}
	if s.AgeUnknown > 0 {
		want["card unknown age"] = s.AgeUnknown
	}
	unevaluated, failing, marks := 0, 0, 0
	controls := rep.ControlsByID()
	if err := rep.EachTenant(func(tn *report.Tenant) error {
		if tn.Unevaluated() {
			unevaluated++
			return nil
		}
		// A partly evaluated tenant marks each severity it has a
		// control in error of: its count may hide failures.
		errSev := map[string]bool{}
		for _, c := range tn.Controls {
			if c.Status == report.StatusError {
				errSev[controls[c.ID].Severity] = true
			}
		}
		marks += len(errSev)
		for _, c := range report.SeverityCounts(*tn, controls) {
			failing += c
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want["dashes"] = 4 * unevaluated
	want["unknown marks"] = marks
	// Every failing finding has a fail badge: the same number as the
	// severity cards add up to. A waived finding never has one.
	want["finding fail"] = failing
	if w := s.Waivers; w != nil {
		want["card waived"], want["card expired waiver"], want["card unused waiver"] = w.Waived, w.Expired, w.Unused
		want["finding waived"], want["finding expired waiver"] = w.Waived, w.Expired
		states := report.WaiverCounts(rep.Waivers)
		want["waiver used"], want["waiver expired"], want["waiver unused"] = states["used"], states["expired"], states["unused"]
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: the page shows %d, the report says %d", k, got[k], v)
		}
	}
}
