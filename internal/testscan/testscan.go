// Package testscan scans the bundled fixtures for the tests of the report
// writers, so that they exercise real reports rather than hand-made ones.
package testscan

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/scanner"
	"github.com/tenantscan/tenantscan/snapshot"
)

// Root is the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Scan scans paths (relative to the repository root) with the built-in
// policies, at a fixed time and tool version so that output is stable.
// Snapshot names in the report stay relative to the root.
func Scan(t testing.TB, paths ...string) *report.Report {
	t.Helper()
	return ScanWith(t, scanner.Options{}, paths...)
}

// ScanWith is Scan with options (waivers, --max-age …); the fixed time,
// tool version and in-memory tenants are set unless opts sets them.
func ScanWith(t testing.TB, opts scanner.Options, paths ...string) *report.Report {
	t.Helper()
	engine, err := policy.NewEngine(context.Background(), policy.EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	root := Root()
	abs := make([]string, len(paths))
	for i, p := range paths {
		abs[i] = filepath.Join(root, p)
	}
	sources := snapshot.Discover(abs)
	if opts.ToolVersion == "" {
		opts.ToolVersion = "test"
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) }
	}
	if opts.MemoryTenants == 0 {
		opts.MemoryTenants = -1
	}
	rep, err := scanner.Scan(context.Background(), engine, sources, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rep.Tenants {
		if rel, err := filepath.Rel(root, rep.Tenants[i].Snapshot); err == nil {
			rep.Tenants[i].Snapshot = filepath.ToSlash(rel)
		}
		if e := rep.Tenants[i].Error; e != nil {
			msg := strings.ReplaceAll(*e, root+string(filepath.Separator), "")
			rep.Tenants[i].Error = &msg
		}
	}
	return rep
}

// Hostile is the snapshot of attacker-controlled names, relative to the root.
const Hostile = "cmd/tenantscan/testdata/hostile.yaml"
