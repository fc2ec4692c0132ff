package rawexport_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/rawexport"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/scanner"
	"github.com/tenantscan/tenantscan/snapshot"
)

// verdicts summarises a tenant as "id=status:findings" per control.
func verdicts(t report.Tenant) string {
	var parts []string
	for _, c := range t.Controls {
		parts = append(parts, c.ID+"="+c.Status+":"+string(rune('0'+len(c.Findings))))
	}
	return strings.Join(parts, " ")
}

// copyTree copies the export fixture into a temporary folder to modify.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestExportMatchesSnapshots scans the raw export fixture, its imported
// YAML and the hand-written snapshot of the same tenant: the verdicts are
// the same.
func TestExportMatchesSnapshots(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, policy.EngineOptions{})
	doc, warnings, err := rawexport.ImportExport("../fixtures/export-contoso", snapshot.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings on a complete export: %v", warnings)
	}
	data, _ := json.Marshal(doc)
	imported := filepath.Join(t.TempDir(), "imported.json")
	if err := os.WriteFile(imported, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sources := snapshot.Discover([]string{"../fixtures/export-contoso", imported, "../fixtures/contoso-compliant.yaml"})
	if !sources[0].Export || sources[1].Export {
		t.Fatalf("sources %+v", sources)
	}
	r := mustScan(t, context.Background(), e, sources, scanner.Options{})
	for _, tn := range r.Tenants {
		if tn.Status != report.TenantPass {
			t.Errorf("%s: %s %v", tn.Snapshot, tn.Status, tn.Error)
		}
	}
	if a, b, c := verdicts(r.Tenants[0]), verdicts(r.Tenants[1]), verdicts(r.Tenants[2]); a != b || a != c {
		t.Errorf("verdicts differ:\nexport   %s\nimported %s\nhand     %s", a, b, c)
	}
}

func TestImportMapping(t *testing.T) {
	t.Parallel()
	res, err := rawexport.Import("../fixtures/export-contoso", snapshot.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	doc := res.Doc
	users := doc["users"].([]any)
	if len(users) != 4 { // two pages
		t.Fatalf("%d users, want 4 from two pages", len(users))
	}
	bruno := users[1].(map[string]any)
	lic := bruno["licenses"].([]any)[0].(map[string]any)
	if bruno["mailbox"] != "UserMailbox" || lic["skuPartNumber"] != "ENTERPRISEPREMIUM" || bruno["pstn"] == nil {
		t.Errorf("bruno = %v (pstn keyed Bruno@Contoso.com in the extra file)", bruno)
	}
	if _, ok := bruno["disabledPlans"]; ok {
		t.Error("disabledPlans flattened onto the user")
	}
	if _, ok := users[3].(map[string]any)["mailbox"]; ok {
		t.Error("the guest without a mailbox got one")
	}
	groups := doc["groups"].([]any)
	if len(groups) != 2 { // the security group is left out
		t.Fatalf("%d groups, want the 2 Unified ones", len(groups))
	}
	g2 := groups[1].(map[string]any)
	if members := g2["members"].([]any); len(members) != 2 || g2["connector"] == nil {
		t.Errorf("Partner marketing = %v (nested group members are left out; connector found by name)", g2)
	}
	inst := doc["dynamics"].([]any)[0].(map[string]any)
	roles := inst["securityRoles"].([]any)
	if len(roles) != 3 {
		t.Fatalf("roles %v: the per-business-unit copy is a role of its own", roles)
	}
	sales, copy := roles[0].(map[string]any), roles[1].(map[string]any)
	privs := sales["privileges"].([]any)
	if sales["name"] != "Salesperson" || sales["id"] != "d1d2d3d4-0000-4000-8000-0000000000d1" || sales["businessUnit"] != "contoso-sales" ||
		privs[0].(map[string]any)["name"] != "prvISVExtensions" || privs[0].(map[string]any)["depth"] != "Global" ||
		privs[1].(map[string]any)["depth"] != "Local" {
		t.Errorf("Salesperson = %v", sales)
	}
	if copy["businessUnit"] != "Contoso Europe" || copy["rootRoleId"] != sales["id"] || copy["privileges"].([]any)[0].(map[string]any)["depth"] != "Basic" {
		t.Errorf("the copy keeps its own depth: %v", copy)
	}
	dusers := inst["users"].([]any)
	if len(dusers) != 3 {
		t.Fatalf("system users %v: SYSTEM, the support user and the application user are left out", dusers)
	}
	chen := dusers[2].(map[string]any)
	if r := chen["roles"].([]any); len(r) != 1 || r[0] != "d1d2d3d4-0000-4000-8000-0000000000d1" {
		t.Errorf("chen holds Salesperson through the team, by roleid: %v", chen)
	}
	var left []string
	for _, l := range res.LeftOut {
		left = append(left, l.String())
	}
	for _, want := range []string{
		"dataverse/contoso-sales/systemusers.json:/value/3: SYSTEM: no principal name",
		"dataverse/contoso-sales/systemusers.json:/value/4: crmoln@microsoft.com: Support User (accessmode 3)",
		"dataverse/contoso-sales/systemusers.json:/value/5: app-5a5b5c5d@contoso.onmicrosoft.com: application user (applicationid 5a5b5c5d-0000-4000-8000-00000000005a)",
		"graph/groups.json:/value/2: group Sales security: not a Microsoft 365 group",
	} {
		if !slices.ContainsFunc(left, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("left out %q missing from\n%s", want, strings.Join(left, "\n"))
		}
	}
	if got := doc["exporter"].(map[string]any)["leftOut"].([]any); len(got) != len(res.LeftOut) {
		t.Errorf("exporter.leftOut %v", got)
	}
	if sp := inst["sharePoint"].(map[string]any); sp["serverBasedIntegration"] != true || sp["deploymentType"] != "online" || sp["oneNoteIntegration"] != true || sp["siteUrl"] != "https://contoso.sharepoint.com" {
		t.Errorf("sharePoint = %v", sp)
	}
	if ex := inst["exchange"].(map[string]any); ex["serverSideSync"] != true {
		t.Errorf("exchange = %v", ex)
	}
}

func TestImportShapesAndFailures(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, policy.EngineOptions{})
	tests := []struct {
		name    string
		edit    func(dir string)
		wantErr string // in the tenant's error
		control string // else: this control's status
		status  string
		count   int
	}{
		{name: "ConvertTo-Json of one mailbox is an object, UTF-8 with BOM",
			edit: func(dir string) {
				write(t, dir, "exchange/mailboxes.json", "\xEF\xBB\xBF"+`{"ExternalDirectoryObjectId": "x", "UserPrincipalName": "alice@contoso.com", "RecipientTypeDetails": "UserMailbox"}`)
			},
			control: "O365G-006", status: report.StatusFail, count: 2},
		{name: "pages as one array of envelopes",
			edit: func(dir string) {
				p1, _ := os.ReadFile(filepath.Join(dir, "graph/users.json"))
				p2, _ := os.ReadFile(filepath.Join(dir, "graph/users.2.json"))
				write(t, dir, "graph/users.json", "["+string(p1)+","+string(p2)+"]")
				os.Remove(filepath.Join(dir, "graph/users.2.json"))
			},
			control: "O365G-004", status: report.StatusPass},
		{name: "mailboxes not exported",
			edit:    func(dir string) { os.RemoveAll(filepath.Join(dir, "exchange")) },
			control: "O365G-006", status: report.StatusError},
		{name: "privilege at business-unit depth",
			edit: func(dir string) {
				p := filepath.Join(dir, "dataverse/contoso-sales/roleprivileges.json")
				data, _ := os.ReadFile(p)
				write(t, dir, "dataverse/contoso-sales/roleprivileges.json", strings.Replace(string(data), `"privilegedepthmask": 8`, `"privilegedepthmask": 2`, 1))
			},
			control: "O365G-011", status: report.StatusFail, count: 2},
		{name: "malformed file names file and pointer",
			edit: func(dir string) {
				p := filepath.Join(dir, "graph/users.2.json")
				data, _ := os.ReadFile(p)
				write(t, dir, "graph/users.2.json", strings.Replace(string(data), `"accountEnabled": true`, `"accountEnabled": "yes"`, 1))
			},
			wantErr: "graph/users.2.json: /value/0/accountEnabled: got string, want a boolean"},
		{name: "broken JSON",
			edit:    func(dir string) { write(t, dir, "graph/subscribedSkus.json", `{"value": [`) },
			wantErr: "graph/subscribedSkus.json:1:"},
		{name: "unknown key in the extra file",
			edit: func(dir string) {
				write(t, dir, "tenantscan-extra.yaml", "instances:\n  contoso-sales:\n    usesGroup: true\n")
			},
			wantErr: "tenantscan-extra.yaml:3: field usesGroup not found"},
		{name: "groups not exported",
			edit:    func(dir string) { os.Remove(filepath.Join(dir, "graph/groups.json")) },
			control: "O365G-017", status: report.StatusError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := copyTree(t, "../fixtures/export-contoso")
			tc.edit(dir)
			r := mustScan(t, context.Background(), e, snapshot.Discover([]string{dir}), scanner.Options{})
			tn := r.Tenants[0]
			if tc.wantErr != "" {
				if tn.Status != report.TenantError || tn.Error == nil || !strings.Contains(*tn.Error, tc.wantErr) {
					t.Fatalf("status %s, error %q; want %q", tn.Status, *tn.Error, tc.wantErr)
				}
				return
			}
			for _, c := range tn.Controls {
				if c.ID == tc.control && (c.Status != tc.status || len(c.Findings) != tc.count) {
					t.Errorf("%s = %s with %d findings, want %s with %d (%v)", c.ID, c.Status, len(c.Findings), tc.status, tc.count, c.Reason)
				}
			}
		})
	}
}

func TestImportWarnsOnUnknownLicence(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "../fixtures/export-contoso")
	p := filepath.Join(dir, "graph/users.json")
	data, _ := os.ReadFile(p)
	write(t, dir, "graph/users.json", strings.Replace(string(data), `"skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900"`, `"skuId": "11111111-2222-4333-8444-555555555555"`, 1))
	doc, warnings, err := rawexport.ImportExport(dir, snapshot.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "11111111-2222-4333-8444-555555555555") {
		t.Errorf("warnings %v", warnings)
	}
	alice := doc["users"].([]any)[0].(map[string]any)
	if alice["licenses"].([]any)[0].(map[string]any)["skuPartNumber"] != "11111111-2222-4333-8444-555555555555" {
		t.Errorf("the unknown licence was dropped: %v", alice["licenses"])
	}
}

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, rel), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
