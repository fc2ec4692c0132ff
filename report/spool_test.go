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
	refs := putAll(t, s, tenants)
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

// TestEachTenantWithoutEvidence reads a spooled report as the history
// does: every tenant as EachTenant gives it, but for the findings'
// evidence, which is nil; a tenant in memory comes as it is.
func TestEachTenantWithoutEvidence(t *testing.T) {
	t.Parallel()
	tenants := reporttest.Sample().Tenants
	tenants[1].Controls[1].Findings[0].Evidence = map[string]any{"count": json.Number("12"), "nested": map[string]any{"a": []any{"b", json.Number("1.5")}}}
	tenants[0].Warnings = []string{"no licences exported"}
	secs := int64(259200)
	tenants[0].Age = &report.Age{Seconds: &secs, Text: "3 days"}
	s, err := report.NewSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	refs := putAll(t, s, tenants)
	rep := &report.Report{}
	rep.UseSpool(s, refs)
	defer rep.Close()
	var full, brief []report.Tenant
	rep.EachTenant(func(t *report.Tenant) error { full = append(full, *t); return nil })
	if err := rep.EachTenantWithoutEvidence(func(t *report.Tenant) error { brief = append(brief, *t); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(brief) != len(tenants) {
		t.Fatalf("%d tenants, want %d", len(brief), len(tenants))
	}
	evidence := 0
	for i := range full {
		for ci, c := range full[i].Controls {
			for fi := range c.Findings {
				if c.Findings[fi].Evidence != nil {
					evidence++
				}
				full[i].Controls[ci].Findings[fi].Evidence = nil
			}
		}
	}
	if evidence == 0 {
		t.Fatal("the sample has no evidence to leave out")
	}
	if !reflect.DeepEqual(brief, full) {
		t.Errorf("without evidence, the tenants differ from EachTenant's:\n%+v\nwant\n%+v", brief, full)
	}

	mem := &report.Report{Tenants: tenants}
	var got []report.Tenant
	mem.EachTenantWithoutEvidence(func(t *report.Tenant) error { got = append(got, *t); return nil })
	if !reflect.DeepEqual(got, tenants) {
		t.Error("a report in memory did not give its tenants as they are")
	}
}

// putAll puts every tenant into the spool, in order.
func putAll(t *testing.T, s *report.Spool, tenants []report.Tenant) []report.SpoolRef {
	t.Helper()
	var refs []report.SpoolRef
	for i := range tenants {
		ref, err := s.Put(&tenants[i])
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	return refs
}
