package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTableWidth(t *testing.T) {
	t.Parallel()
	yes := func(io.Writer) bool { return true }
	no := func(io.Writer) bool { return false }
	cols := func(n int) func(io.Writer) int { return func(io.Writer) int { return n } }
	tests := []struct {
		name     string
		terminal func(io.Writer) bool
		columns  func(io.Writer) int
		want     int
	}{
		{"wide terminal", yes, cols(160), 160},
		{"narrow terminal", yes, cols(20), minTableWidth},
		{"terminal that does not say", yes, cols(0), defaultTableWidth},
		{"pipe or file", no, cols(160), defaultTableWidth},
	}
	for _, tc := range tests {
		e := &env{stdout: io.Discard, isTerminal: tc.terminal, terminalWidth: tc.columns}
		if got := e.tableWidth(); got != tc.want {
			t.Errorf("%s: width %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestScanTableFillsTheTerminal: scan's table on a 160-column terminal
// uses its width (titles uncut, lines past 80 columns, none past 160); on
// a pipe it keeps to 80.
// Proved: with outputs.go passing no Width, the wide run fails.
func TestScanTableFillsTheTerminal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		terminal bool
		width    int
	}{{true, 160}, {false, 80}} {
		var out bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: io.Discard, getenv: func(k string) string { return map[string]string{"NO_COLOR": "1"}[k] },
			log: slog.New(slog.DiscardHandler), isTerminal: func(io.Writer) bool { return tc.terminal },
			terminalWidth: func(io.Writer) int { return 160 }}
		root := newRootCommand(e)
		root.SetArgs([]string{"scan", "-q", "--fail-on", "none", filepath.Join(fixtures, "litware-licensing.yaml")})
		root.SetOut(&out)
		root.SetErr(io.Discard)
		if err := root.ExecuteContext(context.Background()); err != nil {
			t.Fatalf("terminal %v: %v", tc.terminal, err)
		}
		longest := 0
		for _, line := range strings.Split(out.String(), "\n") {
			longest = max(longest, utf8.RuneCountInString(line))
		}
		if longest > tc.width || tc.terminal && longest <= 80 {
			t.Errorf("terminal %v: longest line %d columns, want at most %d (and past 80 on a wide terminal)\n%s", tc.terminal, longest, tc.width, out.String())
		}
		if tc.terminal && strings.Contains(out.String(), "…") {
			t.Errorf("a title is cut on a 160-column terminal:\n%s", out.String())
		}
	}
}
