package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tenantscan/tenantscan/internal/testscan"
	"github.com/tenantscan/tenantscan/report"
)

func open(t testing.TB, r *report.Report) *excelize.File {
	t.Helper()
	out, err := report.Render(Writer{}, r)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWorkbookStructure(t *testing.T) {
	t.Parallel()
	r := testscan.Scan(t, "fixtures")
	f := open(t, r)
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(Sheets, ",") {
		t.Fatalf("sheets %v, want %v", got, Sheets)
	}
	if got := f.GetActiveSheetIndex(); got != 0 {
		t.Errorf("the workbook opens on sheet %d, want the summary", got)
	}
	rows, err := f.GetRows(SheetFindings)
	if err != nil {
		t.Fatal(err)
	}
	findings := 0
	if err := report.EachFindingRow(r, func(report.FindingRow) error { findings++; return nil }); err != nil {
		t.Fatal(err)
	}
	if want := findings + 1; len(rows) != want {
		t.Errorf("Findings has %d rows, want %d (header + one per finding)", len(rows), want)
	}
	if rows[0][0] != "Severity" || rows[0][1] != "Tenant" || rows[0][6] != "Message" || rows[0][9] != "Evidence" {
		t.Errorf("Findings header %v", rows[0])
	}
	head := summaryHead(t, f)
	for _, sheet := range Sheets {
		panes, err := f.GetPanes(sheet)
		want := 1
		if sheet == SheetSummary {
			want = head
		}
		if err != nil || !panes.Freeze || panes.YSplit != want {
			t.Errorf("%s: header row %d not frozen (%+v, %v)", sheet, want, panes, err)
		}
	}
	for _, sheet := range []string{SheetSummary, SheetFindings, SheetControls, SheetActionPlan, SheetWaivers} {
		formats, err := f.GetConditionalFormats(sheet)
		if err != nil || len(formats) == 0 {
			t.Errorf("%s: no conditional formats (%v)", sheet, err)
		}
	}
	names := f.GetDefinedName()
	filtered := map[string]bool{}
	for _, n := range names {
		if n.Name == "_xlnm._FilterDatabase" {
			filtered[n.Scope] = true
		}
	}
	for _, sheet := range Sheets {
		if !filtered[sheet] {
			t.Errorf("%s: no auto-filter", sheet)
		}
	}

	// Counts are numbers; Adatum (the first tenant) has 3 high findings.
	tenant := summaryRow(t, f, head, "Adatum Corporation")
	high := cellOf(t, f, SheetSummary, summaryColumn(t, "High"), tenant)
	if typ, _ := f.GetCellType(SheetSummary, high); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("Summary!%s is %v, want a number", high, typ)
	}
	if v, err := f.GetCellValue(SheetSummary, high, excelize.Options{RawCellValue: true}); err != nil || v != "3" {
		t.Errorf("Summary!%s = %q (Adatum: 3 high findings)", high, v)
	}
	if v := headerValue(t, f, "Scanned at"); v != "2026-11-28 10:00:00 UTC" {
		t.Errorf("header block: scanned at %q", v)
	}

	// The action plan lists failed controls only, with the auditor's columns.
	plan, _ := f.GetRows(SheetActionPlan)
	failed := 0
	for _, tn := range r.Tenants {
		for _, c := range tn.Controls {
			if c.Status == report.StatusFail {
				failed++
			}
		}
	}
	if len(plan) != failed+1 || plan[0][7] != "Owner" || plan[0][10] != "Justification" {
		t.Errorf("Action Plan: %d rows (want %d), header %v", len(plan), failed+1, plan[0])
	}
	errs, _ := f.GetRows(SheetErrors)
	if len(errs) < 4 {
		t.Errorf("Errors has %d rows", len(errs))
	}
	// Without --waivers the Waivers sheet says so in its one row.
	waivers, _ := f.GetRows(SheetWaivers)
	if len(waivers) != 2 || waivers[1][0] != waiverStateNone {
		t.Errorf("Waivers sheet of a run without waivers: %q", waivers)
	}
}

func TestSummaryChart(t *testing.T) {
	t.Parallel()
	out, err := report.Render(Writer{}, testscan.Scan(t, "fixtures/litware-licensing.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range zr.File {
		if strings.HasPrefix(file.Name, "xl/charts/chart") {
			return
		}
	}
	t.Error("the workbook has no chart")
}

// TestNoFormulaInjection writes the hostile snapshot and reads every cell
// back: text that starts with =, +, -, @, tab or CR is text, never a
// formula.
func TestNoFormulaInjection(t *testing.T) {
	t.Parallel()
	f := open(t, testscan.Scan(t, testscan.Hostile))
	dangerous := 0
	for _, sheet := range Sheets {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Errorf("%s!%s holds formula %q", sheet, cell, formula)
				}
				if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
					dangerous++
					if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
						t.Errorf("%s!%s %q has type %v, want a string", sheet, cell, v, typ)
					}
				}
			}
		}
	}
	if dangerous < 5 {
		t.Errorf("only %d formula-like texts found: the hostile snapshot did not reach the workbook", dangerous)
	}
	name, _ := f.GetCellValue(SheetSummary, cellOf(t, f, SheetSummary, 1, summaryHead(t, f)+1))
	if !strings.HasPrefix(name, "=HYPERLINK(") {
		t.Errorf("tenant name = %q, want the hostile text kept as text", name)
	}
}

func TestClean(t *testing.T) {
	t.Parallel()
	if got := clean("a\x00b\x1bc\td\x7f\u202ee\uFFFF"); got != "a\uFFFDb\uFFFDc\td\uFFFD\uFFFDe" {
		t.Errorf("clean = %q", got)
	}
	if got := clean(strings.Repeat("x", 40000)); len([]rune(got)) != 32767 {
		t.Errorf("clean kept %d characters", len([]rune(got)))
	}
}

// bigReport has n findings spread over tenants of 1,000 findings each.
func bigReport(n int) *report.Report {
	r := testscan.Scan(nopTB{}, "fixtures/contoso-compliant.yaml")
	base := r.Tenants[0]
	r.Tenants = nil
	for len(r.Tenants)*1000 < n {
		t := base
		t.DisplayName = fmt.Sprintf("Tenant %d", len(r.Tenants))
		t.Controls = append([]report.ControlResult(nil), base.Controls...)
		fs := make([]report.Finding, 1000)
		for i := range fs {
			fs[i] = report.Finding{
				Message:  fmt.Sprintf("user%06d@contoso.com has no E3-or-later licence (has STANDARDPACK)", i),
				Resource: report.Resource{Kind: "user", ID: fmt.Sprintf("user%06d@contoso.com", i)},
				Path:     fmt.Sprintf("/users/%d", i),
				Evidence: map[string]any{"licenses": []any{"STANDARDPACK"}, "instances": []any{"sales"}},
			}
		}
		t.Controls[3].Status, t.Controls[3].Findings = report.StatusFail, fs
		r.Tenants = append(r.Tenants, t)
	}
	return r
}

// BenchmarkWorkbook100kFindings writes 100,000 findings and reports the
// peak heap, which the streamed sheets keep to a few hundred MB at most.
func BenchmarkWorkbook100kFindings(b *testing.B) {
	r := bigReport(100_000)
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
			}
		}
	}()
	for b.Loop() {
		var buf bytes.Buffer
		if err := (Writer{}).Write(&buf, r); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(buf.Len())/1e6, "MB-file")
	}
	close(done)
	b.ReportMetric(float64(peak.Load())/1e6, "MB-peak-heap")
}

// nopTB lets the benchmark helper call testscan.Scan outside a test.
type nopTB struct{ testing.TB }

func (nopTB) Helper()               {}
func (nopTB) Fatal(args ...any)     { panic(fmt.Sprint(args...)) }
func (nopTB) Fatalf(string, ...any) { panic("fatal") }
