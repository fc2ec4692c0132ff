package rawexport_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/rawexport"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/scanner"
	"github.com/tenantscan/tenantscan/snapshot"
)

// editJSON rewrites one JSON file of an export folder.
func editJSON(t *testing.T, dir, rel string, edit func(doc map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, rel)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	out, _ := json.MarshalIndent(doc, "", "  ")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// rows is the value array of an OData page.
func rows(doc map[string]any) []any { return doc["value"].([]any) }

// setEveryRow sets one field of every row of an OData file.
func setEveryRow(t *testing.T, dir, rel, key string, value any) {
	t.Helper()
	editJSON(t, dir, rel, func(d map[string]any) {
		for i := range rows(d) {
			row(d, i)[key] = value
		}
	})
}

// row is the i-th row of an OData page.
func row(doc map[string]any, i int) map[string]any { return rows(doc)[i].(map[string]any) }

const (
	dvDir        = "dataverse/contoso-sales/"
	roleSales    = "d1d2d3d4-0000-4000-8000-0000000000d1"
	planExchange = "efb87545-963c-4e0d-99df-69c6916d9eb0"
	skuE3        = "6fd2c87f-b296-42f0-b197-1e91e994b900"
	skuE5        = "c7df2760-2c81-4ef7-b578-5b5392b571df"
)

// TestImportMeaning imports variants of fixtures/export-contoso, each
// changed the way a real tenant differs, and checks the verdict the scan
// reaches or the error the import gives: every fact must come from a
// documented field that shows it, never from a default.
func TestImportMeaning(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, policy.EngineOptions{})
	tests := []struct {
		name    string
		edit    func(t *testing.T, dir string)
		wantErr string // in the tenant's error
		control string // else: this control's status and finding count
		status  string
		count   int
		warning string // and this import warning
	}{
		// Roles are distinct by roleid.
		{name: "two Regional Sales roles in sibling business units: the user's one lacks ISV Extensions",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, dvDir+"roles.json", func(d map[string]any) {
					d["value"] = append(rows(d),
						map[string]any{"roleid": "4e000000-0000-4000-8000-0000000000e1", "name": "Regional Sales", "_businessunitid_value": "b0b1b2b3-0000-4000-8000-0000000000b1", "_parentrootroleid_value": "4e000000-0000-4000-8000-0000000000e1"},
						map[string]any{"roleid": "4e000000-0000-4000-8000-0000000000e2", "name": "Regional Sales", "_businessunitid_value": "b0b1b2b3-0000-4000-8000-0000000000b2", "_parentrootroleid_value": "4e000000-0000-4000-8000-0000000000e2"})
				})
				editJSON(t, dir, dvDir+"roleprivileges.json", func(d map[string]any) {
					d["value"] = append(rows(d),
						map[string]any{"roleid": "4e000000-0000-4000-8000-0000000000e1", "privilegeid": "6a1f3b2c-0000-4000-8000-0000000000a1", "privilegedepthmask": 8},
						map[string]any{"roleid": "4e000000-0000-4000-8000-0000000000e2", "privilegeid": "6a1f3b2c-0000-4000-8000-0000000000a2", "privilegedepthmask": 8})
				})
				editJSON(t, dir, dvDir+"systemusers.json", func(d map[string]any) {
					row(d, 0)["systemuserroles_association"] = []any{map[string]any{"roleid": "4e000000-0000-4000-8000-0000000000e2"}}
				})
			},
			control: "O365G-011", status: report.StatusFail, count: 1},
		{name: "a copy of a root role without rows of its own has the root's privileges",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, dvDir+"roleprivileges.json", func(d map[string]any) {
					d["value"] = rows(d)[:2] // drop the copy's and System Administrator's rows
				})
				editJSON(t, dir, dvDir+"systemusers.json", func(d map[string]any) {
					for i := range 3 {
						row(d, i)["systemuserroles_association"] = []any{map[string]any{"roleid": "d1d2d3d4-0000-4000-8000-0000000000d2"}}
					}
				})
			},
			control: "O365G-011", status: report.StatusPass},
		{name: "a role held only through a team: membership removed",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, dvDir+"systemusers.json", func(d map[string]any) {
					row(d, 2)["teammembership_association"] = []any{}
				})
			},
			control: "O365G-011", status: report.StatusFail, count: 1},
		{name: "team membership read from teams.json",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, dvDir+"systemusers.json", func(d map[string]any) {
					for i := range rows(d) {
						delete(row(d, i), "teammembership_association")
					}
				})
				editJSON(t, dir, dvDir+"teams.json", func(d map[string]any) {
					row(d, 0)["teammembership_association"] = []any{map[string]any{"systemuserid": "f1f2f3f4-0000-4000-8000-0000000000f3"}}
					row(d, 1)["teammembership_association"] = []any{}
				})
			},
			control: "O365G-011", status: report.StatusPass},
		{name: "roles and team membership from the intersect tables",
			edit: func(t *testing.T, dir string) {
				var direct, members []any
				editJSON(t, dir, dvDir+"systemusers.json", func(d map[string]any) {
					for i := range rows(d) {
						u := row(d, i)
						for _, r := range u["systemuserroles_association"].([]any) {
							direct = append(direct, map[string]any{"systemuserid": u["systemuserid"], "roleid": r.(map[string]any)["roleid"]})
						}
						for _, tm := range u["teammembership_association"].([]any) {
							members = append(members, map[string]any{"systemuserid": u["systemuserid"], "teamid": tm.(map[string]any)["teamid"]})
						}
						delete(u, "systemuserroles_association")
						delete(u, "teammembership_association")
					}
				})
				os.Remove(filepath.Join(dir, dvDir+"teams.json"))
				page := func(rows []any) string {
					data, _ := json.Marshal(map[string]any{"value": rows})
					return string(data)
				}
				write(t, dir, dvDir+"systemuserroles.json", page(direct))
				write(t, dir, dvDir+"teammemberships.json", page(members))
				write(t, dir, dvDir+"teamroles.json", page([]any{map[string]any{"teamid": "7e7e0000-0000-4000-8000-000000000001", "roleid": roleSales}}))
			},
			control: "O365G-011", status: report.StatusPass},
		{name: "teams not exported: said, and the team role is missing",
			edit: func(t *testing.T, dir string) {
				os.Remove(filepath.Join(dir, dvDir+"teams.json"))
			},
			control: "O365G-011", status: report.StatusFail, count: 1,
			warning: "teams.json not exported: roles granted through team membership are not considered"},
		{name: "RolePrivileges per role (RetrieveRolePrivilegesRole), a copy resolved through its root",
			edit: func(t *testing.T, dir string) {
				os.Remove(filepath.Join(dir, dvDir+"roleprivileges.json"))
				os.Remove(filepath.Join(dir, dvDir+"privileges.json"))
				writeRolePrivileges(t, dir, roleSales, "Global")
				writeRolePrivileges(t, dir, "d1d2d3d4-0000-4000-8000-0000000000d3", "3")
			},
			control: "O365G-011", status: report.StatusPass},
		{name: "RolePrivileges per role at business-unit depth",
			edit: func(t *testing.T, dir string) {
				os.Remove(filepath.Join(dir, dvDir+"roleprivileges.json"))
				writeRolePrivileges(t, dir, roleSales, "Local")
				writeRolePrivileges(t, dir, "d1d2d3d4-0000-4000-8000-0000000000d3", "Global")
			},
			control: "O365G-011", status: report.StatusFail, count: 2}, // alice directly, chen through the team
		{name: "a user's role missing from roles.json",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, dvDir+"systemusers.json", func(d map[string]any) {
					row(d, 0)["systemuserroles_association"] = []any{map[string]any{"roleid": "99999999-0000-4000-8000-000000000000"}}
				})
			},
			wantErr: "systemusers.json: /value/0/systemuserroles_association/0/roleid: role 99999999-0000-4000-8000-000000000000 is not in roles.json"},
		{name: "role privileges not exported",
			edit: func(t *testing.T, dir string) {
				os.Remove(filepath.Join(dir, dvDir+"roleprivileges.json"))
			},
			control: "O365G-011", status: report.StatusError},
		// Licences keep their own disabled plans.
		{name: "Exchange off on E3 but on through E5",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, "graph/users.json", func(d map[string]any) {
					row(d, 0)["assignedLicenses"] = []any{
						map[string]any{"skuId": skuE3, "disabledPlans": []any{planExchange}},
						map[string]any{"skuId": skuE5, "disabledPlans": []any{}},
					}
				})
			},
			control: "O365G-006", status: report.StatusPass},
		{name: "Exchange off on every licence",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, "graph/users.json", func(d map[string]any) {
					row(d, 0)["assignedLicenses"] = []any{
						map[string]any{"skuId": skuE3, "disabledPlans": []any{planExchange}},
						map[string]any{"skuId": skuE5, "disabledPlans": []any{planExchange}},
					}
				})
			},
			control: "O365G-006", status: report.StatusFail, count: 1},
		// Server-side synchronization from the records.
		{name: "mailboxes pending approval",
			edit: func(t *testing.T, dir string) {
				setEveryRow(t, dir, dvDir+"mailboxes.json", "emailrouteraccessapproval", 2)
			},
			control: "O365G-019", status: report.StatusFail, count: 1},
		{name: "approval not required by the organization",
			edit: func(t *testing.T, dir string) {
				setEveryRow(t, dir, dvDir+"mailboxes.json", "emailrouteraccessapproval", 2)
				editJSON(t, dir, dvDir+"organizations.json", func(d map[string]any) { row(d, 0)["requireapprovalforuseremail"] = false })
			},
			control: "O365G-019", status: report.StatusPass},
		{name: "mailboxes test failed",
			edit: func(t *testing.T, dir string) {
				setEveryRow(t, dir, dvDir+"mailboxes.json", "outgoingemailstatus", 2)
			},
			control: "O365G-019", status: report.StatusFail, count: 1},
		{name: "only a POP3/SMTP profile",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, dvDir+"emailserverprofiles.json", func(d map[string]any) {
					p := row(d, 0)
					p["name"], p["servertype"], p["exchangeonlinetenantid"] = "Contoso POP3", 1, nil
				})
			},
			control: "O365G-019", status: report.StatusFail, count: 1},
		{name: "Email Router",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, dvDir+"organizations.json", func(d map[string]any) { row(d, 0)["emailconnectionchannel"] = 1 })
			},
			control: "O365G-019", status: report.StatusFail, count: 1},
		{name: "emailconnectionchannel alone proves nothing",
			edit: func(t *testing.T, dir string) {
				os.Remove(filepath.Join(dir, dvDir+"mailboxes.json"))
			},
			control: "O365G-019", status: report.StatusError,
			warning: "emailserverprofiles.json and mailboxes.json are needed"},
		// SharePoint from the sites.
		{name: "sharepointdeploymenttype alone proves nothing",
			edit: func(t *testing.T, dir string) {
				os.Remove(filepath.Join(dir, dvDir+"sharepointsites.json"))
			},
			control: "O365G-007", status: report.StatusError},
		{name: "no active SharePoint site",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, dvDir+"sharepointsites.json", func(d map[string]any) { row(d, 0)["statecode"] = 1 })
			},
			control: "O365G-007", status: report.StatusFail, count: 1},
		{name: "site not validated",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, dvDir+"sharepointsites.json", func(d map[string]any) { row(d, 0)["validationstatus"] = 1 })
			},
			control: "O365G-007", status: report.StatusError,
			warning: "none validated"},
		{name: "site on premises",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, dvDir+"sharepointsites.json", func(d map[string]any) { row(d, 0)["absoluteurl"] = "https://sharepoint.contoso.local/sites/sales" })
				editJSON(t, dir, dvDir+"organizations.json", func(d map[string]any) { row(d, 0)["sharepointdeploymenttype"] = 1 })
			},
			control: "O365G-007", status: report.StatusFail, count: 1},
		// Broken page chains, for every paged call.
		{name: "users.json announces a page that is missing",
			edit:    func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "graph/users.2.json")) },
			wantErr: "graph/users.json: /@odata.nextLink: the page chain is broken: this page has a next page but users.2.json does not exist"},
		{name: "a stale page after the last one",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, "graph/users.json", func(d map[string]any) { delete(d, "@odata.nextLink") })
			},
			wantErr: "graph/users.2.json: a page file follows users.json, whose last page has no @odata.nextLink"},
		{name: "roleprivileges paged without its second page",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, dvDir+"roleprivileges.json", func(d map[string]any) {
					d["@odata.nextLink"] = "https://contoso-sales.crm4.dynamics.com/api/data/v9.2/roleprivilegescollection?$skiptoken=x"
				})
			},
			wantErr: "roleprivileges.json: /@odata.nextLink: the page chain is broken: this page has a next page but roleprivileges.2.json does not exist"},
		{name: "group members paged, one array of pages, the last still open",
			edit: func(t *testing.T, dir string) {
				rel := "graph/groups/0a9b0000-0000-4000-8000-000000000001/members.json"
				data, _ := os.ReadFile(filepath.Join(dir, rel))
				page := strings.Replace(string(data), `"value"`, `"@odata.nextLink": "https://graph.microsoft.com/v1.0/groups/x/members?$skiptoken=y", "value"`, 1)
				write(t, dir, rel, "["+page+","+page+"]")
			},
			wantErr: "members.json: /1/@odata.nextLink: the page chain is broken"},
		{name: "an expanded collection that Dataverse paged",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, dvDir+"systemusers.json", func(d map[string]any) {
					row(d, 1)["systemuserroles_association@odata.nextLink"] = "https://contoso-sales.crm4.dynamics.com/api/data/v9.2/systemusers(x)/systemuserroles_association?$skiptoken=z"
				})
			},
			wantErr: "systemusers.json: /value/1/systemuserroles_association@odata.nextLink: the expanded systemuserroles_association is paged"},
		// The extra file.
		{name: "a users: key that matches nobody",
			edit: func(t *testing.T, dir string) {
				replaceIn(t, dir, rawexport.ExtraFile, "Bruno@Contoso.com:", "bruno.m@contoso.com:")
			},
			wantErr: "tenantscan-extra.yaml:29: /users/bruno.m@contoso.com: matches no user of graph/users.json"},
		{name: "two users: keys for one user",
			edit: func(t *testing.T, dir string) {
				replaceIn(t, dir, rawexport.ExtraFile, "users:\n", "users:\n  bruno@contoso.com: {}\n")
			},
			wantErr: "names the same user as"},
		{name: "a groups: key that matches no group",
			edit: func(t *testing.T, dir string) {
				replaceIn(t, dir, rawexport.ExtraFile, "  Partner marketing:", "  partner marketing:")
			},
			wantErr: "/groups/partner marketing: matches no Microsoft 365 group of graph/groups.json (by id, or by exact display name)"},
		{name: "a display name two groups share",
			edit: func(t *testing.T, dir string) {
				editJSON(t, dir, "graph/groups.json", func(d map[string]any) { row(d, 0)["displayName"] = "Partner marketing" })
			},
			wantErr: `2 Microsoft 365 groups are named "Partner marketing": name the group by its id`},
		{name: "a group id in upper case",
			edit: func(t *testing.T, dir string) {
				replaceIn(t, dir, rawexport.ExtraFile, "0a9b0000-0000-4000-8000-000000000001:", "0A9B0000-0000-4000-8000-000000000001:")
			},
			control: "O365G-017", status: report.StatusPass},
		{name: "an instance key spelled unlike its folder",
			edit: func(t *testing.T, dir string) {
				replaceIn(t, dir, rawexport.ExtraFile, "  contoso-sales:\n", "  Contoso-Sales:\n")
			},
			wantErr: "tenantscan-extra.yaml:7: /instances/Contoso-Sales: names the instance exported as dataverse/contoso-sales"},
		{name: "usesGroups not given",
			edit: func(t *testing.T, dir string) {
				replaceIn(t, dir, rawexport.ExtraFile, "    usesGroups: true\n", "")
			},
			wantErr: "usesGroups is required for instance contoso-sales"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := copyTree(t, "../fixtures/export-contoso")
			tc.edit(t, dir)
			r := mustScan(t, context.Background(), e, snapshot.Discover([]string{dir}), scanner.Options{})
			tn := r.Tenants[0]
			if tc.wantErr != "" {
				if tn.Status != report.TenantError || tn.Error == nil || !strings.Contains(*tn.Error, tc.wantErr) {
					msg := ""
					if tn.Error != nil {
						msg = *tn.Error
					}
					t.Fatalf("status %s, error %q; want %q", tn.Status, msg, tc.wantErr)
				}
				return
			}
			if tn.Error != nil && tc.status != report.StatusError {
				t.Fatalf("tenant error: %s", *tn.Error)
			}
			found := false
			for _, c := range tn.Controls {
				if c.ID == tc.control {
					found = true
					if c.Status != tc.status || len(c.Findings) != tc.count {
						t.Errorf("%s = %s with %d findings, want %s with %d (%s)", c.ID, c.Status, len(c.Findings), tc.status, tc.count, deref(c.Reason))
					}
				}
			}
			if !found {
				t.Fatalf("no control %s", tc.control)
			}
			if tc.warning != "" {
				res, err := rawexport.Import(dir, snapshot.DefaultLimits())
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(strings.Join(res.Warnings, "\n"), tc.warning) {
					t.Errorf("warnings %q lack %q", res.Warnings, tc.warning)
				}
			}
		})
	}
}

func replaceIn(t *testing.T, dir, rel, old, repl string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s lacks %q", rel, old)
	}
	write(t, dir, rel, strings.Replace(string(data), old, repl, 1))
}

// writeRolePrivileges saves a RetrieveRolePrivilegesRole response granting
// prvISVExtensions at depth as roleprivileges/<roleid>.json.
func writeRolePrivileges(t *testing.T, dir, roleID, depth string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, dvDir+"roleprivileges"), 0o755); err != nil {
		t.Fatal(err)
	}
	d := any(depth)
	if n, err := strconv.Atoi(depth); err == nil {
		d = n
	}
	resp := map[string]any{
		"@odata.context": "https://contoso-sales.crm4.dynamics.com/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.RetrieveRolePrivilegesRoleResponse",
		"RolePrivileges": []any{map[string]any{"Depth": d, "PrivilegeId": "6a1f3b2c-0000-4000-8000-0000000000a1", "PrivilegeName": "prvISVExtensions",
			"BusinessUnitId": "b0b1b2b3-0000-4000-8000-0000000000b0", "RecordFilterId": nil, "RecordFilterUniqueName": nil}},
	}
	data, _ := json.Marshal(resp)
	write(t, dir, dvDir+"roleprivileges/"+roleID+".json", string(data))
}

// TestImportExtraOnlyInstance: an instance described only in the extra
// file (an on-premises deployment the Web API cannot reach) keeps the
// version, deployment and scope given there.
func TestImportExtraOnlyInstance(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "../fixtures/export-contoso")
	replaceIn(t, dir, rawexport.ExtraFile, "groups:\n", "  legacy: {deployment: onpremises, usesGroups: false, version: \"8.2.0.1\"}\ngroups:\n")
	res, err := rawexport.Import(dir, snapshot.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	insts := res.Doc["dynamics"].([]any)
	if len(insts) != 2 {
		t.Fatalf("instances %v", insts)
	}
	legacy := insts[1].(map[string]any)
	if legacy["name"] != "legacy" || legacy["version"] != "8.2.0.1" || legacy["deployment"] != "onpremises" || legacy["usesGroups"] != false {
		t.Errorf("legacy = %v", legacy)
	}
	if _, ok := legacy["users"]; ok {
		t.Error("an instance not exported has users")
	}
}

// TestImportAbsentIsNotEmpty: a field the export did not select is left
// out of the snapshot ("not exported"), never turned into an empty list
// or a default.
func TestImportAbsentIsNotEmpty(t *testing.T) {
	t.Parallel()
	dir := copyTree(t, "../fixtures/export-contoso")
	editJSON(t, dir, "graph/subscribedSkus.json", func(d map[string]any) { delete(row(d, 0), "servicePlans") })
	editJSON(t, dir, "graph/users.json", func(d map[string]any) { delete(row(d, 0), "assignedLicenses") })
	editJSON(t, dir, dvDir+"systemusers.json", func(d map[string]any) {
		delete(row(d, 0), "isdisabled")
		delete(row(d, 1), "systemuserroles_association")
	})
	res, err := rawexport.Import(dir, snapshot.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	sub := res.Doc["subscriptions"].([]any)[0].(map[string]any)
	alice := res.Doc["users"].([]any)[0].(map[string]any)
	dusers := res.Doc["dynamics"].([]any)[0].(map[string]any)["users"].([]any)
	for what, obj := range map[string]map[string]any{"servicePlans": sub, "licenses": alice, "enabled": dusers[0].(map[string]any), "roles": dusers[1].(map[string]any)} {
		if v, ok := obj[what]; ok {
			t.Errorf("%s = %v, want it absent", what, v)
		}
	}
	warnings := strings.Join(res.Warnings, "\n")
	for _, want := range []string{"alice@contoso.com has no assignedLicenses", "1 users of systemusers.json have no isdisabled"} {
		if !strings.Contains(warnings, want) {
			t.Errorf("warnings lack %q:\n%s", want, warnings)
		}
	}
}
