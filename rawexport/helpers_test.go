package rawexport_test

import (
	"context"
	"testing"

	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/scanner"
	"github.com/tenantscan/tenantscan/snapshot"
)

// The importer's tests scan what it imports: an import is right when the
// controls give the verdicts a hand-written snapshot gives.

func newTestEngine(t testing.TB, opts policy.EngineOptions) *policy.Engine {
	t.Helper()
	e, err := policy.NewEngine(context.Background(), opts)
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	return e
}

func mustScan(t testing.TB, ctx context.Context, e *policy.Engine, sources []snapshot.Source, opts scanner.Options) *report.Report {
	t.Helper()
	if opts.MemoryTenants == 0 {
		opts.MemoryTenants = -1 // these tests read rep.Tenants
	}
	rep, err := scanner.Scan(ctx, e, sources, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close() })
	return rep
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
