// Package xlsx writes tenantscan reports as an Excel workbook for auditors,
// with github.com/xuri/excelize (no Office needed). The workbook opens in
// Excel and LibreOffice and has six sheets: Summary, Findings, Controls,
// Action Plan, Waivers and Errors (and Trend with a run history).
//
// Rules an auditor relies on:
//   - the Summary opens with a header block (tool version, policy set, data
//     overrides, scan time, maximum snapshot age, totals), then a row per
//     tenant with its exportedAt, age and stale flag;
//   - rows of Findings and Action Plan are sorted by severity (critical
//     first), then tenant name, then control; Controls by severity, then
//     control;
//   - severities have one colour everywhere, the chart included (critical
//     dark red, high red, medium amber, low grey);
//   - every sheet prints landscape, one page wide, its header row repeated
//     on every page; the Summary of up to SummaryOnePage tenants prints on
//     one page.
package xlsx

import (
	"archive/zip"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/tenantscan/tenantscan/report"
)

// Sheet names, in workbook order.
const (
	SheetSummary    = "Summary"
	SheetFindings   = "Findings"
	SheetControls   = "Controls"
	SheetActionPlan = "Action Plan"
	SheetWaivers    = "Waivers"
	SheetErrors     = "Errors"
)

// Sheets lists the sheets in workbook order.
var Sheets = []string{SheetSummary, SheetFindings, SheetControls, SheetActionPlan, SheetWaivers, SheetErrors}

// SummaryOnePage is the most tenants whose Summary is fitted to one
// printed page; beyond it the Summary prints one page wide and as many
// pages tall as it needs, so that its text stays readable.
const SummaryOnePage = 20

// Writer writes the workbook. Snapshot text is written as inline strings in
// text-formatted cells: it is never a formula, whatever it starts with. The
// large sheets are streamed, so memory stays flat as findings grow; what
// excelize spills to disk meanwhile goes to TmpDir ("" means $TMPDIR) and
// is removed when Write returns.
type Writer struct {
	TmpDir string
}

type styles struct {
	header, text, wrap, date, number, title, label int
}

// Write implements report.Writer.
func (wr Writer) Write(w io.Writer, r *report.Report) error {
	f := excelize.NewFile(excelize.Options{TmpDir: wr.TmpDir})
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return fmt.Errorf("write xlsx report: %w", err)
	}
	for _, name := range Sheets[1:] {
		if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("write xlsx report: %w", err)
		}
	}
	st, err := newStyles(f)
	if err != nil {
		return fmt.Errorf("write xlsx report: %w", err)
	}
	steps := []func(*excelize.File, styles, *report.Report) error{
		writeSummary, writeFindings, writeControls, writeActionPlan, writeWaivers, writeErrors,
	}
	if len(r.Trend) > 0 {
		steps = append(steps, writeTrend)
	}
	for _, step := range steps {
		if err := step(f, st, r); err != nil {
			return fmt.Errorf("write xlsx report: %w", err)
		}
	}
	// The first sheet is already the active one. SetActiveSheet would
	// read every streamed sheet back into memory (about 90 MB for 10,000
	// findings).
	//
	// excelize zips the workbook into a bytes.Buffer and then copies it
	// to w: the whole file in memory (about 90 bytes a finding). Its zip
	// writer hook is given that buffer; the zip goes to w instead, and the
	// buffer, left empty, adds nothing when it is copied after.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx report: %w", err)
	}
	return nil
}

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	var err error
	textFmt := 49 // "@": cells hold text, even when edited
	dateFmt := "yyyy-mm-dd hh:mm:ss"
	defs := []struct {
		dst   *int
		style *excelize.Style
	}{
		{&st.header, &excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}},
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
			NumFmt:    textFmt,
		}},
		{&st.text, &excelize.Style{NumFmt: textFmt, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&st.wrap, &excelize.Style{NumFmt: textFmt, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.date, &excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}},
		{&st.number, &excelize.Style{NumFmt: 1, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&st.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, NumFmt: textFmt}},
		{&st.label, &excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: textFmt, Alignment: &excelize.Alignment{Vertical: "top"}}},
	}
	for _, d := range defs {
		if *d.dst, err = f.NewStyle(d.style); err != nil {
			return st, err
		}
	}
	return st, nil
}

// column describes one column of a sheet: its title, its width in
// characters, and whether its text wraps (ids, paths and prose wrap within
// their column instead of spilling into the next one).
type column struct {
	title string
	width float64
	wrap  bool
}

// layout is how a sheet prints and where its table starts.
type layout struct {
	// before are rows written above the header row (the Summary's header
	// block); the header row is frozen and repeated on every printed page.
	before [][]any
	// onePage fits the sheet to one printed page (else one page wide).
	onePage bool
	// printCols limits the printed columns to the first printCols (0: all).
	printCols int
	// formats are the conditional formats by column (see colourColumn)
	// of a sheet that may continue on further sheets (see add); the same
	// as the sheet's finish is given.
	formats map[int]map[string]string
}

// maxRows is the most rows a sheet holds (Excel's limit, 1,048,576): a
// table that outgrows it continues on a sheet named after it with a
// number ("Findings 2", "Findings 3" …), header row and layout repeated.
// Tests lower it.
var maxRows = excelize.TotalRows

// sheetWriter streams rows into one sheet.
type sheetWriter struct {
	f    *excelize.File
	sw   *excelize.StreamWriter
	name string
	st   styles
	cols []column
	row  int
	// head is the row of the column titles.
	head int
	lay  layout
	// base is the sheet's name without its continuation number, part the
	// number of the sheet being written (1 for the first).
	base string
	part int
}

// newSheet starts streaming a sheet: column widths, the header row frozen
// and filtered, and conditional formats, all set before the rows.
func newSheet(f *excelize.File, st styles, name string, cols []column) (*sheetWriter, error) {
	return newSheetLayout(f, st, name, cols, layout{})
}

// newSheetLayout starts streaming a sheet laid out as lay: printed
// landscape with narrow margins, one page wide (or on one page), the rows
// in lay.before first, then the header row, frozen.
func newSheetLayout(f *excelize.File, st styles, name string, cols []column, lay layout) (*sheetWriter, error) {
	// The sheet properties are written when the stream starts, so they
	// come first.
	fit := true
	if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return nil, err
	}
	landscape, wide, tall := "landscape", 1, 0
	if lay.onePage {
		tall = 1
	}
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return nil, err
	}
	side, top, hf := 0.4, 0.5, 0.3
	if err := f.SetPageMargins(name, &excelize.PageLayoutMarginsOptions{Left: &side, Right: &side, Top: &top, Bottom: &top, Header: &hf, Footer: &hf}); err != nil {
		return nil, err
	}
	// Page numbers in the footer: a printed sheet says which page of how many.
	if err := f.SetHeaderFooter(name, &excelize.HeaderFooterOptions{OddFooter: "&L" + name + "&RPage &P of &N"}); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, err
		}
	}
	head := len(lay.before) + 1
	topLeft, _ := excelize.CoordinatesToCellName(1, head+1)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: head, TopLeftCell: topLeft, ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	s := &sheetWriter{f: f, sw: sw, name: name, st: st, cols: cols, row: 1, head: head, lay: lay, base: name, part: 1}
	for _, row := range lay.before {
		if err := s.add(row...); err != nil {
			return nil, err
		}
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.title}
	}
	return s, s.add(header...)
}

// printSettings names the header row as the rows repeated on every
// printed page and, with lay.printCols, the printed area.
func (s *sheetWriter) printSettings(lastRow int) error {
	quoted := "'" + strings.ReplaceAll(s.name, "'", "''") + "'"
	if err := s.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", Scope: s.name,
		RefersTo: fmt.Sprintf("%s!$%d:$%d", quoted, s.head, s.head),
	}); err != nil {
		return err
	}
	if s.lay.printCols == 0 {
		return nil
	}
	col, err := excelize.ColumnNumberToName(s.lay.printCols)
	if err != nil {
		return err
	}
	return s.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Area", Scope: s.name,
		RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", quoted, col, max(lastRow, s.head)),
	})
}

// add writes one row of cells. A row holding wrapped text gets the height
// its longest cell needs: spreadsheets do not grow streamed rows themselves.
// A data row past maxRows starts the next sheet of the table (continue).
func (s *sheetWriter) add(cells ...any) error {
	if s.row > maxRows && s.row > s.head {
		if err := s.continueSheet(); err != nil {
			return err
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	s.row++
	lines := 1
	for i, c := range cells {
		xc, ok := c.(excelize.Cell)
		if !ok || xc.StyleID != s.st.wrap || i >= len(s.cols) {
			continue
		}
		text, _ := xc.Value.(string)
		lines = max(lines, wrappedLines(text, s.cols[i].width))
	}
	if lines == 1 {
		return s.sw.SetRow(cell, cells)
	}
	return s.sw.SetRow(cell, cells, excelize.RowOpts{Height: min(float64(lines)*15, 409)})
}

// continueSheet finishes the full sheet and goes on in a new one, named
// after the first with the next number, with the same columns, header row
// and print layout (not the rows above the header).
func (s *sheetWriter) continueSheet() error {
	if s.lay.formats == nil {
		return fmt.Errorf("sheet %s: more than %d rows, and it cannot continue on another sheet", s.base, maxRows)
	}
	if err := s.finish(s.lay.formats); err != nil {
		return err
	}
	name := fmt.Sprintf("%s %d", s.base, s.part+1)
	if _, err := s.f.NewSheet(name); err != nil {
		return err
	}
	lay := s.lay
	lay.before = nil
	next, err := newSheetLayout(s.f, s.st, name, s.cols, lay)
	if err != nil {
		return err
	}
	next.base, next.part = s.base, s.part+1
	*s = *next
	return nil
}

// wrappedLines estimates the lines text takes in a column of the given
// width (in characters).
func wrappedLines(text string, width float64) int {
	perLine := max(int(width*1.1), 1)
	n := 0
	for _, para := range strings.Split(text, "\n") {
		n += max((utf8.RuneCountInString(para)+perLine-1)/perLine, 1)
	}
	return n
}

// text is a text cell holding snapshot or catalogue text.
func (s *sheetWriter) text(v string) excelize.Cell {
	return excelize.Cell{StyleID: s.st.text, Value: clean(v)}
}

// cells fills a data row: a text cell in a wrapping column wraps.
func (s *sheetWriter) cells(cells ...excelize.Cell) []any {
	out := make([]any, len(cells))
	for i, c := range cells {
		if i < len(s.cols) && s.cols[i].wrap && c.StyleID == s.st.text {
			c.StyleID = s.st.wrap
		}
		out[i] = c
	}
	return out
}

// row writes a data row (see cells).
func (s *sheetWriter) addRow(cells ...excelize.Cell) error {
	return s.add(s.cells(cells...)...)
}

// long is a wrapped text cell.
func (s *sheetWriter) long(v string) excelize.Cell {
	return excelize.Cell{StyleID: s.st.wrap, Value: clean(v)}
}

func (s *sheetWriter) number(n int) excelize.Cell {
	return excelize.Cell{StyleID: s.st.number, Value: n}
}

// finish sets the auto-filter over the rows written and the conditional
// formats, then ends the stream.
func (s *sheetWriter) finish(formats map[int]map[string]string) error {
	if err := s.tableFormats(s.row-1, formats); err != nil {
		return err
	}
	if err := s.printSettings(s.row - 1); err != nil {
		return err
	}
	return s.sw.Flush()
}

// tableFormats sets the auto-filter and the conditional formats of the
// table from the header row to lastRow.
func (s *sheetWriter) tableFormats(lastRow int, formats map[int]map[string]string) error {
	first, _ := excelize.CoordinatesToCellName(1, s.head)
	last, err := excelize.CoordinatesToCellName(len(s.cols), max(lastRow, s.head))
	if err != nil {
		return err
	}
	if err := s.f.AutoFilter(s.name, first+":"+last, nil); err != nil {
		return err
	}
	// Stable order keeps the workbook reproducible.
	for _, col := range slices.Sorted(maps.Keys(formats)) {
		if err := colourColumn(s.f, s.name, col, s.head+1, max(lastRow, s.head+1), formats[col]); err != nil {
			return err
		}
	}
	return nil
}

// Colours by value, for conditional formatting. SeverityColours are the
// severities' colours everywhere in the workbook, the chart included.
var (
	SeverityColours = map[string]string{
		report.SeverityCritical: "8B0000", report.SeverityHigh: "E53935",
		report.SeverityMedium: "FFB000", report.SeverityLow: "BFBFBF",
	}
	// whiteOn are the fills dark enough to take white, bold text.
	whiteOn       = map[string]bool{"8B0000": true, "E53935": true}
	statusColours = map[string]string{
		report.StatusPass: "C6EFCE", report.StatusFail: "FFC7CE", report.StatusWarn: "FFEB9C",
		report.StatusSkip: "EDEDED", report.StatusWaived: "DDEBF7", report.StatusError: "E4C1F9",
	}
)

// colourColumn fills the cells of a column by value with conditional
// formats, so colours follow the value when an auditor edits or sorts.
func colourColumn(f *excelize.File, sheet string, col, firstRow, lastRow int, colours map[string]string) error {
	first, _ := excelize.CoordinatesToCellName(col, firstRow)
	last, _ := excelize.CoordinatesToCellName(col, lastRow)
	// Stable order keeps the workbook reproducible.
	values := slices.Sorted(maps.Keys(colours))
	var opts []excelize.ConditionalFormatOptions
	for _, v := range values {
		font := &excelize.Font{Color: "000000"}
		if whiteOn[colours[v]] {
			font = &excelize.Font{Color: "FFFFFF", Bold: true}
		}
		format, err := f.NewConditionalStyle(&excelize.Style{
			Font: font,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colours[v]}},
		})
		if err != nil {
			return err
		}
		opts = append(opts, excelize.ConditionalFormatOptions{
			Type: "cell", Criteria: "==", Format: &format, Value: `"` + v + `"`,
		})
	}
	return f.SetConditionalFormat(sheet, first+":"+last, opts)
}

// clean neutralises control and bidirectional characters (see
// report.Neutralize), drops the noncharacters XML 1.0 cannot hold, so that
// a hostile name cannot make the workbook unreadable or misleading, and
// keeps within Excel's cell limit.
func clean(s string) string {
	s = report.Neutralize(s)
	if strings.ContainsRune(s, 0xFFFE) || strings.ContainsRune(s, 0xFFFF) {
		s = strings.Map(func(r rune) rune {
			if r == 0xFFFE || r == 0xFFFF {
				return -1
			}
			return r
		}, s)
	}
	const limit = 32767
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit-1]) + "…"
	}
	return s
}
