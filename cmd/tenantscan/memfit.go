package main

import (
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"

	"github.com/tenantscan/tenantscan/scanner"
	"github.com/tenantscan/tenantscan/snapshot"
)

// runtimeMemoryLimit is the Go runtime's soft memory limit in bytes
// (GOMEMLIMIT, or the share of the container's limit set at start), or 0
// when there is none.
func runtimeMemoryLimit() int64 {
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		return limit
	}
	return 0
}

// fitParallel is the number of snapshots to evaluate at once: requested,
// unless at worst (the largest snapshots together) their estimated memory
// (scanner.FitWorkers) would exceed limit; then fewer, and a warning names
// the numbers. limit 0 means none.
func fitParallel(log *slog.Logger, requested int, sources []snapshot.Source, limit int64) int {
	if limit <= 0 {
		return requested
	}
	sizes := make([]int64, len(sources))
	for i, src := range sources {
		sizes[i] = scanner.SourceSize(src)
	}
	fit := scanner.FitWorkers(requested, sizes, limit)
	if fit.Reduced() {
		log.Warn("evaluating fewer snapshots at once to stay within the memory limit",
			"parallel", fit.Workers, "requested", fit.Requested,
			"memoryLimit", megabytes(fit.Limit), "largestSnapshot", megabytes(fit.Largest),
			"estimate", fmt.Sprintf("%s for %d at once (%d x snapshot size + %s each, + %s)",
				megabytes(fit.Need), min(fit.Requested, len(sources)), scanner.SnapshotCostPerByte,
				megabytes(scanner.SnapshotCostFixed), megabytes(scanner.ProcessReserve)))
	}
	return fit.Workers
}

// megabytes prints a byte count in MB (10^6 bytes), rounded.
func megabytes(n int64) string {
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}
