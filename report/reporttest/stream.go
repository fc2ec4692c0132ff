package reporttest

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenantscan/tenantscan/report"
)

// Spooled is Sample() grown to n tenants of perTenant findings each (with
// evidence bytes of evidence), kept in a spool that the test's cleanup
// removes: the report a writer must stream. StreamTenants tenants of ten
// findings with StreamEvidence bytes would take about 150 MB held in
// memory at once (50 MB under the race detector).
func Spooled(t testing.TB, n, perTenant, evidence int) *report.Report {
	t.Helper()
	r := Sample()
	base := r.Tenants
	r.Tenants = nil
	s, err := report.NewSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	pad := strings.Repeat("x", evidence)
	refs := make([]report.SpoolRef, 0, n)
	for i := range n {
		tn := base[i%len(base)]
		tn.Snapshot = fmt.Sprintf("tenant-%05d.json", i)
		tn.Controls = append([]report.ControlResult(nil), tn.Controls...)
		c := &tn.Controls[0]
		c.Status = report.StatusFail
		c.Findings = make([]report.Finding, perTenant)
		for k := range c.Findings {
			c.Findings[k] = report.Finding{
				Message:  fmt.Sprintf("user%06d@tenant%05d.example fails", k, i),
				Resource: report.Resource{Kind: "user", ID: fmt.Sprintf("user%06d", k)},
				Path:     fmt.Sprintf("/users/%d", k),
				Evidence: map[string]any{"note": pad},
			}
		}
		ref, err := s.Put(&tn)
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	r.UseSpool(s, refs)
	return r
}

// heapObjects is the bytes of heap objects, live or not yet collected
// (runtime/metrics: no stop of the world, unlike ReadMemStats).
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// PeakHeapGrowth runs f and returns how far the heap (sampled every
// millisecond) rose above the live heap before it. It measures, it does
// not time: tests bound the bytes, never the duration.
func PeakHeapGrowth(f func()) uint64 {
	runtime.GC()
	before := heapObjects()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if h := heapObjects(); h > peak.Load() {
					peak.Store(h)
				}
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	if peak.Load() < before {
		return 0
	}
	return peak.Load() - before
}

// SpoolResolved gives r n resolved findings (with evidence bytes of
// evidence each, the controls of r in turn) in a finding spool that the
// test's cleanup removes, and counts them in the summary's drift: the
// list a writer must stream. StreamTenants × 10 findings of
// StreamEvidence bytes would take about 150 MB held in memory at once
// (50 MB under the race detector).
func SpoolResolved(t testing.TB, r *report.Report, n, evidence int) {
	t.Helper()
	s, err := report.NewFindingSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	pad := strings.Repeat("x", evidence)
	for i := range n {
		f := report.Finding{
			ControlID: r.Controls[i%len(r.Controls)].ID,
			TenantID:  fmt.Sprintf("00000000-0000-4000-8000-%012d", i/2300),
			Message:   fmt.Sprintf("user%06d@tenant%05d.example no longer fails", i%2300, i/2300),
			Resource:  report.Resource{Kind: "user", ID: fmt.Sprintf("user%06d", i%2300)},
			Path:      fmt.Sprintf("/users/%d", i%2300),
			Evidence:  map[string]any{"note": pad},
		}
		if err := s.Put(&f); err != nil {
			t.Fatal(err)
		}
	}
	r.UseResolvedSpool(s)
	d := report.DriftSummary{NewFindings: map[string]int{}}
	if r.Summary.Drift != nil {
		d = *r.Summary.Drift
	}
	d.Resolved = n
	r.Summary.Drift = &d
}
