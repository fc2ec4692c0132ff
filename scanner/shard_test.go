package scanner

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/snapshot"
)

// TestShardBalance: ShardOf spreads ids as evenly as chance allows, for
// random GUIDs and for sequential ids, N in {2, 3, 4, 8, 16}. The bound is
// ±20 % of even, or four standard deviations of a fair split where 20 % is
// less than that (1,000 ids in 16 shards: 62.5 ± 7.7 per shard by chance
// alone, so no hash can promise ±12.5).
func TestShardBalance(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewSource(20261201))
	sets := map[string][]string{}
	for i := 0; i < 1000; i++ {
		b := make([]byte, 16)
		r.Read(b)
		sets["random GUIDs"] = append(sets["random GUIDs"], fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:]))
		sets["sequential GUIDs"] = append(sets["sequential GUIDs"], fmt.Sprintf("00000000-0000-4000-8000-%012d", i))
		sets["sequential names"] = append(sets["sequential names"], fmt.Sprintf("tenant-%d", i))
		// fixtures/gen's pattern, which FNV-1a put into one shard of four.
		sets["fixtures/gen GUIDs"] = append(sets["fixtures/gen GUIDs"], fmt.Sprintf("%08x-1111-4222-8333-%012x", i, i))
	}
	for name, ids := range sets {
		for _, n := range []int{2, 3, 4, 8, 16} {
			counts := make([]int, n)
			for _, id := range ids {
				k := ShardOf(id, "", n)
				if k < 1 || k > n {
					t.Fatalf("ShardOf(%q, %d) = %d", id, n, k)
				}
				counts[k-1]++
			}
			even := float64(len(ids)) / float64(n)
			sd := math.Sqrt(float64(len(ids)) * (1 / float64(n)) * (1 - 1/float64(n)))
			bound := math.Max(0.2*even, 4*sd)
			for k, c := range counts {
				if math.Abs(float64(c)-even) > bound {
					t.Errorf("%s, %d shards: shard %d has %d ids, want %.1f ± %.1f (all: %v)", name, n, k+1, c, even, bound, counts)
				}
			}
		}
	}
}

// TestShardsPartitionAndSkipEvaluation: the shards of a scan partition the
// tenants (each scanned by exactly one shard), and a shard does not
// validate or evaluate another shard's snapshot: a snapshot that would be
// an error is an error only in its own shard.
func TestShardsPartitionAndSkipEvaluation(t *testing.T) {
	t.Parallel()
	engine, err := policy.NewEngine(context.Background(), policy.EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sources := snapshot.Discover([]string{filepath.Join("..", "fixtures")})
	const n = 3
	seen := map[string]int{}
	total := 0
	for k := 1; k <= n; k++ {
		rep, err := Scan(context.Background(), engine, sources, Options{Shard: Shard{Index: k, Count: n}, MemoryTenants: -1})
		if err != nil {
			t.Fatal(err)
		}
		err = rep.EachTenant(func(tn *report.Tenant) error {
			seen[tn.Snapshot]++
			if want := ShardOf(tn.TenantID, tn.Snapshot, n); want != k {
				t.Errorf("%s (tenant %q) scanned by shard %d, belongs to %d", tn.Snapshot, tn.TenantID, k, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		total += rep.TenantCount()
		rep.Close()
	}
	if total != len(sources) {
		t.Errorf("the shards scanned %d snapshots, want %d", total, len(sources))
	}
	for _, src := range sources {
		if seen[src.Name] != 1 {
			t.Errorf("%s scanned by %d shards, want 1", src.Name, seen[src.Name])
		}
	}
	// The wrong-type fixture has a tenant id and fails validation: a shard
	// that does not own it must not even validate it.
	broken := snapshot.Source{Name: filepath.Join("..", "fixtures", "broken", "wrong-type.json")}
	owner := ShardOf("22222222-3333-4444-8555-666666666666", "", n)
	other := owner%n + 1
	if _, err := snapshot.LoadOwned(broken, nil, snapshot.DefaultLimits(), func(id string) bool { return ShardOf(id, "", n) == other }); err != snapshot.ErrNotOwned {
		t.Errorf("another shard's broken snapshot: err = %v, want ErrNotOwned (no validation)", err)
	}
	if _, err := snapshot.LoadOwned(broken, nil, snapshot.DefaultLimits(), func(id string) bool { return ShardOf(id, "", n) == owner }); err == nil || err == snapshot.ErrNotOwned {
		t.Errorf("its own shard: err = %v, want the validation error", err)
	}
}
