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

// boundMemory sets the Go runtime's soft memory limit from the run's own
// estimate when nothing else set one (GOMEMLIMIT, a container's limit):
// parallel workers evaluating the largest snapshots at once, plus
// scanner.ProcessReserve (scanner.FitWorkers' Need), of which the runtime
// gets ownLimitRatio. The collector then works harder as the heap nears
// it, rather than letting GOGC 200 grow the heap to three times what is
// live, so peak memory stays near the snapshots being evaluated plus the
// reserve, however many tenants and findings the run has. The limit is
// soft: a snapshot larger than its estimate is slower, never refused.
// Standard input's size is unknown, so a run that reads it sets nothing;
// set is nil in tests.
func boundMemory(log *slog.Logger, set func(int64) int64, parallel int, sources []snapshot.Source) {
	if set == nil {
		return
	}
	sizes := make([]int64, len(sources))
	for i, src := range sources {
		if src.Name == snapshot.StdinName {
			return
		}
		sizes[i] = scanner.SourceSize(src)
	}
	need := scanner.FitWorkers(parallel, sizes, 0).Need
	limit := int64(float64(need) * ownLimitRatio)
	set(limit)
	log.Info("Go runtime soft memory limit set from the run's estimate (GOMEMLIMIT overrides)", "limit", megabytes(limit), "estimate", megabytes(need), "parallel", parallel)
}

// ownLimitRatio is the runtime's share of the run's own estimate when the
// scan sets its limit itself. The estimate bounds the whole process's
// resident memory, of which about 20 MB is not the runtime's to count (the
// binary's pages) and the collector overshoots a soft limit while it
// catches up, so the runtime gets less than a container's 90 %: at 0.9,
// 50 findings-heavy tenants peaked at 193–209 MB, at the edge of their
// measured bound (204 MB); at 0.7, 169 MB, with no CPU time that the
// machine's noise did not hide (docs/performance.md, "Peak RSS per
// output").
const ownLimitRatio = 0.7

// heapShare is Go's share of a memory limit when outside bytes of the
// run are not Go's (a SQLite history's page cache): the limit less them,
// but never less than half of it, so that a small container still scans.
func heapShare(limit, outside int64) int64 {
	return max(limit-outside, limit/2)
}

// megabytes prints a byte count in MB (10^6 bytes), rounded.
func megabytes(n int64) string {
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}
