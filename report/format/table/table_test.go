package table

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

func TestGolden(t *testing.T) {
	t.Parallel()
	reporttest.CompareGoldens(t, []reporttest.Golden{
		{Writer: Writer{}, Report: reporttest.Sample, File: "table.golden.txt"},
		{Writer: Writer{Color: true}, Report: reporttest.Sample, File: "table-color.golden.txt"},
		{Writer: Writer{}, Report: reporttest.Audit, File: "table-audit.golden.txt"},
		{Writer: Drift{}, Report: reporttest.Audit, File: "drift-audit.golden.txt"},
	})
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

// TestTableAuditFacts: a waived finding says "waived" in words, each
// snapshot line its exportedAt and age (STALE, unknown), the summary the
// stale snapshots and the waivers by state.
// Proved: with the "waived:" word and the age text left out, it fails.
func TestTableAuditFacts(t *testing.T) {
	t.Parallel()
	out, err := report.Render(Writer{Width: 200}, reporttest.Audit())
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		"~ waived: bob@fabrikam.com has no E3-or-later licence",
		"snapshots/fabrikam.yaml · exported 2025-10-01T00:00:00Z (423 days — STALE)",
		"snapshots/contoso.yaml · exported 2026-11-20T08:00:00Z (8 days)",
		"snapshots/broken.yaml · unknown age (the snapshot has no exportedAt)",
		"snapshots: 1 stale, 1 of unknown age",
		"waivers: 1 used, 1 unused, 1 expired; 1 finding(s) waived",
		"expired waiver: waivers.yaml:15 O365G-001 legacy-*",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}
}

// TestTableUsesItsWidth: at 160 columns titles are not cut as at 80.
// Proved: with the title width fixed at 80 columns' worth, it fails.
func TestTableUsesItsWidth(t *testing.T) {
	t.Parallel()
	r := reporttest.Sample()
	r.Controls[1].Title = "Dynamics users hold an Office 365 Enterprise E3-or-later licence, or E5, or an equivalent suite"
	narrow, _ := report.Render(Writer{}, r)
	wide, _ := report.Render(Writer{Width: 160}, r)
	if !strings.Contains(string(narrow), "…") {
		t.Fatal("the long title is not cut at 80 columns")
	}
	if strings.Contains(string(wide), "…") || !strings.Contains(string(wide), r.Controls[1].Title) {
		t.Errorf("the long title is cut at 160 columns:\n%s", wide)
	}
}

// TestUnknownReadinessIsAnError: a readiness state the table and the
// readiness text have no line for is an error naming it, not NOT READY.
func TestUnknownReadinessIsAnError(t *testing.T) {
	t.Parallel()
	for _, w := range []report.Writer{Writer{}, Readiness{}} {
		r := reporttest.Sample()
		r.Tenants[1].Readiness.State = "almost"
		_, err := report.Render(w, r)
		if err == nil || !strings.Contains(err.Error(), `unknown readiness status "almost"`) {
			t.Errorf("%T: error %v, want one naming the state", w, err)
		}
	}
}
