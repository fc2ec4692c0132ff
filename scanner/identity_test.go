package scanner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/snapshot"
	"gopkg.in/yaml.v3"
)

// TestIdentity: every list a control keys by either loads and evaluates
// (no policy conflict error ever reaches a user) or is rejected by the
// loader with a message that names both entries.
func TestIdentity(t *testing.T) {
	t.Parallel()
	engine, err := policy.NewEngine(context.Background(), policy.EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(doc map[string]any)
		// wantErr is a substring of the load error; empty means the
		// snapshot must load and evaluate.
		wantErr string
	}{
		{"two roles with one name and distinct ids, users name them by id", func(doc map[string]any) {
			inst := at(doc, "dynamics", 0)
			roles := inst["securityRoles"].([]any)
			copyRole := map[string]any{"id": "9e3c0000-0000-4000-8000-0000000000ff", "name": "Salesperson", "businessUnit": "Contoso East",
				"privileges": []any{map[string]any{"name": "prvReadAccount", "depth": "Global"}}}
			inst["securityRoles"] = append(roles, copyRole)
			at(inst, "users", 0)["roles"] = []any{"9e3c0000-0000-4000-8000-000000000001"}
			at(inst, "users", 2)["roles"] = []any{"9e3c0000-0000-4000-8000-0000000000ff"}
		}, ""},
		{"a user names a role whose name two roles share", func(doc map[string]any) {
			inst := at(doc, "dynamics", 0)
			inst["securityRoles"] = append(inst["securityRoles"].([]any), map[string]any{"id": "x-2", "name": "Salesperson"})
		}, `/dynamics/0/users/0/roles/0: role "Salesperson" of instance "contoso-sales" is ambiguous: /dynamics/0/securityRoles/0 and /dynamics/0/securityRoles/2 both have that name`},
		{"two roles with one id", func(doc map[string]any) {
			inst := at(doc, "dynamics", 0)
			inst["securityRoles"] = append(inst["securityRoles"].([]any), map[string]any{"id": "9e3c0000-0000-4000-8000-000000000001", "name": "Other"})
		}, `/dynamics/0/securityRoles/2/id: role id "9e3c0000-0000-4000-8000-000000000001" of instance "contoso-sales" is already used by /dynamics/0/securityRoles/0`},
		{"two groups with one display name and distinct ids", func(doc map[string]any) {
			at(doc, "groups", 1)["displayName"] = "Fabrikam renewal"
		}, ""},
		{"two groups with one id", func(doc map[string]any) {
			at(doc, "groups", 1)["id"] = at(doc, "groups", 0)["id"]
		}, `/groups/1/id: group id "0a9b0000-0000-4000-8000-000000000001" is already used by /groups/0`},
		{"two groups without id or mail and one display name", func(doc map[string]any) {
			for _, i := range []int{0, 1} {
				g := at(doc, "groups", i)
				delete(g, "id")
				delete(g, "mail")
				g["displayName"] = "Deals"
			}
		}, `/groups/1/displayName: group displayName "Deals" is already used by /groups/0`},
		{"one Dynamics user twice in an instance", func(doc map[string]any) {
			inst := at(doc, "dynamics", 0)
			u := at(inst, "users", 0)
			inst["users"] = append(inst["users"].([]any), map[string]any{"userPrincipalName": strings.ToUpper(u["userPrincipalName"].(string)), "roles": []any{"Salesperson"}})
		}, `/dynamics/0/users/3/userPrincipalName: Dynamics user "ALICE@CONTOSO.COM" of instance "contoso-sales" is already listed at /dynamics/0/users/0`},
		{"one entity twice", func(doc map[string]any) {
			inst := at(doc, "dynamics", 0)
			inst["groupEntities"] = append(inst["groupEntities"].([]any), map[string]any{"entity": "Opportunity", "autoCreate": true, "monthlyNewRecords": 900})
		}, `/dynamics/0/groupEntities/2/entity: entity "Opportunity" of instance "contoso-sales" is already listed at /dynamics/0/groupEntities/0`},
		{"one connected record twice", func(doc map[string]any) {
			conn := at(doc, "groups", 0)["connector"].(map[string]any)
			recs := conn["connectedRecords"].([]any)
			conn["connectedRecords"] = append(recs, recs[0])
		}, `/groups/0/connector/connectedRecords/1: connected record opportunity "6c1f0000-0000-4000-8000-000000000001" is already listed at /groups/0/connector/connectedRecords/0`},
		{"a group with no id, mail or name", func(doc map[string]any) {
			g := at(doc, "groups", 1)
			delete(g, "id")
			delete(g, "mail")
			delete(g, "displayName")
		}, `/groups/1: a group needs an id (its Graph group id), a mail or a displayName`},
		{"two connected records with no id or name", func(doc map[string]any) {
			conn := at(doc, "groups", 0)["connector"].(map[string]any)
			conn["connectedRecords"] = []any{map[string]any{"entity": "contact"}, map[string]any{"entity": "contact"}}
		}, `/groups/0/connector/connectedRecords/1: connected record contact with no id or name is already listed at /groups/0/connector/connectedRecords/0`},
		{"one user twice, case differing", func(doc map[string]any) {
			doc["users"] = append(doc["users"].([]any), map[string]any{"userPrincipalName": "Alice@Contoso.com"})
		}, `userPrincipalName "Alice@Contoso.com" is already used by /users/0`},
		{"one subscription twice", func(doc map[string]any) {
			doc["subscriptions"] = append(doc["subscriptions"].([]any), at(doc, "subscriptions", 0))
		}, `skuPartNumber "ENTERPRISEPACK" is already used by /subscriptions/0`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := fixtureDoc(t, "contoso-compliant.yaml")
			tc.edit(doc)
			path := writeDoc(t, doc)
			snap, err := snapshot.Load(snapshot.Source{Name: path}, nil, snapshot.DefaultLimits())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			input, err := ast.InterfaceToValue(snap.Doc)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := engine.Evaluate(context.Background(), input); err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
		})
	}
}

// at returns the i-th object of a list of doc.
func at(doc map[string]any, list string, i int) map[string]any {
	return doc[list].([]any)[i].(map[string]any)
}

// fixtureDoc reads a fixture as a generic document.
func fixtureDoc(t testing.TB, name string) map[string]any {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// writeDoc writes a document as YAML to a temporary file.
func writeDoc(t testing.TB, doc map[string]any) string {
	t.Helper()
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "snapshot.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
