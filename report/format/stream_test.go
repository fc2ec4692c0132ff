package format_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	csvreport "github.com/tenantscan/tenantscan/report/format/csv"
	"github.com/tenantscan/tenantscan/report/format/html"
	jsonreport "github.com/tenantscan/tenantscan/report/format/json"
	"github.com/tenantscan/tenantscan/report/format/junit"
	"github.com/tenantscan/tenantscan/report/format/markdown"
	"github.com/tenantscan/tenantscan/report/format/sarif"
	"github.com/tenantscan/tenantscan/report/format/table"
	"github.com/tenantscan/tenantscan/report/format/xlsx"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

// TestWritersStreamFromSpool writes 10,000 spooled tenants (100,000
// findings, about 150 MB as Go values; 2,000 tenants, 50 MB, under the
// race detector) with each streaming writer: the
// heap grows by a few tenants' worth, not by the report. The bound is
// loose (the collector's headroom counts too); a writer that keeps every
// tenant goes far past it.
func TestWritersStreamFromSpool(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 10,000 tenants")
	}
	r := reporttest.Spooled(t, reporttest.StreamTenants, 10, reporttest.StreamEvidence)
	const bound = 24 << 20
	for _, tc := range []struct {
		name string
		w    report.Writer
	}{
		{"junit", junit.Writer{}},
		{"json", jsonreport.Writer{}},
		{"table", table.Writer{Width: 120}},
		{"sarif", sarif.Writer{}},
		{"markdown", markdown.Writer{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkHeap(t, tc.w, r, bound, fmt.Sprintf("%d spooled tenants", reporttest.StreamTenants), "the report")
		})
	}
}

// TestWritersStreamResolved writes a report of three tenants whose
// baseline resolved 100,000 findings (spooled, about 150 MB as Go values;
// 20,000 findings, 50 MB, under the race detector) with every writer: the
// heap grows by a few findings' worth, not by the list. A writer (or a
// report) that holds the resolved list goes far past the bound. The
// workbook is allowed excelize's own buffers on top: it keeps up to 16 MB
// of a streamed sheet before spilling it to a file, and zips in memory
// (64 MB for 25,000, 100,000 or 200,000 resolved findings alike: flat).
func TestWritersStreamResolved(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100,000 resolved findings")
	}
	r := reporttest.Sample()
	n := reporttest.StreamTenants * 10
	reporttest.SpoolResolved(t, r, n, reporttest.StreamEvidence)
	const bound, excelize = 24 << 20, 72 << 20
	for _, tc := range []struct {
		name  string
		w     report.Writer
		bound uint64
	}{
		{"json", jsonreport.Writer{}, bound},
		{"table", table.Writer{Width: 120}, bound},
		{"xlsx", xlsx.Writer{}, bound + excelize},
		{"html", html.Writer{}, bound},
		{"markdown", markdown.Writer{}, bound},
		{"csv", csvreport.Writer{}, bound},
		{"sarif", sarif.Writer{}, bound},
		{"junit", junit.Writer{}, bound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkHeap(t, tc.w, r, tc.bound, fmt.Sprintf("%d spooled resolved findings", n), "the list")
		})
	}
}

// checkHeap writes r with w and fails when the heap grew past bound while
// writing what (the writer then holds held).
func checkHeap(t *testing.T, w report.Writer, r *report.Report, bound uint64, what, held string) {
	t.Helper()
	var werr error
	grew := reporttest.PeakHeapGrowth(func() { werr = w.Write(io.Discard, r) })
	if werr != nil {
		t.Fatal(werr)
	}
	t.Logf("heap grew by %.1f MB", float64(grew)/1e6)
	if grew > bound {
		t.Errorf("the heap grew by %.0f MB writing %s, want at most %d MB: the writer holds %s", float64(grew)/1e6, what, bound>>20, held)
	}
}
