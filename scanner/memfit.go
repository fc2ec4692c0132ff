package scanner

import (
	"cmp"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/tenantscan/tenantscan/snapshot"
)

// The memory model of one snapshot being evaluated, measured with
// BenchmarkSnapshotMemory and `tenantscan scan --parallel 1` on generated
// tenants of 2,000 to 100,000 users (docs/performance.md, "Memory of one
// snapshot"). The peak is proportional to the snapshot's size in bytes:
// its live part — OPA's value of the document, the controls'
// intermediates, the findings — is 22 times the size with few findings and
// 28 times with one finding per user. The collector's headroom comes on top
// (GOGC 200: up to 49 times), but under a memory limit the Go runtime
// collects before it grows, so the model is the live peak with a margin.
const (
	// SnapshotCostPerByte is the memory one byte of a snapshot file costs
	// at the peak of its evaluation, findings-heavy, with a margin.
	SnapshotCostPerByte = 32
	// SnapshotCostFixed is the part of a snapshot's peak that does not
	// depend on its size.
	SnapshotCostFixed = 8_000_000
	// ProcessReserve is the memory set aside for everything but the
	// snapshots: the compiled policies, the report writers, buffers.
	ProcessReserve = 150_000_000
)

// SnapshotCost estimates the peak memory of evaluating a snapshot of the
// given size in bytes (SnapshotCostPerByte × size + SnapshotCostFixed).
func SnapshotCost(size int64) int64 {
	return SnapshotCostPerByte*size + SnapshotCostFixed
}

// SourceSize is the size in bytes of a snapshot file, or of every file in
// a raw export folder; 0 for standard input and for what cannot be read
// (its error is reported when it is loaded).
func SourceSize(src snapshot.Source) int64 {
	if src.Name == snapshot.StdinName || src.Err != nil {
		return 0
	}
	if !src.Export {
		fi, err := os.Stat(src.Name)
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	var total int64
	_ = filepath.WalkDir(src.Name, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if fi, err := d.Info(); err == nil {
			total += fi.Size()
		}
		return nil
	})
	return total
}

// WorkerFit is the decision of FitWorkers.
type WorkerFit struct {
	// Workers is the number of snapshots to evaluate at once.
	Workers int
	// Requested is the number asked for (--parallel, or one per CPU).
	Requested int
	// Limit is the memory limit the decision was made for (bytes).
	Limit int64
	// Need is what Requested workers would need at worst: the estimated
	// cost of the Requested largest snapshots, plus ProcessReserve.
	Need int64
	// Largest is the size in bytes of the largest snapshot.
	Largest int64
}

// Reduced reports whether fewer workers than requested will run.
func (f WorkerFit) Reduced() bool { return f.Workers < f.Requested }

// FitWorkers decides how many snapshots to evaluate at once so that, at
// worst — the largest snapshots evaluated together — their estimated cost
// (SnapshotCost) plus ProcessReserve stays within limit. It never goes
// below one worker (a single snapshot larger than the limit is still
// tried: the Go runtime's soft limit makes the collector work harder) nor
// above requested. limit <= 0 means no limit: requested stands.
func FitWorkers(requested int, sizes []int64, limit int64) WorkerFit {
	requested = max(requested, 1)
	fit := WorkerFit{Workers: requested, Requested: requested, Limit: limit, Need: ProcessReserve}
	largest := slices.Clone(sizes)
	slices.SortFunc(largest, func(a, b int64) int { return cmp.Compare(b, a) })
	if len(largest) > 0 {
		fit.Largest = largest[0]
	}
	// More workers than snapshots never run at once.
	active := min(requested, len(largest))
	fitting := 0
	for i := range active {
		fit.Need += SnapshotCost(largest[i])
		if fit.Need <= limit {
			fitting = i + 1
		}
	}
	if limit > 0 && fitting < active {
		fit.Workers = max(fitting, 1)
	}
	return fit
}
