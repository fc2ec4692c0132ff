package rawexport_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/rawexport"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/scanner"
	"github.com/tenantscan/tenantscan/snapshot"
)

// The fixtures under testdata/rawexport were written from Microsoft's
// documentation by someone who did not see the importer: each holds a raw
// export folder (export/), the snapshot a correct import gives
// (expected.yaml) and the verdict of every control (verdicts.yaml).

// fixtureVerdicts is verdicts.yaml.
type fixtureVerdicts struct {
	Tenant struct {
		Status          string `yaml:"status"`
		MessageMustName string `yaml:"messageMustName"`
	} `yaml:"tenant"`
	Controls map[string]struct {
		Status   string `yaml:"status"`
		Findings int    `yaml:"findings"`
	} `yaml:"controls"`
}

// TestImportFixtures imports each fixture folder and compares the snapshot
// with its hand-written equivalent and the scan's verdicts with both the
// verdicts written down and those of the hand-written snapshot.
func TestImportFixtures(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, policy.EngineOptions{})
	dirs, err := filepath.Glob("testdata/rawexport/*/export")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, exportDir := range dirs {
		dir := filepath.Dir(exportDir)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			var want fixtureVerdicts
			data, err := os.ReadFile(filepath.Join(dir, "verdicts.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if err := yaml.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			expected := filepath.Join(dir, "expected.yaml")
			r := mustScan(t, context.Background(), e, snapshot.Discover([]string{exportDir, expected}), scanner.Options{})
			got, hand := r.Tenants[0], r.Tenants[1]
			if want.Tenant.Status == "error" {
				if got.Status != report.TenantError || got.Error == nil {
					t.Fatalf("status %s, want a tenant error", got.Status)
				}
				if !strings.Contains(*got.Error, want.Tenant.MessageMustName) {
					t.Errorf("error %q does not name %s", *got.Error, want.Tenant.MessageMustName)
				}
				return
			}
			if len(got.Controls) == 0 {
				t.Fatalf("not scanned: %s", deref(got.Error))
			}
			if a, b := verdictsOf(got), verdictsOf(hand); a != b {
				t.Errorf("verdicts differ:\nimported %s\nhand     %s", a, b)
			}
			for _, c := range got.Controls {
				w, ok := want.Controls[c.ID]
				if !ok {
					t.Errorf("%s: no verdict written down", c.ID)
					continue
				}
				if c.Status != w.Status || len(c.Findings) != w.Findings {
					t.Errorf("%s = %s with %d findings, want %s with %d (%s)", c.ID, c.Status, len(c.Findings), w.Status, w.Findings, deref(c.Reason))
				}
			}
			res, err := rawexport.Import(exportDir, snapshot.DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			var hw map[string]any
			data, err = os.ReadFile(expected)
			if err != nil {
				t.Fatal(err)
			}
			if err := yaml.Unmarshal(data, &hw); err != nil {
				t.Fatal(err)
			}
			imported, err := snapshot.RoundTrip(res.Doc)
			if err != nil {
				t.Fatal(err)
			}
			handDoc, err := snapshot.RoundTrip(hw)
			if err != nil {
				t.Fatal(err)
			}
			a, b := canonical(imported), canonical(handDoc)
			if a != b {
				t.Errorf("snapshots differ (canonical form):\n%s", lineDiff(a, b))
			}
		})
	}
}

// verdictsOf is "ID=status:findings" per control, with the count in full.
func verdictsOf(tn report.Tenant) string {
	var parts []string
	for _, c := range tn.Controls {
		parts = append(parts, fmt.Sprintf("%s=%s:%d", c.ID, c.Status, len(c.Findings)))
	}
	return strings.Join(parts, " ")
}

// canonical renders the facts of a snapshot that the controls read, in a
// form where equal facts print equally: licences as SKU with its disabled
// plans (a plain SKU takes the user's disabledPlans), a null mailbox or
// visibility as absent (the format gives both one meaning), lists of names
// sorted, roles with their privileges by id, and the exporter, the
// export time and the auditor-only businessUnit left out.
func canonical(doc map[string]any) string {
	doc = clone(doc)
	delete(doc, "exporter")
	delete(doc, "exportedAt")
	for _, u := range list(doc["users"]) {
		u := u.(map[string]any)
		if u["mailbox"] == nil {
			delete(u, "mailbox") // null and absent both mean no mailbox
		}
		userOff := list(u["disabledPlans"])
		delete(u, "disabledPlans")
		if lic, ok := u["licenses"].([]any); ok {
			out := make([]string, 0, len(lic))
			for _, l := range lic {
				switch x := l.(type) {
				case string:
					out = append(out, x+" off:"+joinSorted(userOff))
				case map[string]any:
					out = append(out, fmt.Sprint(x["skuPartNumber"])+" off:"+joinSorted(list(x["disabledPlans"])))
				}
			}
			sort.Strings(out)
			u["licenses"] = out
		}
	}
	for _, g := range list(doc["groups"]) {
		g := g.(map[string]any)
		if g["visibility"] == nil {
			delete(g, "visibility") // null and absent both mean Public
		}
		if m, ok := g["members"].([]any); ok {
			g["members"] = joinSorted(m)
		}
	}
	for _, inst := range list(doc["dynamics"]) {
		inst := inst.(map[string]any)
		for _, r := range list(inst["securityRoles"]) {
			delete(r.(map[string]any), "businessUnit")
		}
		for _, u := range list(inst["users"]) {
			u := u.(map[string]any)
			if roles, ok := u["roles"].([]any); ok {
				u["roles"] = joinSorted(roles)
			}
		}
	}
	sortLists(doc)
	out, _ := json.MarshalIndent(doc, "", " ")
	return string(out)
}

// sortKeys are the fields that identify the objects of a list.
var sortKeys = []string{"userPrincipalName", "id", "skuPartNumber", "uniqueName", "entity", "name"}

// sortLists orders every list of objects by its identifying field, so that
// two exports listing the same things in another order compare equal.
func sortLists(v any) {
	switch x := v.(type) {
	case map[string]any:
		for _, el := range x {
			sortLists(el)
		}
	case []any:
		for _, el := range x {
			sortLists(el)
		}
		key := func(el any) string {
			obj, ok := el.(map[string]any)
			if !ok {
				return fmt.Sprint(el)
			}
			for _, k := range sortKeys {
				if s, ok := obj[k].(string); ok {
					return strings.ToLower(s)
				}
			}
			return ""
		}
		sort.SliceStable(x, func(i, j int) bool { return key(x[i]) < key(x[j]) })
	}
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func joinSorted(l []any) string {
	s := make([]string, 0, len(l))
	for _, v := range l {
		s = append(s, fmt.Sprint(v))
	}
	slices.Sort(s)
	return strings.Join(s, ",")
}

func clone(doc map[string]any) map[string]any {
	data, _ := json.Marshal(doc)
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	return out
}

// lineDiff lists the lines of a that b lacks (-) and of b that a lacks (+).
func lineDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			out = append(out, fmt.Sprintf("%4d - %s\n     + %s", i+1, x, y))
		}
		if len(out) > 30 {
			break
		}
	}
	return strings.Join(out, "\n")
}
