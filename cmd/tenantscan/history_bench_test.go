package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tenantscan/tenantscan/internal/dbtest"
)

// BenchmarkScanHistory scans the findings-heavy corpus (go run
// ./fixtures/gen -findings-heavy; make bench makes it) without a history,
// then with one: "first" into an empty history (every finding new),
// "nightly" into one that has the same night already (nothing changed).
// The budget: --history costs at most 20 % more than none.
func BenchmarkScanHistory(b *testing.B) {
	corpus := os.Getenv("TENANTSCAN_BENCH_HEAVY_CORPUS")
	if corpus == "" {
		b.Skip("set TENANTSCAN_BENCH_HEAVY_CORPUS to a folder made by go run ./fixtures/gen -findings-heavy (make bench does)")
	}
	scan := func(b *testing.B, extra ...string) {
		out := filepath.Join(b.TempDir(), "r.json")
		args := append([]string{"scan", "-q", "--fail-on", "none", "--format", "json", "--output", "json=" + out}, extra...)
		if res := runCLI(b, "", append(args, corpus)...); res.code != 0 {
			b.Fatalf("exit %d: %s", res.code, res.stderr)
		}
	}
	b.Run("history=none", func(b *testing.B) {
		for b.Loop() {
			scan(b)
		}
	})
	for _, kind := range dbtest.Kinds {
		b.Run("history="+kind+"/first", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				url := dbtest.URL(b, kind)
				b.StartTimer()
				scan(b, "--history", url)
			}
		})
		b.Run("history="+kind+"/nightly", func(b *testing.B) {
			url := dbtest.URL(b, kind)
			scan(b, "--history", url)
			for b.Loop() {
				scan(b, "--history", url, "--baseline", "history")
			}
		})
	}
}
