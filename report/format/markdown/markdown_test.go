package markdown

import (
	"path/filepath"
	"regexp"
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
		{Writer{}, "report.golden.md"},
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
		if strings.HasPrefix(line, "| ") && strings.Count(line, "|")-strings.Count(line, `\|`) != 9 {
			t.Errorf("table row has a broken column count: %q", line)
		}
	}
}
