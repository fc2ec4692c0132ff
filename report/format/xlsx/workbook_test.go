package xlsx

import (
	"archive/zip"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tenantscan/tenantscan/internal/testscan"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
	"github.com/tenantscan/tenantscan/scanner"
)

// summaryHead is the row of the Summary's tenant column titles (below the
// header block).
func summaryHead(t testing.TB, f *excelize.File) int {
	t.Helper()
	rows, err := f.GetRows(SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		if len(row) > 1 && row[0] == "Tenant" && row[1] == "Status" {
			return i + 1
		}
	}
	t.Fatal("the Summary has no tenant table")
	return 0
}

// summaryRow is the Summary row of a tenant.
func summaryRow(t testing.TB, f *excelize.File, head int, name string) int {
	t.Helper()
	rows, _ := f.GetRows(SheetSummary)
	for i := head; i < len(rows); i++ {
		if len(rows[i]) > 0 && rows[i][0] == name {
			return i + 1
		}
	}
	t.Fatalf("no Summary row for %s", name)
	return 0
}

// summaryColumn is the column number of a Summary tenant column.
func summaryColumn(t testing.TB, title string) int {
	t.Helper()
	i := slices.IndexFunc(summaryCols, func(c column) bool { return c.title == title })
	if i < 0 {
		t.Fatalf("no Summary column %q", title)
	}
	return i + 1
}

func cellOf(t testing.TB, f *excelize.File, sheet string, col, row int) string {
	t.Helper()
	c, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func summaryCell(t testing.TB, f *excelize.File, head int, tenant, column string) string {
	t.Helper()
	v, err := f.GetCellValue(SheetSummary, cellOf(t, f, SheetSummary, summaryColumn(t, column), summaryRow(t, f, head, tenant)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// headerValue is the value of a line of the Summary's header block.
func headerValue(t testing.TB, f *excelize.File, label string) string {
	t.Helper()
	rows, _ := f.GetRows(SheetSummary)
	for _, row := range rows[:summaryHead(t, f)] {
		if len(row) > 1 && row[0] == label {
			return row[1]
		}
	}
	t.Fatalf("the header block has no %q line", label)
	return ""
}

// table reads a sheet as maps from column title to value, below its
// header row.
func table(t testing.TB, f *excelize.File, sheet string) []map[string]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, title := range rows[0] {
			if i < len(row) {
				m[title] = row[i]
			}
		}
		out = append(out, m)
	}
	return out
}

// waivedScan scans the fixtures with three waivers on Litware: one used
// (bob's licence), one expired (pia's mailbox), one matching nothing.
func waivedScan(t testing.TB) *report.Report {
	t.Helper()
	return testscan.ScanWith(t, scanner.Options{Waivers: []report.Waiver{
		{Control: "O365G-004", Tenant: "*", Resource: "bob@litware.com", Reason: "E3 licence ordered, PO 4711", Owner: "it-licensing@litware.com", Expires: "2027-01-31", File: "waivers.yaml", Line: 2},
		{Control: "O365G-006", Tenant: "*", Resource: "pia@litware.com", Reason: "mailbox migration", Owner: "exchange@litware.com", Expires: "2026-01-31", File: "waivers.yaml", Line: 8},
		{Control: "O365G-018", Tenant: "*", Resource: "Nobody*", Reason: "merger NDA", Owner: "legal@contoso.com", Expires: "2027-03-31", File: "waivers.yaml", Line: 14},
	}}, "fixtures")
}

// TestWorkbookWaivers: the Waivers sheet lists every waiver with its
// state, owner, reason and expiry and the findings it covers; a waived
// finding reads "waived", never "fail"; an expired waiver's finding fails
// again; no waiver is filed under Errors.
// Proved: with writeWaivers writing nothing but its header, and with the
// unused waivers written to Errors again, this test fails.
func TestWorkbookWaivers(t *testing.T) {
	t.Parallel()
	r := waivedScan(t)
	f := open(t, r)
	waivers := table(t, f, SheetWaivers)
	want := []map[string]string{
		{"State": "used", "Control": "O365G-004", "Owner": "it-licensing@litware.com", "Reason": "E3 licence ordered, PO 4711", "Expires": "2027-01-31", "Findings": "1", "Covered findings": "Litware Inc. · O365G-004 · bob@litware.com", "Location": "waivers.yaml:2"},
		{"State": "expired", "Control": "O365G-006", "Owner": "exchange@litware.com", "Reason": "mailbox migration", "Expires": "2026-01-31", "Findings": "1", "Covered findings": "Litware Inc. · O365G-006 · pia@litware.com", "Location": "waivers.yaml:8"},
		{"State": "unused", "Control": "O365G-018", "Owner": "legal@contoso.com", "Reason": "merger NDA", "Expires": "2027-03-31", "Findings": "0", "Location": "waivers.yaml:14"},
	}
	if len(waivers) != len(want) {
		t.Fatalf("Waivers sheet rows %v, want %d", waivers, len(want))
	}
	for i, w := range want {
		for k, v := range w {
			if waivers[i][k] != v {
				t.Errorf("Waivers row %d %s = %q, want %q", i+2, k, waivers[i][k], v)
			}
		}
	}
	for _, row := range table(t, f, SheetFindings) {
		if row["Tenant"] != "Litware Inc." {
			continue
		}
		switch {
		case row["Control"] == "O365G-004" && row["Resource ID"] == "bob@litware.com":
			if row["Status"] != report.StatusWaived || !strings.Contains(row["Waiver"], "PO 4711") {
				t.Errorf("waived finding: status %q, waiver %q", row["Status"], row["Waiver"])
			}
		case row["Control"] == "O365G-006" && row["Resource ID"] == "pia@litware.com":
			if row["Status"] != report.StatusFail || !strings.Contains(row["Waiver"], "expired") {
				t.Errorf("finding of an expired waiver: status %q, waiver %q", row["Status"], row["Waiver"])
			}
		}
	}
	for _, row := range table(t, f, SheetErrors) {
		if row["Tenant"] == "(waivers)" || strings.Contains(row["Message"], "waiver") {
			t.Errorf("a waiver is filed under Errors: %v", row)
		}
	}
	if got := headerValue(t, f, "Waivers"); !strings.HasPrefix(got, "1 used, 1 unused, 1 expired; 1 finding(s) waived") {
		t.Errorf("header block: waivers %q", got)
	}
}

// TestWorkbookCountsAgree: the failing findings of the Findings sheet, by
// severity, are the Summary's severity table, the sum of its tenant rows
// and the report's summary; the Action Plan holds exactly them.
// Proved: with the Action Plan listing waived findings again (Failing
// dropped), and with the Findings status fail for a waived finding, it fails.
func TestWorkbookCountsAgree(t *testing.T) {
	t.Parallel()
	r := waivedScan(t)
	f := open(t, r)
	fails := map[string]int{}
	for _, row := range table(t, f, SheetFindings) {
		if row["Status"] == report.StatusFail {
			fails[row["Severity"]]++
		}
	}
	head := summaryHead(t, f)
	rows, _ := f.GetRows(SheetSummary)
	tenantSums := map[string]int{}
	sevTable := map[string]int{}
	inTenants := true
	for _, row := range rows[head:] {
		if len(row) == 0 {
			inTenants = false
			continue
		}
		if inTenants {
			for _, level := range report.Severities {
				// "3", "0 +?" (some control of that severity in error) or "—".
				cell, _, _ := strings.Cut(row[summaryColumn(t, strings.ToUpper(level[:1])+level[1:])-1], " ")
				n, err := strconv.Atoi(cell)
				if err == nil {
					tenantSums[level] += n
				}
			}
			continue
		}
		if len(row) > 1 && slices.Contains(report.Severities, row[0]) {
			sevTable[row[0]], _ = strconv.Atoi(row[1])
		}
	}
	plan := map[string]int{}
	for _, row := range table(t, f, SheetActionPlan) {
		n, _ := strconv.Atoi(row["Findings"])
		plan[row["Severity"]] += n
	}
	total := 0
	for _, level := range report.Severities {
		want := r.Summary.Findings[level]
		total += want
		if fails[level] != want || tenantSums[level] != want || sevTable[level] != want || plan[level] != want {
			t.Errorf("%s: Findings sheet %d fail, Summary tenants %d, Summary table %d, Action Plan %d; the report counts %d",
				level, fails[level], tenantSums[level], sevTable[level], plan[level], want)
		}
	}
	if total == 0 {
		t.Fatal("the fixtures have no failing findings")
	}
}

// TestWorkbookAge: each tenant's exportedAt, age and stale flag are on the
// Summary, and the header block names the maximum age.
// Proved: with the Stale column written empty, this test fails.
func TestWorkbookAge(t *testing.T) {
	t.Parallel()
	r := testscan.ScanWith(t, scanner.Options{MaxAge: 7 * 24 * time.Hour}, "fixtures")
	r.Parameters = append(r.Parameters, report.Parameter{Name: "max-age", Value: "7d"})
	f := open(t, r)
	head := summaryHead(t, f)
	for _, c := range []struct{ tenant, exported, age, stale string }{
		{"Fabrikam Inc.", "2026-11-21T09:30:00Z", "7 days", "STALE"}, // 7 days 30 minutes
		{"Woodgrove Bank", "2026-11-23T12:00:00Z", "4 days", "no"},
		{"fixtures/broken/bad-yaml.yaml", "(none)", "unknown", "unknown"},
	} {
		got := []string{summaryCell(t, f, head, c.tenant, "Exported at"), summaryCell(t, f, head, c.tenant, "Age"), summaryCell(t, f, head, c.tenant, "Stale")}
		if want := []string{c.exported, c.age, c.stale}; !slices.Equal(got, want) {
			t.Errorf("%s: exported at, age, stale = %q, want %q", c.tenant, got, want)
		}
	}
	if r.Summary.Stale == 0 {
		t.Fatal("no stale tenant")
	}
	want := fmt.Sprintf("7d — %d stale, %d of unknown age", r.Summary.Stale, r.Summary.AgeUnknown)
	if got := headerValue(t, f, "Maximum snapshot age"); got != want {
		t.Errorf("header block: %q, want %q", got, want)
	}
	for _, label := range []string{"Tool version", "Policy set", "Data overrides", "Scanned at"} {
		if headerValue(t, f, label) == "" {
			t.Errorf("header block: %s is empty", label)
		}
	}
}

// TestWorkbookSortOrder: Findings and Action Plan rows are sorted by
// severity (critical first), then tenant, then control; Controls by
// severity, then control.
// Proved: with eachBySeverity visiting the tenants in report order, and
// with bySeverity returning the catalogue order, this test fails.
func TestWorkbookSortOrder(t *testing.T) {
	t.Parallel()
	r := waivedScan(t)
	// Adatum is first in path order; named so, it sorts last by name.
	for i := range r.Tenants {
		if r.Tenants[i].DisplayName == "Adatum Corporation" {
			r.Tenants[i].DisplayName = "Zeta (formerly Adatum)"
		}
	}
	f := open(t, r)
	for _, sheet := range []string{SheetFindings, SheetActionPlan, SheetControls} {
		rows := table(t, f, sheet)
		if len(rows) < 5 {
			t.Fatalf("%s: %d rows", sheet, len(rows))
		}
		key := func(m map[string]string) []string {
			if sheet == SheetControls {
				return []string{m["Control"]}
			}
			return []string{m["Tenant"], m["Control"]}
		}
		if sheet == SheetFindings {
			rows = slices.DeleteFunc(rows, func(m map[string]string) bool { return m["Status"] == "resolved" })
		}
		sorted := slices.IsSortedFunc(rows, func(a, b map[string]string) int {
			return cmp.Or(cmp.Compare(report.SeverityRank(b["Severity"]), report.SeverityRank(a["Severity"])), slices.Compare(key(a), key(b)))
		})
		if !sorted {
			var order []string
			for _, m := range rows {
				order = append(order, m["Severity"]+" "+strings.Join(key(m), " "))
			}
			t.Errorf("%s rows are not sorted by severity, tenant, control:\n%s", sheet, strings.Join(order, "\n"))
		}
		if first := rows[0]["Severity"]; first != report.SeverityCritical {
			t.Errorf("%s starts with %s", sheet, first)
		}
	}
}

// TestWorkbookPrintSettings: every sheet prints landscape, one page wide,
// its header row repeated on each page; the Summary fits one page and
// prints its readable columns; ids and paths wrap in their columns.
// Proved: with the Print_Titles names left out, and with the Resource ID
// column not wrapping, this test fails.
func TestWorkbookPrintSettings(t *testing.T) {
	t.Parallel()
	f := open(t, testscan.Scan(t, "fixtures"))
	head := summaryHead(t, f)
	titles, areas := map[string]string{}, map[string]string{}
	for _, n := range f.GetDefinedName() {
		switch n.Name {
		case "_xlnm.Print_Titles":
			titles[n.Scope] = n.RefersTo
		case "_xlnm.Print_Area":
			areas[n.Scope] = n.RefersTo
		}
	}
	for _, sheet := range Sheets {
		lay, err := f.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		tall := 0
		if sheet == SheetSummary {
			tall = 1
		}
		if lay.Orientation == nil || *lay.Orientation != "landscape" || lay.FitToWidth == nil || *lay.FitToWidth != 1 || lay.FitToHeight == nil || *lay.FitToHeight != tall {
			t.Errorf("%s: page layout %+v, want landscape, 1 page wide, %d tall", sheet, lay, tall)
		}
		props, _ := f.GetSheetProps(sheet)
		if props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: not fitted to the page", sheet)
		}
		row := 1
		if sheet == SheetSummary {
			row = head
		}
		if want := fmt.Sprintf("'%s'!$%d:$%d", sheet, row, row); titles[sheet] != want {
			t.Errorf("%s: print titles %q, want %q", sheet, titles[sheet], want)
		}
	}
	if a := areas[SheetSummary]; !strings.HasPrefix(a, "'Summary'!$A$1:$L$") {
		t.Errorf("Summary print area %q: want the first %d columns", a, summaryPrintCols)
	}
	if a := areas[SheetFindings]; !strings.HasPrefix(a, "'Findings'!$A$1:$H$") {
		t.Errorf("Findings print area %q", a)
	}
	wraps := func(sheet, cell string) bool {
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		return err == nil && st.Alignment != nil && st.Alignment.WrapText
	}
	findings, _ := f.GetRows(SheetFindings)
	for _, title := range []string{"Tenant", "Resource ID", "Message", "Snapshot", "Path"} {
		col := slices.Index(findings[0], title) + 1
		if cell := cellOf(t, f, SheetFindings, col, 2); !wraps(SheetFindings, cell) {
			t.Errorf("Findings %s (%s) does not wrap", title, cell)
		}
	}
	if cell := cellOf(t, f, SheetSummary, summaryColumn(t, "Snapshot"), head+1); !wraps(SheetSummary, cell) {
		t.Errorf("Summary snapshot (%s) does not wrap", cell)
	}
}

// TestSeverityColours: a severity has one colour in every sheet (its
// conditional format) and in the chart: critical dark red, high red,
// medium amber, low grey.
// Proved: with the chart series coloured 123456, this test fails.
func TestSeverityColours(t *testing.T) {
	t.Parallel()
	r := testscan.Scan(t, "fixtures")
	out, err := report.Render(Writer{}, r)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, sheet := range []string{SheetSummary, SheetFindings, SheetControls, SheetActionPlan} {
		formats, err := f.GetConditionalFormats(sheet)
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]string{}
		for _, opts := range formats {
			for _, o := range opts {
				level := strings.Trim(o.Value, `"`)
				if report.SeverityRank(level) == 0 || o.Format == nil {
					continue
				}
				st, err := f.GetConditionalStyle(*o.Format)
				if err != nil || len(st.Fill.Color) == 0 {
					t.Fatalf("%s: style of %s: %v", sheet, level, err)
				}
				c := strings.ToUpper(strings.TrimPrefix(st.Fill.Color[0], "#"))
				if len(c) == 8 { // ARGB
					c = c[2:]
				}
				found[level] = c
			}
		}
		for _, level := range report.Severities {
			if found[level] != SeverityColours[level] {
				t.Errorf("%s: %s is coloured %q, want %s", sheet, level, found[level], SeverityColours[level])
			}
		}
	}
	want := map[string]string{report.SeverityCritical: "8B0000", report.SeverityHigh: "E53935", report.SeverityMedium: "FFB000", report.SeverityLow: "BFBFBF"}
	for level, c := range want {
		if SeverityColours[level] != c {
			t.Errorf("%s is %s, want %s", level, SeverityColours[level], c)
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatal(err)
	}
	var chart []byte
	for _, file := range zr.File {
		if strings.HasPrefix(file.Name, "xl/charts/chart") {
			rc, _ := file.Open()
			chart, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	var got []string
	for _, m := range regexp.MustCompile(`<ser>.*?<spPr><a:solidFill><a:srgbClr val="([0-9A-Fa-f]{6})"`).FindAllSubmatch(chart, -1) {
		got = append(got, strings.ToUpper(string(m[1])))
	}
	var wantChart []string
	for _, level := range report.Severities {
		wantChart = append(wantChart, SeverityColours[level])
	}
	if !slices.Equal(got, wantChart) {
		t.Errorf("chart series colours %v, want %v", got, wantChart)
	}
}

// TestWorkbookPrintsInLibreOffice converts each sheet of a workbook of
// SummaryOnePage tenants (the fixtures and copies) to PDF with LibreOffice
// and counts its pages: the Summary is one page, the others a few. It
// skips when LibreOffice is not installed.
// Proved: with the Summary fitted one page wide only (FitToHeight 0), the
// Summary took 2 pages.
func TestWorkbookPrintsInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if soffice, err = exec.LookPath("libreoffice"); err != nil {
			t.Skip("LibreOffice is not installed: `apt-get install libreoffice-calc-nogui` (which .ci/run does) to convert the workbook to PDF")
		}
	}
	dir := t.TempDir()
	r := waivedScan(t)
	// SummaryOnePage tenants: the most whose Summary is one page.
	for i := 0; len(r.Tenants) < SummaryOnePage; i++ {
		tn := r.Tenants[i]
		tn.DisplayName += " (copy)"
		r.Tenants = append(r.Tenants, tn)
	}
	out, err := report.Render(Writer{}, r)
	if err != nil {
		t.Fatal(err)
	}
	maxPages := map[string]int{SheetSummary: 1, SheetFindings: 8, SheetControls: 3, SheetActionPlan: 4, SheetWaivers: 1, SheetErrors: 3}
	var files []string
	for i, sheet := range Sheets {
		f, err := excelize.OpenReader(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		for _, other := range Sheets {
			if other != sheet {
				if err := f.DeleteSheet(other); err != nil {
					t.Fatal(err)
				}
			}
		}
		name := filepath.Join(dir, fmt.Sprintf("sheet%d.xlsx", i))
		if err := f.SaveAs(name); err != nil {
			t.Fatal(err)
		}
		f.Close()
		files = append(files, name)
	}
	// Its own profile, so that it neither meets another LibreOffice
	// running nor writes to $HOME.
	args := append([]string{"-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--convert-to", "pdf", "--outdir", dir}, files...)
	cmd := exec.Command(soffice, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, msg)
	}
	page := regexp.MustCompile(`/Type\s*/Page[^s]`)
	for i, sheet := range Sheets {
		pdf, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("sheet%d.pdf", i)))
		if err != nil {
			t.Fatalf("%s: no PDF: %v", sheet, err)
		}
		n := len(page.FindAll(pdf, -1))
		t.Logf("%s: %d page(s)", sheet, n)
		if n < 1 || n > maxPages[sheet] {
			t.Errorf("%s prints on %d pages, want 1 to %d", sheet, n, maxPages[sheet])
		}
	}
}

// TestWorkbookPartialCounts: a tenant evaluated in part shows "+?" after
// each count some control in error may have kept low, as the HTML report
// and Markdown do; its other counts stay numbers.
// Proved: with the count written as a plain number, this test fails.
func TestWorkbookPartialCounts(t *testing.T) {
	t.Parallel()
	r := reporttest.Sample()
	f := open(t, r)
	head := summaryHead(t, f)
	rows, _ := f.GetRows(SheetSummary)
	low, high := summaryColumn(t, "Low")-1, summaryColumn(t, "High")-1
	for _, row := range rows[head:] {
		if len(row) > high && row[0] == "Fabrikam Inc." {
			if row[low] != "0 "+report.MaybeMore || row[high] != "2" {
				t.Errorf("Fabrikam's low and high counts are %q and %q, want %q (its low control is in error) and %q", row[low], row[high], "0 "+report.MaybeMore, "2")
			}
			return
		}
	}
	t.Fatal("no Summary row for Fabrikam Inc.")
}

// TestWorkbookContinuesPastTheRowLimit: a Findings table longer than a
// sheet holds (Excel: 1,048,576 rows; here lowered to 40) goes on in
// "Findings 2", "Findings 3" …, each with the header row, the print
// layout and the colours, and no finding is lost. Not parallel: it
// lowers maxRows for the package.
func TestWorkbookContinuesPastTheRowLimit(t *testing.T) {
	defer func(n int) { maxRows = n }(maxRows)
	maxRows = 40
	r := reporttest.Sample()
	c := &r.Tenants[1].Controls[1]
	for i := range 100 {
		c.Findings = append(c.Findings, report.Finding{Message: fmt.Sprintf("user%03d has no licence", i),
			Resource: report.Resource{Kind: "user", ID: fmt.Sprintf("user%03d@fabrikam.com", i)}})
	}
	want := 0
	for _, tn := range r.Tenants {
		for _, c := range tn.Controls {
			want += len(c.Findings)
		}
	}
	f := open(t, r)
	got := 0
	var sheets []string
	for _, name := range f.GetSheetList() {
		if name != SheetFindings && !strings.HasPrefix(name, SheetFindings+" ") {
			continue
		}
		sheets = append(sheets, name)
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) > maxRows || rows[0][0] != "Severity" {
			t.Errorf("%s: %d rows, first %q; want at most %d, the header first", name, len(rows), rows[0], maxRows)
		}
		got += len(rows) - 1
		found := false
		for _, d := range f.GetDefinedName() {
			found = found || d.Scope == name && d.Name == "_xlnm.Print_Titles"
		}
		if !found {
			t.Errorf("%s: no repeated header row when printed", name)
		}
		if cf, err := f.GetConditionalFormats(name); err != nil || len(cf) == 0 {
			t.Errorf("%s: no colours (%v)", name, err)
		}
	}
	wantSheets := []string{SheetFindings}
	for n := 2; n <= (want+maxRows-2)/(maxRows-1); n++ {
		wantSheets = append(wantSheets, fmt.Sprintf("%s %d", SheetFindings, n))
	}
	if len(wantSheets) < 3 || !slices.Equal(sheets, wantSheets) {
		t.Errorf("sheets %v, want %v", sheets, wantSheets)
	}
	if got != want {
		t.Errorf("%d finding rows across the sheets, want %d", got, want)
	}
}
