package format_test

import (
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenantscan/tenantscan/report"
	jsonreport "github.com/tenantscan/tenantscan/report/format/json"
	"github.com/tenantscan/tenantscan/report/format/junit"
	"github.com/tenantscan/tenantscan/report/format/markdown"
	"github.com/tenantscan/tenantscan/report/format/sarif"
	"github.com/tenantscan/tenantscan/report/format/table"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

// spooledReport is reporttest.Sample() grown to n tenants of perTenant findings each
// (with evidence bytes of evidence), kept in a spool: held in memory
// at once they would take about 150 MB (50 MB under the race detector).
func spooledReport(t *testing.T, n, perTenant, evidence int) *report.Report {
	t.Helper()
	r := reporttest.Sample()
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

// peakHeapGrowth runs f and returns how far the heap (sampled every
// millisecond) rose above the live heap before it.
func peakHeapGrowth(f func()) uint64 {
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

// TestWritersStreamFromSpool writes 10,000 spooled tenants (100,000
// findings, about 150 MB as Go values; 2,000 tenants, 50 MB, under the
// race detector) with each streaming writer: the
// heap grows by a few tenants' worth, not by the report. The bound is
// loose (the collector's headroom counts too); a writer that keeps every
// tenant goes far past it.
func TestWritersStreamFromSpool(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 10,000 tenants")
	}
	r := spooledReport(t, streamTenants, 10, streamEvidence)
	const bound = 24 << 20
	for _, tc := range []struct {
		name string
		w    report.Writer
	}{
		{"junit", junit.Writer{}},
		{"json", jsonreport.Writer{}},
		{"table", table.Writer{Width: 120}},
		{"sarif", sarif.Writer{}},
		{"markdown", markdown.Writer{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var werr error
			grew := peakHeapGrowth(func() { werr = tc.w.Write(io.Discard, r) })
			if werr != nil {
				t.Fatal(werr)
			}
			t.Logf("%s: heap grew by %.1f MB", tc.name, float64(grew)/1e6)
			if grew > bound {
				t.Errorf("%s: the heap grew by %.0f MB writing %d spooled tenants, want at most %d MB: the writer holds the report", tc.name, float64(grew)/1e6, streamTenants, bound>>20)
			}
		})
	}
}
