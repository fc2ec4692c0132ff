package table

import (
	"bytes"
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
		{Writer{}, "table.golden.txt"},
		{Writer{Color: true}, "table-color.golden.txt"},
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

func TestTableFitsWidth(t *testing.T) {
	t.Parallel()
	r := reporttest.Sample()
	r.Tenants[1].Controls[0].Findings[0].Message = "instance " + strings.Repeat("x", 150) + " is on premises"
	for _, width := range []int{80, 100} {
		out, err := report.Render(Writer{Width: width}, r)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(out), "\n") {
			if n := visibleLen(line); n > width {
				t.Errorf("width %d: line %d is %d columns: %q", width, i+1, n, line)
			}
		}
	}
}

func TestTableColourOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	plain, _ := report.Render(Writer{}, reporttest.Sample())
	if bytes.Contains(plain, []byte("\x1b[")) {
		t.Error("a table without Color holds ANSI escapes")
	}
	coloured, _ := report.Render(Writer{Color: true}, reporttest.Sample())
	if !bytes.Contains(coloured, []byte(ansiRed+"FAIL")) {
		t.Error("a table with Color does not colour FAIL")
	}
}

func TestTableStripsControlCharacters(t *testing.T) {
	t.Parallel()
	r := reporttest.Sample()
	r.Tenants[0].DisplayName = "evil\x1b[2J\x1b[31mname"
	out, err := report.Render(Writer{}, r)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("\x1b")) {
		t.Error("an escape sequence from the snapshot reached the terminal")
	}
}
