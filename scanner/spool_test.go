package scanner

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tenantscan/tenantscan/baseline"
	"github.com/tenantscan/tenantscan/internal/openfiles"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	csvreport "github.com/tenantscan/tenantscan/report/format/csv"
	"github.com/tenantscan/tenantscan/report/format/html"
	jsonreport "github.com/tenantscan/tenantscan/report/format/json"
	"github.com/tenantscan/tenantscan/report/format/junit"
	"github.com/tenantscan/tenantscan/report/format/markdown"
	"github.com/tenantscan/tenantscan/report/format/sarif"
	"github.com/tenantscan/tenantscan/report/format/table"
	"github.com/tenantscan/tenantscan/report/format/xlsx"
	"github.com/tenantscan/tenantscan/snapshot"
)

// TestSpooledReportMatchesInMemory scans the fixtures twice, once keeping
// the tenants in memory and once spooling every tenant to disk, with
// waivers and a baseline, and checks that every writer renders the two
// reports byte for byte the same.
func TestSpooledReportMatchesInMemory(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, policy.EngineOptions{})
	sources := snapshot.Discover([]string{"../fixtures"})
	waivers := []report.Waiver{{Control: "O365G-004", Tenant: "*", Resource: "*", Reason: "r", Owner: "o", Expires: "2027-01-01"},
		{Control: "O365G-001", Tenant: "nobody", Resource: "*", Reason: "unused", Owner: "o", Expires: "2027-01-01"}}
	base := mustScan(t, context.Background(), e, snapshot.Discover([]string{"../fixtures/litware-licensing.yaml", "../fixtures/relecloud-connectors.yaml"}), Options{Now: fixedNow})
	// A finding only the baseline has, so that something is resolved.
	base.Tenants[0].Controls[0].Status = report.StatusFail
	base.Tenants[0].Controls[0].Findings = append(base.Tenants[0].Controls[0].Findings,
		report.Finding{Message: "gone", Resource: report.Resource{Kind: "user", ID: "gone@example.com"}})

	scan := func(memoryTenants int) *report.Report {
		marks, err := baseline.New(base)
		if err != nil {
			t.Fatal(err)
		}
		spoolDir := t.TempDir()
		rep := mustScan(t, context.Background(), e, sources, Options{ToolVersion: "test", Now: fixedNow,
			Waivers: waivers, Baseline: marks, MemoryTenants: memoryTenants, SpoolDir: spoolDir})
		t.Cleanup(func() {
			rep.Close()
			// The spool is unlinked at creation: what must not be left
			// is the open file.
			if open, _ := openfiles.Under(spoolDir); len(open) != 0 {
				t.Errorf("spool left open after Close: %v", open)
			}
		})
		return rep
	}
	inMemory, spooled := scan(-1), scan(1)
	if len(inMemory.Tenants) != len(sources) || len(spooled.Tenants) != 0 || spooled.TenantCount() != len(sources) {
		t.Fatalf("in memory %d tenants, spooled %d in memory and %d in all; want %d, 0, %d",
			len(inMemory.Tenants), len(spooled.Tenants), spooled.TenantCount(), len(sources), len(sources))
	}
	if len(inMemory.Resolved) == 0 || inMemory.Summary.Drift == nil || inMemory.Summary.Waivers == nil {
		t.Fatalf("the test needs resolved findings, drift and waivers: %+v", inMemory.Summary)
	}
	if spooled.Resolved != nil || spooled.ResolvedCount() != len(inMemory.Resolved) || spooled.Summary.Drift.Resolved != spooled.ResolvedCount() {
		t.Errorf("the spooled scan holds %d resolved findings in memory, %d in all, summary %d; want none, %d, %d",
			len(spooled.Resolved), spooled.ResolvedCount(), spooled.Summary.Drift.Resolved, len(inMemory.Resolved), len(inMemory.Resolved))
	}
	writers := map[string]report.Writer{
		"json": jsonreport.Writer{}, "csv": csvreport.Writer{}, "table": table.Writer{}, "markdown": markdown.Writer{},
		"html": html.Writer{}, "junit": junit.Writer{}, "readiness": table.Readiness{},
		"readiness-json": jsonreport.Readiness{}, "sarif": sarif.Writer{}, "xlsx": xlsx.Writer{},
	}
	for name, w := range writers {
		want, err := report.Render(w, inMemory)
		if err != nil {
			t.Fatal(err)
		}
		got, err := report.Render(w, spooled)
		if err != nil {
			t.Fatal(err)
		}
		if name == "xlsx" { // the zip container is not byte-stable: compare cells
			got, want = workbookCells(t, got), workbookCells(t, want)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the spooled report renders differently (%d bytes, in memory %d)", name, len(got), len(want))
			t.Logf("spooled:\n%.2000s", got)
		}
	}
	if inMemory.Failures("low") != spooled.Failures("low") || inMemory.NewFailures("low") != spooled.NewFailures("low") ||
		inMemory.Errors() != spooled.Errors() {
		t.Error("failure counts differ")
	}
}

// TestSpoolErrors: a spool that cannot be created fails the scan with a
// clear error, and a closed spool refuses tenants.
func TestSpoolErrors(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, policy.EngineOptions{})
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	_, err := Scan(context.Background(), e, snapshot.Discover([]string{"../fixtures"}), Options{MemoryTenants: 1, SpoolDir: missing})
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("create spool")) {
		t.Errorf("scan with a missing spool folder: %v", err)
	}
	s, err := report.NewSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(&report.Tenant{Snapshot: "x.yaml"}); err == nil {
		t.Error("a closed spool took a tenant")
	}
}

// workbookCells lists every cell of every sheet as text.
func workbookCells(t *testing.T, data []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "# %s\n", sheet)
		for _, row := range rows {
			fmt.Fprintf(&out, "%q\n", row)
		}
	}
	return out.Bytes()
}
