package report_test

import (
	"encoding/json"
	"os"
	"reflect"
	"runtime"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

// TestSpool puts tenants in a spool and reads them back unchanged, numbers
// included, and leaves no file behind (on Unix, not even while open).
func TestSpool(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := report.NewSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); runtime.GOOS != "windows" && len(left) != 0 {
		t.Errorf("the open spool is visible: %v", left)
	}
	tenants := reporttest.Sample().Tenants
	tenants[1].Controls[1].Findings[0].Evidence = map[string]any{"count": json.Number("12345678901234567890"), "<html>": "a & b"}
	var refs []report.SpoolRef
	for i := range tenants {
		ref, err := s.Put(&tenants[i])
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	for i := len(refs) - 1; i >= 0; i-- { // any order
		got, err := s.Get(refs[i])
		if err != nil {
			t.Fatal(err)
		}
		want, _ := report.MarshalCompact(tenants[i])
		back, _ := report.MarshalCompact(got)
		if string(back) != string(want) {
			t.Errorf("tenant %d came back as\n%s\nwant\n%s", i, back, want)
		}
		if i == 1 && !reflect.DeepEqual(got.Controls[1].Findings[0].Evidence, tenants[1].Controls[1].Findings[0].Evidence) {
			t.Errorf("evidence came back as %#v", got.Controls[1].Findings[0].Evidence)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("spool left behind: %v", left)
	}
	if _, err := s.Put(&tenants[0]); err == nil {
		t.Error("a closed spool took a tenant")
	}
}
