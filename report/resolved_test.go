package report_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	jsonreport "github.com/tenantscan/tenantscan/report/format/json"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

// resolvedFindings is n resolved findings; finding 1 has evidence longer
// than the spool's read buffer, and a number only json.Number keeps.
func resolvedFindings(n int) []report.Finding {
	out := make([]report.Finding, n)
	for i := range out {
		out[i] = report.Finding{ControlID: "O365G-004", TenantID: fmt.Sprintf("tenant-%d", i%7), Message: fmt.Sprintf("user%d <gone> & done", i),
			Resource: report.Resource{Kind: "user", ID: fmt.Sprintf("user%d", i)}, Path: fmt.Sprintf("/users/%d", i),
			Evidence: map[string]any{"count": json.Number("12345678901234567890")}}
	}
	if n > 1 {
		out[1].Evidence["long"] = strings.Repeat("x\n", 100_000)
	}
	return out
}

// TestFindingSpool puts findings in a finding spool and reads them back in
// order and unchanged, twice, through a report that owns the spool; Close
// leaves no file (on Unix, not even while open).
func TestFindingSpool(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := report.NewFindingSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); runtime.GOOS != "windows" && len(left) != 0 {
		t.Errorf("the open spool is visible: %v", left)
	}
	want := resolvedFindings(1000)
	for i := range want {
		if err := s.Put(&want[i]); err != nil {
			t.Fatal(err)
		}
	}
	r := reporttest.Sample()
	r.UseResolvedSpool(s)
	if r.ResolvedCount() != len(want) || r.Resolved != nil || r.ResolvedNull() {
		t.Fatalf("ResolvedCount %d, Resolved %d in memory; want %d, none", r.ResolvedCount(), len(r.Resolved), len(want))
	}
	for pass := range 2 {
		var got []report.Finding
		if err := r.EachResolved(func(f *report.Finding) error { got = append(got, *f); return nil }); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("pass %d: %d findings came back, differing from the %d put", pass, len(got), len(want))
		}
	}
	stop := errors.New("stop")
	calls := 0
	if err := r.EachResolvedJSON(func([]byte) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("EachResolvedJSON went on after an error: %d calls, error %v", calls, err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("spool left behind: %v", left)
	}
	if err := s.Put(&want[0]); err == nil {
		t.Error("a closed spool took a finding")
	}
}

// TestReadStreamResolved reads the resolved findings of a JSON report one
// at a time, in order; ReadStream skips them; a second resolved member or
// one that is not an array is an error.
func TestReadStreamResolved(t *testing.T) {
	t.Parallel()
	r := reporttest.Sample()
	r.Resolved = resolvedFindings(50)
	data, err := report.Render(jsonreport.Writer{}, r)
	if err != nil {
		t.Fatal(err)
	}
	var got []report.Finding
	head, err := report.ReadStreamResolved(bytes.NewReader(data), func(*report.Tenant, int64, int64) error { return nil },
		func(f *report.Finding) error { got = append(got, *f); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r.Resolved) || head.Resolved != nil {
		t.Errorf("read %d resolved findings (head keeps %d), want the %d written, none kept", len(got), len(head.Resolved), len(r.Resolved))
	}
	head, err = report.ReadStream(bytes.NewReader(data), func(*report.Tenant, int64, int64) error { return nil })
	if err != nil || head.Resolved != nil || head.Summary.Tenants != r.Summary.Tenants {
		t.Errorf("ReadStream: resolved %d, summary %+v, error %v; want none kept", len(head.Resolved), head.Summary, err)
	}
	for _, tc := range []struct{ in, want string }{
		{`{"schemaVersion": 1, "resolved": [], "Resolved": []}`, "the resolved member appears twice"},
		{`{"schemaVersion": 1, "resolved": {}}`, "resolved is not an array"},
		{`{"schemaVersion": 1, "resolved": [{"message": 3}]}`, "cannot unmarshal number"},
	} {
		_, err := report.ReadStreamResolved(strings.NewReader(tc.in), func(*report.Tenant, int64, int64) error { return nil },
			func(*report.Finding) error { return nil })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.in, err, tc.want)
		}
	}
	if _, err := report.ReadStreamResolved(strings.NewReader(`{"schemaVersion": 1, "resolved": null}`),
		func(*report.Tenant, int64, int64) error { return nil }, func(*report.Finding) error { return errors.New("called") }); err != nil {
		t.Errorf("resolved null: %v", err)
	}
}
