package markdown

import (
	"regexp"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

func TestGolden(t *testing.T) {
	t.Parallel()
	reporttest.CompareGoldens(t, []reporttest.Golden{
		{Writer: Writer{}, Report: reporttest.Sample, File: "report.golden.md"},
		{Writer: Writer{}, Report: reporttest.Audit, File: "audit.golden.md"},
	})
}

func TestMarkdownEscapesSnapshotText(t *testing.T) {
	t.Parallel()
	out, err := report.Render(Writer{}, reporttest.Hostile())
	if err != nil {
		t.Fatal(err)
	}
	md := string(out)
	for _, bad := range []string{"<script>", "<img", "*bold*"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown holds raw %q", bad)
		}
	}
	if regexp.MustCompile(`[^\\]\]\(`).MatchString(md) {
		t.Error("markdown holds a raw link")
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Count(line, "|")-strings.Count(line, `\|`) != 11 {
			t.Errorf("table row has a broken column count: %q", line)
		}
	}
}

// TestJobSummary: the first paragraph is the run in one line (counts,
// drift, waivers, stale snapshots, date, version); a skipped control is
// one line, never a heading; every tenant's exportedAt and age is shown.
// Proved: with the drift and waiver parts left out of summaryLine, and
// with skipped controls detailed again, it fails.
func TestJobSummary(t *testing.T) {
	t.Parallel()
	out, err := report.Render(Writer{}, reporttest.Audit())
	if err != nil {
		t.Fatal(err)
	}
	md := string(out)
	first := strings.Split(md, "\n")[2]
	for _, want := range []string{"**3 tenant(s): 1 pass, 1 fail, 1 error**", "failing findings: 1 critical, 1 high, 0 medium, 0 low",
		"drift: 1 new, 1 resolved", "waivers: 1 used, 1 unused, 1 expired (1 finding(s) waived)",
		"**1 stale snapshot(s), 1 of unknown age**", "scanned 2026-11-28 10:00 UTC", "tenantscan test"} {
		if !strings.Contains(first, want) {
			t.Errorf("summary line lacks %q:\n%s", want, first)
		}
	}
	if strings.Contains(md, "— skip (") || !strings.Contains(md, "\nSkipped: O365G-016 (no group has a connector).\n") {
		t.Errorf("skipped control not in one line:\n%s", md)
	}
	for _, want := range []string{"| 2026-11-20T08:00:00Z | 8 days |", "| 2025-10-01T00:00:00Z | **423 days — STALE** |", "**unknown age (the snapshot has no exportedAt)**"} {
		if !strings.Contains(md, want) {
			t.Errorf("tenant table lacks %q", want)
		}
	}
	if out, _ := report.Render(Writer{}, reporttest.Sample()); !strings.Contains(string(out), "snapshot ages not recorded") {
		t.Errorf("a report without ages is not said so:\n%s", out)
	}
}
