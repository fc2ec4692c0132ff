package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// TestShardsMergeToTheWholeScan scans the fixtures in three shards, merges
// the shard reports, and compares with one scan of everything.
func TestShardsMergeToTheWholeScan(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole.json")
	if r := runCLI(t, "", "scan", "--fail-on", "none", "--format", "json", "--output", "json="+whole, fixtures); r.code != 2 {
		t.Fatalf("whole scan: exit %d: %s", r.code, r.stderr)
	}
	var shards []string
	seen := map[string]int{}
	for k := 1; k <= 3; k++ {
		out := filepath.Join(dir, "shard-"+string(rune('0'+k))+".json")
		r := runCLI(t, "", "scan", "--shard", string(rune('0'+k))+"/3", "--fail-on", "none", "--format", "json", "--output", "json="+out, fixtures)
		if r.code != 0 && r.code != 2 {
			t.Fatalf("shard %d: exit %d: %s", k, r.code, r.stderr)
		}
		for _, s := range snapshots(t, out) {
			seen[s]++
		}
		shards = append(shards, out)
	}
	merged := filepath.Join(dir, "merged.json")
	r := runCLI(t, "", append([]string{"merge", "--fail-on", "none", "--format", "json", "--output", "json=" + merged}, shards...)...)
	if r.code != 2 {
		t.Fatalf("merge: exit %d (want 2: the broken fixtures are in error): %s", r.code, r.stderr)
	}
	want, got := snapshots(t, whole), snapshots(t, merged)
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("merged %d tenants, whole scan %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] || seen[want[i]] != 1 {
			t.Errorf("%s: in %d shard(s); merged has %s", want[i], seen[want[i]], got[i])
		}
	}
	var a, b struct{ Summary json.RawMessage }
	readJSON(t, whole, &a)
	readJSON(t, merged, &b)
	if string(a.Summary) != string(b.Summary) {
		t.Errorf("summaries differ:\nwhole  %s\nmerged %s", a.Summary, b.Summary)
	}
	if r := runCLI(t, "", "scan", "--shard", "4/3", fixtures); r.code != 2 {
		t.Errorf("--shard 4/3 accepted")
	}
}

func snapshots(t *testing.T, path string) []string {
	t.Helper()
	var rep struct {
		Tenants []struct{ Snapshot string } `json:"tenants"`
	}
	readJSON(t, path, &rep)
	var out []string
	for _, tn := range rep.Tenants {
		out = append(out, tn.Snapshot)
	}
	return out
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}
