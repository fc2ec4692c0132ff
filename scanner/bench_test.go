package scanner

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/tenantscan/tenantscan/report"
)

// syntheticTenant builds a snapshot with n users, every one of them a
// Dynamics user, one group per 10 users with a connector and 10 members
// (a guest among them), and a user in 50 without a mailbox, so that every
// join of the catalogue has work to do.
func syntheticTenant(n int) map[string]any {
	users := make([]any, 0, n)
	dynUsers := make([]any, 0, n)
	for i := 0; i < n; i++ {
		upn := fmt.Sprintf("user%06d@contoso.com", i)
		u := map[string]any{
			"userPrincipalName": upn, "accountEnabled": true, "userType": "Member",
			"licenses": []any{"ENTERPRISEPACK"}, "disabledPlans": []any{}, "mailbox": "UserMailbox",
			"pstn": map[string]any{"calling": i%20 == 0, "conferencing": false},
		}
		if i%50 == 0 {
			u["mailbox"] = nil
		}
		if i%10 == 9 {
			u["userType"] = "Guest"
		}
		users = append(users, u)
		dynUsers = append(dynUsers, map[string]any{"userPrincipalName": upn, "enabled": true, "roles": []any{"Salesperson"}})
	}
	groups := make([]any, 0, n/10)
	for g := 0; g < n/10; g++ {
		members := make([]any, 0, 10)
		for m := 0; m < 10; m++ {
			members = append(members, fmt.Sprintf("user%06d@contoso.com", g*10+m))
		}
		groups = append(groups, map[string]any{
			"id": fmt.Sprintf("g%d", g), "displayName": fmt.Sprintf("Group %d", g), "visibility": "Private", "members": members,
			"connector": map[string]any{"instance": "sales", "activityTypes": []any{"task"}, "connectedRecords": []any{
				map[string]any{"entity": "opportunity", "id": fmt.Sprintf("o%d", g), "sensitive": g%2 == 0},
			}},
		})
	}
	return map[string]any{
		"apiVersion": "tenantscan/v1", "kind": "TenantSnapshot", "exportedAt": "2026-11-20T08:00:00Z",
		"tenant": map[string]any{"id": "7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11"},
		"subscriptions": []any{map[string]any{"skuPartNumber": "ENTERPRISEPACK", "capabilityStatus": "Enabled",
			"servicePlans": []any{"EXCHANGE_S_ENTERPRISE", "SHAREPOINTENTERPRISE", "MCOSTANDARD"}}},
		"users":  users,
		"groups": groups,
		"dynamics": []any{map[string]any{
			"name": "sales", "deployment": "online", "version": "9.2", "usesGroups": true,
			"solutions":      []any{map[string]any{"uniqueName": "Office365Groups"}},
			"sharePoint":     map[string]any{"serverBasedIntegration": true, "deploymentType": "online", "oneNoteIntegration": false},
			"exchange":       map[string]any{"serverSideSync": true},
			"customizations": map[string]any{"unpublished": false},
			"groupEntities":  []any{map[string]any{"entity": "opportunity", "autoCreate": false}},
			"securityRoles": []any{map[string]any{"name": "Salesperson", "privileges": []any{
				map[string]any{"name": "prvISVExtensions", "depth": "Global"}}}},
			"users": dynUsers,
		}},
	}
}

// BenchmarkEvaluateUsers evaluates the whole catalogue on tenants of 1k,
// 10k, 50k and 100k users; ns/op divided by the size should stay about flat
// (linear time) because every join is indexed.
func BenchmarkEvaluateUsers(b *testing.B) {
	e := newTestEngine(b, EngineOptions{})
	for _, n := range []int{1_000, 10_000, 50_000, 100_000} {
		input := ast.MustInterfaceToValue(syntheticTenant(n))
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			for b.Loop() {
				results, err := e.Evaluate(context.Background(), input)
				if err != nil {
					b.Fatal(err)
				}
				if results[5].ID != "O365G-006" || len(results[5].Findings) != n/50 {
					b.Fatalf("O365G-006: %d findings, want %d", len(results[5].Findings), n/50)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/user")
		})
	}
}

// TestSyntheticTenantVerdicts keeps the benchmark honest: the synthetic
// tenant's verdicts are the expected ones.
func TestSyntheticTenantVerdicts(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, EngineOptions{})
	results, err := e.Evaluate(context.Background(), ast.MustInterfaceToValue(syntheticTenant(1000)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"O365G-005": "fail:50", "O365G-006": "fail:20", "O365G-009": "skip", "O365G-013": "skip", "O365G-018": "fail:50"}
	for _, r := range results {
		got := r.Status
		if r.Status == report.StatusFail {
			got = fmt.Sprintf("fail:%d", len(r.Findings))
		}
		w, ok := want[r.ID]
		if !ok {
			w = report.StatusPass
		}
		if got != w {
			t.Errorf("%s = %s, want %s", r.ID, got, w)
		}
	}
}

// BenchmarkScanCorpus scans the corpus in $TENANTSCAN_BENCH_CORPUS (made by
// `make bench` with fixtures/gen) on all cores, as `tenantscan scan` does,
// and reports snapshots/s and MB/s. Without the variable it is skipped.
func BenchmarkScanCorpus(b *testing.B) {
	dir := os.Getenv("TENANTSCAN_BENCH_CORPUS")
	if dir == "" {
		b.Skip("set TENANTSCAN_BENCH_CORPUS to a folder made by go run ./fixtures/gen (make bench does)")
	}
	sources := Discover([]string{dir})
	var size int64
	for _, s := range sources {
		if fi, err := os.Stat(s.Name); err == nil {
			size += fi.Size()
		}
	}
	if len(sources) == 0 {
		b.Fatalf("no snapshots in %s", dir)
	}
	e := newTestEngine(b, EngineOptions{})
	b.ResetTimer()
	for b.Loop() {
		rep := mustScan(b, context.Background(), e, sources, Options{SpoolDir: b.TempDir()})
		if rep.Summary.Error > 0 {
			b.Fatalf("%d snapshots in error", rep.Summary.Error)
		}
		rep.Close()
	}
	per := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(len(sources))/per, "snapshots/s")
	b.ReportMetric(float64(size)/1e6/per, "MB/s")
}
