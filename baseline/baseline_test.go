package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	jsonreport "github.com/tenantscan/tenantscan/report/format/json"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

func TestApplyBaseline(t *testing.T) {
	t.Parallel()
	base := reporttest.Sample()
	cur := reporttest.Sample()
	// Fabrikam: bob's finding is gone, carol's is new, gustav's unchanged.
	fs := cur.Tenants[1].Controls[1].Findings
	fs[0] = report.Finding{Message: "carol@fabrikam.com has no E3-or-later licence", Resource: report.Resource{Kind: "user", ID: "carol@fabrikam.com"}, Path: "/users/4"}
	// The broken tenant had a finding in the baseline: it resolved nothing,
	// since it could not be evaluated now.
	base.Tenants[2].Controls[0].Status = report.StatusFail
	base.Tenants[2].Controls[0].Findings = []report.Finding{{Message: "old", Resource: report.Resource{Kind: "x", ID: "y"}}}

	if err := Apply(cur, base); err != nil {
		t.Fatal(err)
	}
	drift := map[string]string{}
	for _, c := range cur.Tenants[1].Controls {
		for _, f := range c.Findings {
			drift[f.Resource.ID] = f.Drift
		}
	}
	want := map[string]string{"fabrikam-crm": report.DriftUnchanged, "carol@fabrikam.com": report.DriftNew, "gustav@fabrikam.com": report.DriftUnchanged}
	for id, d := range want {
		if drift[id] != d {
			t.Errorf("%s: drift %q, want %q", id, drift[id], d)
		}
	}
	if len(cur.Resolved) != 1 || cur.Resolved[0].Resource.ID != "bob@fabrikam.com" || cur.Resolved[0].ControlID != "O365G-004" || cur.Resolved[0].TenantID != cur.Tenants[1].TenantID {
		t.Errorf("resolved = %+v", cur.Resolved)
	}
	if d := cur.Summary.Drift; d == nil || d.New != 1 || d.Unchanged != 2 || d.Resolved != 1 || d.NewFindings[report.SeverityHigh] != 1 {
		t.Errorf("drift summary %+v", cur.Summary.Drift)
	}
	if got := cur.NewFailures("high"); got != 1 {
		t.Errorf("NewFailures(high) = %d, want 1", got)
	}
	if got := cur.NewFailures("critical"); got != 0 {
		t.Errorf("NewFailures(critical) = %d, want 0", got)
	}
}

// TestReadBaseline reads a baseline from its JSON one tenant at a time and
// marks drift exactly as a baseline built from the report in memory.
func TestReadBaseline(t *testing.T) {
	t.Parallel()
	base := reporttest.Sample()
	base.Tenants[1].Controls[1].Findings[0].Evidence = map[string]any{"licences": []any{"E1"}, "count": json.Number("12345678901234567890")}
	data, err := report.Render(jsonreport.Writer{}, base)
	if err != nil {
		t.Fatal(err)
	}
	streamed, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	inMemory, err := New(base)
	if err != nil {
		t.Fatal(err)
	}
	mark := func(b *Baseline) []byte {
		cur := reporttest.Sample()
		cur.Tenants[1].Controls[1].Findings = cur.Tenants[1].Controls[1].Findings[1:] // bob's finding resolved
		for i := range cur.Tenants {
			b.Mark(&cur.Tenants[i])
		}
		var err error
		if cur.Resolved, err = resolvedList(b); err != nil {
			t.Fatal(err)
		}
		out, err := report.Render(jsonreport.Writer{}, cur)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	got, want := mark(streamed), mark(inMemory)
	if !bytes.Equal(got, want) {
		t.Errorf("streamed baseline marks differently:\n%s\nwant\n%s", got, want)
	}
	if !bytes.Contains(got, []byte(`"count": 12345678901234567890`)) {
		t.Errorf("the resolved finding lost its evidence or its number:\n%s", got)
	}

	bad := []struct{ name, in, want string }{
		{"not JSON", "nope", "at byte"},
		{"array", "[]", "not a JSON object"},
		{"future version", `{"schemaVersion": 2, "tenants": []}`, "schemaVersion 2"},
		{"no version", `{"tenants": []}`, "schemaVersion 0"},
		{"tenants not an array", `{"schemaVersion": 1, "tenants": {}}`, "tenants is not an array"},
		{"truncated", string(data[:len(data)/2]), "at byte"},
		{"tenants twice", `{"schemaVersion": 1, "tenants": [], "Tenants": []}`, "appears twice"},
	}
	for _, tc := range bad {
		if _, err := Read(strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if b, err := Read(strings.NewReader(`{"schemaVersion": 1, "tenants": null}`)); err != nil || len(b.groups) != 0 {
		t.Errorf("tenants null: %v", err)
	}
}

// TestBaselineMarkConcurrent marks tenants from many goroutines at once, as
// the scanner's workers do (run with -race), and checks every mark.
func TestBaselineMarkConcurrent(t *testing.T) {
	t.Parallel()
	base := &report.Report{SchemaVersion: report.SchemaVersion}
	for i := range 64 {
		tn := report.Tenant{TenantID: fmt.Sprintf("t%d", i), Controls: []report.ControlResult{{ID: "O365G-004", Status: report.StatusFail}}}
		for j := range 20 {
			tn.Controls[0].Findings = append(tn.Controls[0].Findings, report.Finding{Resource: report.Resource{Kind: "user", ID: fmt.Sprintf("u%d", j)}})
		}
		base.Tenants = append(base.Tenants, tn)
	}
	b, err := New(base)
	if err != nil {
		t.Fatal(err)
	}
	cur := reporttest.Sample()
	cur.Tenants = nil
	for _, tn := range base.Tenants {
		tn.Controls = []report.ControlResult{{ID: "O365G-004", Status: report.StatusFail, Findings: append([]report.Finding(nil), tn.Controls[0].Findings[1:]...)}}
		tn.Controls[0].Findings = append(tn.Controls[0].Findings, report.Finding{Resource: report.Resource{Kind: "user", ID: "new"}})
		cur.Tenants = append(cur.Tenants, tn)
	}
	var wg sync.WaitGroup
	for i := range cur.Tenants {
		wg.Go(func() { b.Mark(&cur.Tenants[i]) })
	}
	wg.Wait()
	resolved, err := resolvedList(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(resolved) != 64 {
		t.Errorf("%d resolved, want 64 (u0 of every tenant)", len(resolved))
	}
	for _, tn := range cur.Tenants {
		for _, f := range tn.Controls[0].Findings {
			if want := map[bool]string{true: report.DriftNew, false: report.DriftUnchanged}[f.Resource.ID == "new"]; f.Drift != want {
				t.Fatalf("%s %s: drift %q, want %q", tn.TenantID, f.Resource.ID, f.Drift, want)
			}
		}
	}
}

// TestBaselineCarriesFindingsOfAControlInError: a control in error one
// night keeps the baseline's findings as carried (not resolved, not
// counted), so that the next good night, against that report, finds them
// unchanged instead of new.
func TestBaselineCarriesFindingsOfAControlInError(t *testing.T) {
	t.Parallel()
	night1 := reporttest.Sample() // Fabrikam fails O365G-004 with two findings
	night2 := reporttest.Sample()
	reason := "snapshot lacks users (not exported)"
	night2.Tenants[1].Controls[1] = report.ControlResult{ID: "O365G-004", Status: report.StatusError, Reason: &reason, Findings: []report.Finding{}}
	if err := Apply(night2, night1); err != nil {
		t.Fatal(err)
	}
	got := night2.Tenants[1].Controls[1].Findings
	if len(got) != 2 || got[0].Drift != report.DriftCarried || got[1].Drift != report.DriftCarried {
		t.Fatalf("night 2 findings of the control in error: %+v", got)
	}
	if len(night2.Resolved) != 0 {
		t.Errorf("night 2 resolved %d findings of a control in error", len(night2.Resolved))
	}
	if d := night2.Summary.Drift; d.New != 0 || night2.Summary.Findings[report.SeverityHigh] != 0 {
		t.Errorf("carried findings were counted: drift %+v, findings %v", d, night2.Summary.Findings)
	}
	night3 := reporttest.Sample() // the export is fixed
	if err := Apply(night3, night2); err != nil {
		t.Fatal(err)
	}
	if n := night3.NewFailures(report.SeverityLow); n != 0 {
		t.Errorf("night 3 has %d new failures; the findings were there before the error", n)
	}
	for _, f := range night3.Tenants[1].Controls[1].Findings {
		if f.Drift != report.DriftUnchanged {
			t.Errorf("night 3: %s is %s, want unchanged", f.Resource.ID, f.Drift)
		}
	}
}

// TestBaselineMemoryIsBoundedByTheTenant marks 200 tenants against a
// baseline of 200 × 1,000 findings and measures what the baseline keeps
// between marks: a bit per finding and a little per tenant, not the
// findings (an index of every baseline finding kept about 100 bytes
// each: 20 MB here).
func TestBaselineMemoryIsBoundedByTheTenant(t *testing.T) {
	const tenants, findings = 200, 1000
	id := func(i int) string { return fmt.Sprintf("%08d-1111-4222-8333-000000000000", i) }
	tenant := func(i int, skip int) report.Tenant {
		tn := report.Tenant{TenantID: id(i), Controls: []report.ControlResult{{ID: "O365G-004", Status: report.StatusFail}}}
		for j := range findings {
			if j == skip {
				continue
			}
			tn.Controls[0].Findings = append(tn.Controls[0].Findings, report.Finding{
				Message: fmt.Sprintf("user%06d@contoso.com has no E3-or-later licence", j), Resource: report.Resource{Kind: "user", ID: fmt.Sprintf("user%06d@contoso.com", j)}})
		}
		return tn
	}
	ids := make([]string, tenants)
	for i := range ids {
		ids[i] = id(i)
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	b := From(ids, func(i int) (report.Tenant, error) { return tenant(i, -1), nil })
	for i := range tenants {
		cur := tenant(i, 0) // finding 0 is resolved in every tenant
		b.Mark(&cur)
	}
	kept := int64(heap()) - int64(before)
	runtime.KeepAlive(b)
	if limit := int64(2 << 20); kept > limit {
		t.Errorf("the baseline keeps %d KB after marking %d tenants of %d findings, want at most %d KB", kept>>10, tenants, findings, limit>>10)
	}
	resolved, err := resolvedList(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(resolved) != tenants || resolved[0].Resource.ID != "user000000@contoso.com" || resolved[0].TenantID != id(0) {
		t.Errorf("resolved %d findings, first %+v; want %d, user000000 of the first tenant", len(resolved), resolved[0], tenants)
	}
	t.Logf("kept %d KB for %d baseline findings", kept>>10, tenants*findings)
}

// resolvedList collects what Resolved yields.
func resolvedList(b *Baseline) ([]report.Finding, error) {
	out := []report.Finding{}
	err := b.Resolved(func(f *report.Finding) error { out = append(out, *f); return nil })
	return out, err
}

// TestResolvedOrder: resolved findings come tenant id by tenant id, in
// the order of each id's first baseline tenant, and in the baseline's
// order within one id; an error from fn stops them.
func TestResolvedOrder(t *testing.T) {
	t.Parallel()
	finding := func(id string) report.Finding {
		return report.Finding{Resource: report.Resource{Kind: "user", ID: id}}
	}
	tenant := func(id string, c1, c2 []report.Finding) report.Tenant {
		return report.Tenant{TenantID: id, Controls: []report.ControlResult{
			{ID: "O365G-001", Status: report.StatusFail, Findings: c1},
			{ID: "O365G-004", Status: report.StatusFail, Findings: c2},
		}}
	}
	// Tenant a appears twice in the baseline, with b between.
	base := []report.Tenant{
		tenant("a", []report.Finding{finding("a1"), finding("a2")}, []report.Finding{finding("a3")}),
		tenant("b", []report.Finding{finding("b1")}, []report.Finding{finding("b2")}),
		tenant("a", nil, []report.Finding{finding("a4")}),
	}
	b := From([]string{"a", "b", "a"}, func(i int) (report.Tenant, error) { return base[i], nil })
	for _, id := range []string{"b", "a"} {
		cur := tenant(id, nil, nil) // everything resolved
		b.Mark(&cur)
	}
	got, err := resolvedList(b)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range got {
		ids = append(ids, f.TenantID+"/"+f.ControlID+"/"+f.Resource.ID)
	}
	want := []string{"a/O365G-001/a1", "a/O365G-001/a2", "a/O365G-004/a3", "a/O365G-004/a4", "b/O365G-001/b1", "b/O365G-004/b2"}
	if !slices.Equal(ids, want) {
		t.Errorf("resolved in the order\n%v\nwant\n%v", ids, want)
	}
	stop := errors.New("stop")
	n := 0
	if err := b.Resolved(func(*report.Finding) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("Resolved went on after an error: %d calls, error %v", n, err)
	}
}

// TestResolvedHoldsOneTenant resolves every finding of a baseline of 200
// tenants × 1,000 findings and measures the heap while Resolved hands
// them over: one tenant's findings at a time (a few hundred KB), not the
// 200,000 (242 MB when collected and sorted whole, as Resolved did).
func TestResolvedHoldsOneTenant(t *testing.T) {
	if testing.Short() {
		t.Skip("resolves 200,000 findings")
	}
	const tenants, findings = 200, 1000
	id := func(i int) string { return fmt.Sprintf("%08d-1111-4222-8333-000000000000", i) }
	baseTenant := func(i int) report.Tenant {
		tn := report.Tenant{TenantID: id(i), Controls: []report.ControlResult{{ID: "O365G-004", Status: report.StatusFail}}}
		for j := range findings {
			tn.Controls[0].Findings = append(tn.Controls[0].Findings, report.Finding{
				Message: fmt.Sprintf("user%06d@contoso.com has no E3-or-later licence", j), Resource: report.Resource{Kind: "user", ID: fmt.Sprintf("user%06d@contoso.com", j)},
				Path: fmt.Sprintf("/users/%d", j), Evidence: map[string]any{"licences": []any{"STANDARDPACK"}}})
		}
		return tn
	}
	ids := make([]string, tenants)
	for i := range ids {
		ids[i] = id(i)
	}
	b := From(ids, func(i int) (report.Tenant, error) { return baseTenant(i), nil })
	for i := range tenants {
		cur := report.Tenant{TenantID: id(i), Controls: []report.ControlResult{{ID: "O365G-004", Status: report.StatusPass}}}
		b.Mark(&cur) // everything resolved
	}
	n, prev := 0, ""
	var err error
	grew := reporttest.PeakHeapGrowth(func() {
		err = b.Resolved(func(f *report.Finding) error {
			if f.TenantID < prev {
				return fmt.Errorf("tenant %s after %s", f.TenantID, prev)
			}
			n, prev = n+1, f.TenantID
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != tenants*findings {
		t.Errorf("%d resolved, want %d", n, tenants*findings)
	}
	t.Logf("the heap grew by %.1f MB handing over %d resolved findings", float64(grew)/1e6, n)
	if limit := uint64(8 << 20); grew > limit {
		t.Errorf("the heap grew by %.0f MB handing over %d resolved findings, want at most %d MB: Resolved holds the list", float64(grew)/1e6, n, limit>>20)
	}
}
