package csv

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

func TestGolden(t *testing.T) {
	t.Parallel()
	reporttest.CompareGoldens(t, []reporttest.Golden{
		{Writer: Writer{}, Report: reporttest.Sample, File: "report.golden.csv"},
		{Writer: Writer{}, Report: reporttest.Audit, File: "audit.golden.csv"},
	})
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	out, err := report.Render(Writer{}, reporttest.Hostile())
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 1+len(reporttest.HostileTexts)+1 { // header, reporttest.HostileTexts findings, Fabrikam's O365G-001
		t.Errorf("%d records", len(records))
	}
	seen := 0
	for _, rec := range records[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would be read as a formula", cell)
			}
			if strings.HasPrefix(cell, "'") {
				seen++
			}
		}
	}
	if seen < len(reporttest.HostileTexts) {
		t.Errorf("only %d cells were neutralised", seen)
	}
}

// TestCSVSnapshotAge: every row ends with its snapshot's exportedAt, age
// and stale flag. Proved: with the three values left empty, it fails.
func TestCSVSnapshotAge(t *testing.T) {
	t.Parallel()
	out, err := report.Render(Writer{}, reporttest.Audit())
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0][len(rows[0])-3:], ","); got != "exported_at,snapshot_age,stale" {
		t.Fatalf("header ends %q", got)
	}
	for _, row := range rows[1:] {
		if got := strings.Join(row[len(row)-3:], ","); got != "2025-10-01T00:00:00Z,423 days,true" {
			t.Errorf("row of %s ends %q", row[0], got)
		}
	}
}
