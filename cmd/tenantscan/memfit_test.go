package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/scanner"
	"github.com/tenantscan/tenantscan/snapshot"
)

func TestFitParallelLogsTheReduction(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var sources []snapshot.Source
	for _, name := range []string{"a.json", "b.json", "c.json"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, make([]byte, 3_000_000), 0o644); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, snapshot.Source{Name: path})
	}
	cost := scanner.SnapshotCost(3_000_000)
	tests := []struct {
		name  string
		limit int64
		want  int
		log   string
	}{
		{"no limit", 0, 3, ""},
		{"room for all three", scanner.ProcessReserve + 3*cost, 3, ""},
		{"room for two", scanner.ProcessReserve + 2*cost, 2,
			`level=WARN msg="evaluating fewer snapshots at once to stay within the memory limit" parallel=2 requested=3 memoryLimit="` +
				megabytes(scanner.ProcessReserve+2*cost) + `" largestSnapshot="3 MB" estimate="` + megabytes(scanner.ProcessReserve+3*cost) +
				` for 3 at once (32 x snapshot size + 8 MB each, + 150 MB)"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
				ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
					if a.Key == slog.TimeKey {
						return slog.Attr{}
					}
					return a
				},
			}))
			if got := fitParallel(log, 3, sources, tc.limit); got != tc.want {
				t.Errorf("fitParallel = %d, want %d", got, tc.want)
			}
			if got := strings.TrimSpace(buf.String()); got != tc.log {
				t.Errorf("log:\n got %s\nwant %s", got, tc.log)
			}
		})
	}
}
