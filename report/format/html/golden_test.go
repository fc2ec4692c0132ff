package html_test

import (
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	htmlreport "github.com/tenantscan/tenantscan/report/format/html"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

// TestHTMLGolden: the page of the sample report, byte for byte.
func TestHTMLGolden(t *testing.T) {
	t.Parallel()
	reporttest.CompareGoldens(t, []reporttest.Golden{
		{Writer: htmlreport.Writer{}, Report: reporttest.Sample, File: "report.golden.html"},
	})
}

func TestHTMLEscapesSnapshotText(t *testing.T) {
	t.Parallel()
	out, err := report.Render(htmlreport.Writer{}, reporttest.Hostile())
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	for _, bad := range []string{"<script>alert(1)", "<img src=x", `"><img`} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds raw %q", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the hostile name is not shown escaped")
	}
	if strings.Count(page, "<script>") != 1 {
		t.Errorf("page has %d scripts, want only its own", strings.Count(page, "<script>"))
	}
	for _, external := range []string{`src="`, `href="http`, "<link", "@import", "url("} {
		if strings.Contains(page, external) {
			t.Errorf("page refers to an external asset (%s)", external)
		}
	}
}

func TestEvidenceText(t *testing.T) {
	t.Parallel()
	got := report.EvidenceText(map[string]any{"licenses": []any{"A", "B"}, "found": false, "none": nil, "depth": map[string]any{"Reader": "none"}, "empty": []any{}})
	want := "depth: {Reader: none}; empty: (none); found: false; licenses: A, B; none: (none)"
	if got != want {
		t.Errorf("EvidenceText = %q, want %q", got, want)
	}
}
