package scanner

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/tenantscan/tenantscan/internal/synthetic"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/snapshot"
)

// BenchmarkSnapshotMemory measures where one snapshot's memory goes, stage
// by stage, with the collector target tenantscan runs with (GOGC 200):
// the decoded document, OPA's AST of it, the peak while the controls run
// (the input plus Rego's intermediates), and the results. With
// TENANTSCAN_MEM_GOGC=10 the peaks come close to the live heap (what a
// memory limit cannot take away); the default shows the collector's
// headroom too. Sizes come from
// $TENANTSCAN_MEM_USERS (comma-separated; default 10000,50000); each size
// runs with few findings (the synthetic tenant: one user in 50 lacks a
// mailbox) and with many (every user also fails O365G-011). Figures are MB
// of Go heap; docs/performance.md turns them into the model that
// scanner.SnapshotCost uses.
func BenchmarkSnapshotMemory(b *testing.B) {
	sizes := []int{10_000, 50_000}
	if env := os.Getenv("TENANTSCAN_MEM_USERS"); env != "" {
		sizes = nil
		for _, s := range strings.Split(env, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				b.Fatalf("TENANTSCAN_MEM_USERS: %v", err)
			}
			sizes = append(sizes, n)
		}
	}
	gogc := 200
	if env := os.Getenv("TENANTSCAN_MEM_GOGC"); env != "" {
		var err error
		if gogc, err = strconv.Atoi(env); err != nil {
			b.Fatalf("TENANTSCAN_MEM_GOGC: %v", err)
		}
	}
	defer debug.SetGCPercent(debug.SetGCPercent(gogc))
	e := newTestEngine(b, policy.EngineOptions{})
	for _, n := range sizes {
		for _, many := range []bool{false, true} {
			doc := synthetic.Tenant(n)
			if many {
				setISVDepth(doc, "Local")
			}
			path := filepath.Join(b.TempDir(), "tenant.json")
			data, err := json.Marshal(doc)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				b.Fatal(err)
			}
			doc, data = nil, nil
			name := fmt.Sprintf("users=%d/findings=few", n)
			if many {
				name = fmt.Sprintf("users=%d/findings=many", n)
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					m := measureSnapshot(b, e, path)
					for _, s := range m {
						b.ReportMetric(s.mb, s.name)
					}
				}
			})
		}
	}
}

func setISVDepth(doc map[string]any, depth string) {
	inst := doc["dynamics"].([]any)[0].(map[string]any)
	role := inst["securityRoles"].([]any)[0].(map[string]any)
	role["privileges"].([]any)[0].(map[string]any)["depth"] = depth
}

type memStage struct {
	name string
	mb   float64
}

// heapSample reads the bytes of heap objects, live or not yet collected.
func heapSample() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// liveHeap collects twice (the second empties sync.Pool's victim cache,
// where OPA keeps evaluation state), then returns the bytes of live heap
// objects.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	return heapSample()
}

// peakWhile runs f and returns the highest heap it saw, sampled every
// millisecond.
func peakWhile(f func()) uint64 {
	var peak atomic.Uint64
	peak.Store(heapSample())
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if h := heapSample(); h > peak.Load() {
					peak.Store(h)
				}
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	if h := heapSample(); h > peak.Load() {
		peak.Store(h)
	}
	return peak.Load()
}

func measureSnapshot(b *testing.B, e *policy.Engine, path string) []memStage {
	mb := func(n uint64, base uint64) float64 {
		if n < base {
			return 0
		}
		return float64(n-base) / 1e6
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	base := liveHeap()
	var snap *snapshot.Snapshot
	loadPeak := peakWhile(func() {
		if snap, err = snapshot.Load(snapshot.Source{Name: path}, nil, snapshot.DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	})
	docLive := liveHeap()
	var input ast.Value
	convPeak := peakWhile(func() {
		if input, err = ast.InterfaceToValue(snap.Doc); err != nil {
			b.Fatal(err)
		}
	})
	bothLive := liveHeap()
	runtime.KeepAlive(snap)
	snap = nil
	astLive := liveHeap()
	var findings int
	var results []report.ControlResult
	evalPeak := peakWhile(func() {
		if results, err = e.Evaluate(context.Background(), input); err != nil {
			b.Fatal(err)
		}
		input = nil
	})
	resultsLive := liveHeap()
	for _, r := range results {
		findings += len(r.Findings)
	}
	return []memStage{
		{"file-MB", float64(fi.Size()) / 1e6},
		{"load-peak-MB", mb(loadPeak, base)},
		{"doc-MB", mb(docLive, base)},
		{"convert-peak-MB", mb(convPeak, base)},
		{"doc+ast-MB", mb(bothLive, base)},
		{"ast-MB", mb(astLive, base)},
		{"eval-peak-MB", mb(evalPeak, base)},
		{"results-MB", mb(resultsLive, base)},
		{"findings", float64(findings)},
	}
}
