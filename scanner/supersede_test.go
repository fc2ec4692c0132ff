package scanner

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/snapshot"
)

// TestSameTenantTwice: of two snapshots of one tenant, the newer export is
// scanned and the older is listed as superseded, in no count; the same
// with the tenants spooled.
func TestSameTenantTwice(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, policy.EngineOptions{})
	dir := t.TempDir()
	data, err := os.ReadFile("../fixtures/litware-licensing.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// An older export of Litware: had it been counted too, the tenants
	// and failures would be counted twice.
	older := strings.Replace(string(data), "exportedAt: 2026-11-22T10:00:00Z", "exportedAt: 2026-11-01T10:00:00Z", 1)
	if older == string(data) {
		t.Fatal("the fixture's exportedAt moved: update the test")
	}
	for name, text := range map[string]string{"a-older.yaml": older, "b-newer.yaml": string(data)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sources := snapshot.Discover([]string{filepath.Join(dir, "a-older.yaml"), "../fixtures/contoso-compliant.yaml", filepath.Join(dir, "b-newer.yaml")})
	alone := mustScan(t, context.Background(), e, snapshot.Discover([]string{"../fixtures/contoso-compliant.yaml", "../fixtures/litware-licensing.yaml"}), Options{Now: fixedNow})
	for _, memory := range []int{-1, 1} {
		rep := mustScan(t, context.Background(), e, sources, Options{Now: fixedNow, MemoryTenants: memory})
		var snaps []string
		if err := rep.EachTenant(func(tn *report.Tenant) error { snaps = append(snaps, filepath.Base(tn.Snapshot)); return nil }); err != nil {
			t.Fatal(err)
		}
		if want := []string{"contoso-compliant.yaml", "b-newer.yaml"}; !reflect.DeepEqual(snaps, want) {
			t.Errorf("memory %d: tenants %q, want %q", memory, snaps, want)
		}
		if len(rep.Superseded) != 1 || filepath.Base(rep.Superseded[0].Snapshot) != "a-older.yaml" ||
			filepath.Base(rep.Superseded[0].By) != "b-newer.yaml" || rep.Superseded[0].ExportedAt != "2026-11-01T10:00:00Z" {
			t.Errorf("memory %d: superseded %+v", memory, rep.Superseded)
		}
		if !reflect.DeepEqual(rep.Summary, alone.Summary) {
			t.Errorf("memory %d: summary %+v, want the summary of the two tenants scanned once %+v", memory, rep.Summary, alone.Summary)
		}
		rep.Close()
	}
}
