package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
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

// TestBoundMemory: without a limit from elsewhere, a scan sets the
// runtime's soft limit to its share (ownLimitRatio) of its estimate (the
// workers' largest snapshots plus the reserve); standard input, of unknown
// size, sets none.
func TestBoundMemory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var sources []snapshot.Source
	for i, size := range []int{1_000_000, 3_000_000, 2_000_000} {
		path := filepath.Join(dir, fmt.Sprintf("%d.json", i))
		if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
		sources = append(sources, snapshot.Source{Name: path})
	}
	tests := []struct {
		name     string
		parallel int
		sources  []snapshot.Source
		want     int64 // 0: not set
	}{
		{"one worker: the largest", 1, sources, scanner.ProcessReserve + scanner.SnapshotCost(3_000_000)},
		{"two workers: the two largest", 2, sources, scanner.ProcessReserve + scanner.SnapshotCost(3_000_000) + scanner.SnapshotCost(2_000_000)},
		{"more workers than snapshots", 8, sources, scanner.ProcessReserve + scanner.SnapshotCost(3_000_000) + scanner.SnapshotCost(2_000_000) + scanner.SnapshotCost(1_000_000)},
		{"standard input", 2, append(slices.Clone(sources), snapshot.Source{Name: snapshot.StdinName}), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got int64
			boundMemory(slog.New(slog.DiscardHandler), func(n int64) int64 { got = n; return 0 }, tc.parallel, tc.sources)
			if tc.want = int64(float64(tc.want) * ownLimitRatio); got != tc.want {
				t.Errorf("limit %d, want %d", got, tc.want)
			}
		})
	}
}

func TestHeapShare(t *testing.T) {
	t.Parallel()
	const mb = 1 << 20
	for _, tc := range []struct{ limit, outside, want int64 }{
		{512 * mb, 48 * mb, 464 * mb}, // a container's limit less the SQLite cache
		{512 * mb, 0, 512 * mb},       // nothing outside
		{64 * mb, 48 * mb, 32 * mb},   // never below half
	} {
		if got := heapShare(tc.limit, tc.outside); got != tc.want {
			t.Errorf("heapShare(%d MiB, %d MiB) = %d MiB, want %d MiB", tc.limit/mb, tc.outside/mb, got/mb, tc.want/mb)
		}
	}
}
