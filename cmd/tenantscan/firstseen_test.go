package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tenantscan/tenantscan/report"
)

// checkFirstSeen checks the first-seen dates of night i of
// TestHistoryThreeNights in the JSON, HTML and workbook reports: eve's
// finding appeared on 2026-11-02, every other on 2026-11-01 — Tailspin's
// too on night 3, after its night in error.
func checkFirstSeen(t *testing.T, i int, rep *report.Report, html, book string) {
	t.Helper()
	want := func(resource string) string {
		if resource == "adatum-sales/eve@adatum.com" {
			return "2026-11-02"
		}
		return "2026-11-01"
	}
	// In report order; the HTML report shows
	// no findings of a tenant in error (those carried from the history).
	var wantDates, wantHTML []string
	for _, tn := range rep.Tenants {
		for _, c := range tn.Controls {
			for _, f := range c.Findings {
				if f.FirstSeen != want(f.Resource.ID) {
					t.Errorf("night %d: %s %s firstSeen %q, want %q", i+1, c.ID, f.Resource.ID, f.FirstSeen, want(f.Resource.ID))
				}
				wantDates = append(wantDates, want(f.Resource.ID))
				if tn.Status != report.TenantError {
					wantHTML = append(wantHTML, want(f.Resource.ID))
				}
			}
		}
	}
	page := readFile(t, html)
	var htmlDates []string
	for _, part := range strings.Split(page, "First seen: ")[1:] {
		htmlDates = append(htmlDates, part[:len("2026-11-01")])
	}
	if !slices.Equal(htmlDates, wantHTML) {
		t.Errorf("night %d: HTML first-seen dates %q, want %q", i+1, htmlDates, wantHTML)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Findings")
	if err != nil {
		t.Fatal(err)
	}
	col, res := slices.Index(rows[0], "First seen"), slices.Index(rows[0], "Resource ID")
	if col < 0 || res < 0 {
		t.Fatalf("night %d: no First seen or Resource ID column in the Findings sheet: %q", i+1, rows[0])
	}
	// The workbook sorts its rows (by severity, tenant, control): each
	// row's date is its resource's, and there is one per finding.
	var bookDates []string
	for _, r := range rows[1:] {
		if len(r) > col && r[col] != "" {
			bookDates = append(bookDates, r[col])
			if r[col] != want(r[res]) {
				t.Errorf("night %d: workbook first-seen date of %s %q, want %q", i+1, r[res], r[col], want(r[res]))
			}
		}
	}
	if len(bookDates) != len(wantDates) {
		t.Errorf("night %d: workbook first-seen dates %q, want %d", i+1, bookDates, len(wantDates))
	}
}
