package format_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/format/csv"
	"github.com/tenantscan/tenantscan/report/format/html"
	jsonreport "github.com/tenantscan/tenantscan/report/format/json"
	"github.com/tenantscan/tenantscan/report/format/junit"
	"github.com/tenantscan/tenantscan/report/format/markdown"
	"github.com/tenantscan/tenantscan/report/format/sarif"
	"github.com/tenantscan/tenantscan/report/format/table"
	"github.com/tenantscan/tenantscan/report/format/xlsx"
)

// reportWith is a one-tenant report whose every text field a snapshot
// reaches holds s.
func reportWith(s string) *report.Report {
	return &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "tenantscan", Version: "test"},
		StartedAt:     time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC),
		FinishedAt:    time.Date(2026, 11, 28, 10, 0, 2, 0, time.UTC),
		Controls:      []report.Control{{ID: "C-1", Title: "A control", Severity: report.SeverityHigh, Phase: "prerequisites"}},
		Tenants: []report.Tenant{
			{Snapshot: s, TenantID: s, DisplayName: s, Status: report.TenantFail,
				Readiness: report.Readiness{Blocking: []string{"C-1"}},
				Controls: []report.ControlResult{{ID: "C-1", Status: report.StatusFail, Notes: []string{s}, Findings: []report.Finding{
					{Message: s, Resource: report.Resource{Kind: "user", ID: s}, Path: s, Evidence: map[string]any{"name": s}},
				}}}},
			{Snapshot: "broken.yaml", DisplayName: s, Status: report.TenantError, Error: &s,
				Readiness: report.Readiness{Blocking: []string{}},
				Controls:  []report.ControlResult{{ID: "C-1", Status: report.StatusError, Reason: &s, Findings: []report.Finding{}}}},
		},
		Resolved: []report.Finding{},
		Summary:  report.Summary{Tenants: 2, Fail: 1, Error: 1, Findings: map[string]int{"critical": 0, "high": 1, "medium": 0, "low": 0}},
	}
}

// textWriters are the formats people read, which must show snapshot text
// without letting it act on the reader.
var textWriters = []struct {
	name string
	w    report.Writer
}{
	{"table", table.Writer{}},
	{"csv", csv.Writer{}},
	{"markdown", markdown.Writer{}},
	{"html", html.Writer{}},
	{"junit", junit.Writer{}},
}

// TestTextFormatsNeutraliseControls: escape sequences, NUL, carriage
// returns, bidirectional overrides and invalid bytes never reach a text
// report as themselves.
func TestTextFormatsNeutraliseControls(t *testing.T) {
	t.Parallel()
	hostile := "admin\u202Egnp.exe \x1b[2J\x1b]0;owned\x07 nul\x00 cr\rlf del\x7f c1\u009b iso\u2066x\u2069 bad\xff\xfe end"
	bad := []string{"\u202E", "\u2066", "\u2069", "\x1b", "\x00", "\r", "\x07", "\x7f", "\u009b"}
	for _, tc := range textWriters {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := report.Render(tc.w, reportWith(hostile))
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range bad {
				if bytes.Contains(out, []byte(b)) {
					t.Errorf("the report holds %q", b)
				}
			}
			if !utf8.Valid(out) {
				t.Error("the report is not valid UTF-8")
			}
			if !bytes.Contains(out, []byte("admin\uFFFDgnp.exe")) {
				t.Error("the neutralised text is not shown")
			}
		})
	}
}

// TestFormatsLinearOnHugeFields renders every format from a report with a
// 10 MB word (multi-byte, no space to break at; 1 MB under the race
// detector, which is ten times slower) in every text field: each must
// finish (a quadratic writer would not, within the test's time) and hold
// the text or, in the workbook, its first 32,767 characters.
func TestFormatsLinearOnHugeFields(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 10 MB fields in every format")
	}
	t.Parallel()
	huge := strings.Repeat("é", hugeField/2)
	rep := reportWith(huge)
	writers := append([]struct {
		name string
		w    report.Writer
	}{{"json", jsonreport.Writer{}}, {"sarif", sarif.Writer{}}}, textWriters...)
	for _, tc := range writers { // one at a time: each holds its output in memory
		out, err := report.Render(tc.w, rep)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(out) < len(huge) || !utf8.Valid(out) || !bytes.Contains(out, []byte(huge[:4096])) && tc.name != "table" {
			t.Errorf("%s: %d bytes, not holding the field", tc.name, len(out))
		}
		if tc.name == "table" && !bytes.Contains(out, []byte(strings.Repeat("é", 60))) {
			t.Errorf("table: the field is not shown")
		}
	}
	var buf bytes.Buffer
	if err := (xlsx.Writer{TmpDir: t.TempDir()}).Write(&buf, rep); err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	defer f.Close()
	rows, _ := f.GetRows(xlsx.SheetSummary)
	name := ""
	for i, row := range rows[:len(rows)-1] {
		if len(row) > 0 && row[0] == "Tenant" {
			name = rows[i+1][0] // the first tenant, below the header block
			break
		}
	}
	if utf8.RuneCountInString(name) != 32767 {
		t.Errorf("xlsx: the tenant name cell holds %d characters, want Excel's 32,767", utf8.RuneCountInString(name))
	}
}

// BenchmarkTableLongWord measures the table on a failing finding whose
// message is one 1 MB word (41 s before the one-pass line breaking).
func BenchmarkTableLongWord(b *testing.B) {
	rep := reportWith(strings.Repeat("x", 1<<20))
	for b.Loop() {
		if _, err := report.Render(table.Writer{}, rep); err != nil {
			b.Fatal(err)
		}
	}
}
