package csv

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/internal/golden"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		writer report.Writer
		golden string
	}{
		{Writer{}, "report.golden.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			t.Parallel()
			got, err := report.Render(tc.writer, reporttest.Sample())
			if err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, filepath.Join("testdata", tc.golden), got)
		})
	}
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
