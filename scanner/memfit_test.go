package scanner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tenantscan/tenantscan/snapshot"
)

func TestFitWorkers(t *testing.T) {
	t.Parallel()
	const mb = 1_000_000
	cost := SnapshotCost
	tests := []struct {
		name      string
		requested int
		sizes     []int64
		limit     int64
		want      int
	}{
		{"no limit keeps the request", 4, []int64{500 * mb, 500 * mb, 500 * mb, 500 * mb}, 0, 4},
		{"all fit", 4, []int64{10 * mb, 10 * mb, 10 * mb, 10 * mb, 10 * mb}, ProcessReserve + 4*cost(10*mb), 4},
		{"one byte short of the fourth", 4, []int64{10 * mb, 10 * mb, 10 * mb, 10 * mb}, ProcessReserve + 4*cost(10*mb) - 1, 3},
		{"two of four fit", 4, []int64{10 * mb, 10 * mb, 10 * mb, 10 * mb}, ProcessReserve + 2*cost(10*mb) + cost(10*mb)/2, 2},
		{"the largest snapshots decide, wherever they are", 3, []int64{1 * mb, 60 * mb, 1 * mb, 50 * mb, 1 * mb}, ProcessReserve + cost(60*mb) + cost(50*mb) - 1, 1},
		{"the two largest fit, the third does not", 3, []int64{1 * mb, 60 * mb, 1 * mb, 50 * mb, 1 * mb}, ProcessReserve + cost(60*mb) + cost(50*mb) + cost(1*mb) - 1, 2},
		{"never below one worker", 2, []int64{500 * mb, 500 * mb}, 100 * mb, 1},
		{"fewer snapshots than workers: nothing to reduce", 8, []int64{10 * mb, 10 * mb}, ProcessReserve + 2*cost(10*mb), 8},
		{"no snapshot sizes known (standard input)", 2, []int64{0, 0}, ProcessReserve + 2*cost(0), 2},
		{"a request of zero is one", 0, []int64{10 * mb}, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fit := FitWorkers(tc.requested, tc.sizes, tc.limit)
			if fit.Workers != tc.want {
				t.Errorf("FitWorkers(%d, %v, %d).Workers = %d, want %d (need %d)", tc.requested, tc.sizes, tc.limit, fit.Workers, tc.want, fit.Need)
			}
			if fit.Reduced() != (tc.want < max(tc.requested, 1)) {
				t.Errorf("Reduced() = %v", fit.Reduced())
			}
		})
	}
}

func TestFitWorkersReportsTheNumbers(t *testing.T) {
	t.Parallel()
	fit := FitWorkers(3, []int64{5, 70, 20}, 1)
	want := WorkerFit{Workers: 1, Requested: 3, Limit: 1, Largest: 70,
		Need: ProcessReserve + SnapshotCost(70) + SnapshotCost(20) + SnapshotCost(5)}
	if fit != want {
		t.Errorf("FitWorkers = %+v, want %+v", fit, want)
	}
}

func TestSourceSize(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "a.json")
	if err := os.WriteFile(file, make([]byte, 1234), 0o644); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(dir, "export")
	if err := os.MkdirAll(filepath.Join(export, "graph"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]int{"organization.json": 100, "graph/users.json": 900} {
		if err := os.WriteFile(filepath.Join(export, name), make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		src  snapshot.Source
		want int64
	}{
		{snapshot.Source{Name: file}, 1234},
		{snapshot.Source{Name: export, Export: true}, 1000},
		{snapshot.Source{Name: snapshot.StdinName}, 0},
		{snapshot.Source{Name: filepath.Join(dir, "missing.json")}, 0},
	}
	for _, tc := range tests {
		if got := SourceSize(tc.src); got != tc.want {
			t.Errorf("SourceSize(%+v) = %d, want %d", tc.src, got, tc.want)
		}
	}
}
