package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/internal/openfiles"
	"github.com/tenantscan/tenantscan/report"
	jsonreport "github.com/tenantscan/tenantscan/report/format/json"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

// TestMergeFilesMatchesMerge merges shard reports from files, one tenant at
// a time through a spool, and checks the result is the report the shards
// were cut from, byte for byte (with the merged parameters); a broken shard
// is named in the error.
func TestMergeFilesMatchesMerge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	whole := reporttest.Sample()
	a, b := reporttest.Sample(), reporttest.Sample()
	a.Tenants, b.Tenants = whole.Tenants[1:], whole.Tenants[:1] // shard 1 then 2 is out of path order on purpose
	a.Parameters = []report.Parameter{{Name: "paths", Value: "snapshots"}, {Name: "shard", Value: "1/2"}}
	b.Parameters = []report.Parameter{{Name: "paths", Value: "snapshots"}, {Name: "shard", Value: "2/2"}}
	a.UnusedWaivers = []report.Waiver{{Control: "O365G-001", Tenant: "*", Resource: "*", File: "w.yaml", Line: 3}}
	b.UnusedWaivers = a.UnusedWaivers
	// Resolved findings stream from each shard into the merged report's
	// spool, in the order of the files.
	gone := func(tenant, id string) report.Finding {
		return report.Finding{ControlID: "O365G-004", TenantID: tenant, Message: id + " is gone",
			Resource: report.Resource{Kind: "user", ID: id}, Path: "/users/0", Evidence: map[string]any{"n": json.Number("12345678901234567890")}}
	}
	a.Resolved = []report.Finding{gone(whole.Tenants[1].TenantID, "a1"), gone(whole.Tenants[2].TenantID, "a2")}
	b.Resolved = []report.Finding{gone(whole.Tenants[0].TenantID, "b1")}
	var paths []string
	for i, shard := range []*report.Report{a, b} {
		var err error
		if shard.Summary, err = report.Summarize(shard, false); err != nil {
			t.Fatal(err)
		}
		data, err := report.Render(jsonreport.Writer{}, shard)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "shard-"+string(rune('1'+i))+".json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	inMemory := reporttest.Sample() // the unsharded run, its tenants in path order as a scan lists them
	slices.SortStableFunc(inMemory.Tenants, func(x, y report.Tenant) int { return strings.Compare(x.Snapshot, y.Snapshot) })
	inMemory.UnusedWaivers = a.UnusedWaivers
	inMemory.Resolved = append(slices.Clone(a.Resolved), b.Resolved...)
	var err error
	if inMemory.Summary, err = report.Summarize(inMemory, false); err != nil {
		t.Fatal(err)
	}
	spoolDir := t.TempDir()
	streamed, err := report.MergeFiles(context.Background(), paths, spoolDir)
	if err != nil {
		t.Fatal(err)
	}
	defer streamed.Close()
	wantParams := []report.Parameter{{Name: "paths", Value: "snapshots"}, {Name: "shards", Value: "2 of 2"}, {Name: "merged", Value: strings.Join(paths, ", ")}}
	if !reflect.DeepEqual(streamed.Parameters, wantParams) {
		t.Errorf("merged parameters %+v, want %+v", streamed.Parameters, wantParams)
	}
	inMemory.Parameters = streamed.Parameters // checked above
	want, _ := report.Render(jsonreport.Writer{}, inMemory)
	got, err := report.Render(jsonreport.Writer{}, streamed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("MergeFiles:\n%s\nthe unsharded report:\n%s", got, want)
	}
	if streamed.TenantCount() != 3 || len(streamed.UnusedWaivers) != 1 || streamed.Summary.Tenants != 3 {
		t.Errorf("merged %d tenants, %d unused waivers, summary %+v", streamed.TenantCount(), len(streamed.UnusedWaivers), streamed.Summary)
	}
	if d := streamed.Summary.Drift; streamed.Resolved != nil || streamed.ResolvedCount() != 3 || d == nil || d.Resolved != 3 {
		t.Errorf("merged %d resolved findings (%d in memory), summary drift %+v; want 3, spooled", streamed.ResolvedCount(), len(streamed.Resolved), d)
	}

	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte(`{"schemaVersion": 1, "tenants": [{"snapshot": 3}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := report.MergeFiles(context.Background(), []string{paths[0], broken}, spoolDir); err == nil || !strings.Contains(err.Error(), "broken.json") {
		t.Errorf("a broken shard: %v", err)
	}
	// The spool is unlinked at creation, so the folder is empty either
	// way: what must not be left is the open file.
	brokenDir := t.TempDir()
	if _, err := report.MergeFiles(context.Background(), []string{paths[0], broken}, brokenDir); err == nil {
		t.Error("a broken shard merged")
	}
	if open, ok := openfiles.Under(brokenDir); !ok {
		t.Log("cannot list open files here: the spool's closing is not checked")
	} else if len(open) != 0 {
		t.Errorf("spool left open after a failed merge: %v", open)
	}
	streamed.Close()
	if open, _ := openfiles.Under(spoolDir); len(open) != 0 {
		t.Errorf("spool left open after Close: %v", open)
	}
}

// TestMergeFilesRefuses: a set that is not exactly the shards of one run
// is refused, naming the files.
func TestMergeFilesRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	whole := reporttest.Sample()
	write := func(name string, tenants []report.Tenant, params ...report.Parameter) string {
		r := reporttest.Sample()
		r.Tenants = tenants
		r.Parameters = params
		data, err := report.Render(jsonreport.Writer{}, r)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	shard := func(v string) report.Parameter { return report.Parameter{Name: "shard", Value: v} }
	s1 := write("s1.json", whole.Tenants[:1], shard("1/3"))
	s2 := write("s2.json", whole.Tenants[1:2], shard("2/3"))
	s3 := write("s3.json", whole.Tenants[2:], shard("3/3"))
	overlap := write("overlap.json", whole.Tenants[1:], shard("3/3"))
	notShard := write("whole.json", whole.Tenants)
	other := write("other.json", whole.Tenants[2:], shard("3/3"), report.Parameter{Name: "data", Value: "built-in, mine.yaml"})
	s2of2 := write("half.json", whole.Tenants[2:], shard("2/2"))
	tests := []struct {
		name  string
		paths []string
		want  string
	}{
		{"not a shard", []string{s1, s2, notShard}, notShard + " is not a shard report"},
		{"a shard twice", []string{s1, s2, s2}, s2 + " and " + s2 + " are both shard 2/3"},
		{"a missing shard", []string{s1, s3}, "shard 2/3 missing"},
		{"overlapping tenants", []string{s1, s2, overlap}, s2 + " and " + overlap + " both hold tenant Fabrikam Inc."},
		{"shards of another split", []string{s1, s2, s2of2}, s2of2 + " is shard 2/2 but " + s1 + " is shard 1/3"},
		{"shards of other rules", []string{s1, s2, other}, other + ` has data "built-in, mine.yaml"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := report.MergeFiles(context.Background(), tc.paths, t.TempDir())
			if err == nil {
				rep.Close()
				t.Fatal("merged")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %q", err, tc.want)
			}
		})
	}
	rep, err := report.MergeFiles(context.Background(), []string{s3, s1, s2}, t.TempDir())
	if err != nil {
		t.Fatalf("the three shards: %v", err)
	}
	rep.Close()
}
