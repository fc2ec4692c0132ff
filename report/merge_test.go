package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMergeFilesMatchesMerge merges shard reports from files, one tenant at
// a time through a spool, and checks the result is the in-memory Merge's,
// byte for byte; a broken shard is named in the error.
func TestMergeFilesMatchesMerge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	whole := sample()
	a, b := sample(), sample()
	a.Tenants, b.Tenants = whole.Tenants[2:], whole.Tenants[:2] // out of order on purpose
	a.UnusedWaivers = []Waiver{{Control: "O365G-001", Tenant: "*", Resource: "*", File: "w.yaml", Line: 3}}
	b.UnusedWaivers = a.UnusedWaivers
	var paths []string
	for i, shard := range []*Report{a, b} {
		var err error
		if shard.Summary, err = Summarize(shard); err != nil {
			t.Fatal(err)
		}
		data, err := Render(JSON{}, shard)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "shard-"+string(rune('1'+i))+".json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	inMemory, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	spoolDir := t.TempDir()
	streamed, err := MergeFiles(context.Background(), paths, spoolDir)
	if err != nil {
		t.Fatal(err)
	}
	defer streamed.Close()
	want, _ := Render(JSON{}, inMemory)
	got, err := Render(JSON{}, streamed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("MergeFiles:\n%s\nMerge:\n%s", got, want)
	}
	if streamed.TenantCount() != 3 || len(streamed.UnusedWaivers) != 1 || streamed.Summary.Tenants != 3 {
		t.Errorf("merged %d tenants, %d unused waivers, summary %+v", streamed.TenantCount(), len(streamed.UnusedWaivers), streamed.Summary)
	}

	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte(`{"schemaVersion": 1, "tenants": [{"snapshot": 3}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := MergeFiles(context.Background(), []string{paths[0], broken}, spoolDir); err == nil || !strings.Contains(err.Error(), "broken.json") {
		t.Errorf("a broken shard: %v", err)
	}
	if left, _ := os.ReadDir(spoolDir); len(left) != 0 {
		t.Errorf("spool left behind after a failed merge: %v", left)
	}
}
