package scanner

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/tenantscan/tenantscan/rawexport"
	"github.com/tenantscan/tenantscan/snapshot"
)

// FuzzImport feeds arbitrary bytes to the importer as a Graph users page
// and as every Dataverse file of an instance: it must return an error or a
// snapshot, never panic or hang.
func FuzzImport(f *testing.F) {
	f.Add([]byte(`{"value": [{"id": "1", "userPrincipalName": "a@b.c", "accountEnabled": true, "assignedLicenses": [{"skuId": "x", "disabledPlans": ["y"]}]}]}`))
	f.Add([]byte(`[{"value": []}, {"value": [{"userPrincipalName": 1}]}]`))
	f.Add([]byte(`{"UserPrincipalName": "a@b.c", "RecipientTypeDetails": 5}`))
	f.Add([]byte("\xFF\xFE{\x00}\x00"))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"value": [{"roleid": "r", "name": "n", "privilegeid": "p", "privilegedepthmask": 8, "teamid": "t", "teamroles_association": [{"roleid": "r"}], "systemuserid": "u", "domainname": "a@b.c", "accessmode": 0, "systemuserroles_association": [{"roleid": "r"}], "teammembership_association": [{"teamid": "t"}], "emailconnectionchannel": 0, "emailserverprofileid": "e", "exchangeonlinetenantid": "x", "_emailserverprofile_value": "e", "incomingemaildeliverymethod": 2, "outgoingemaildeliverymethod": 2, "emailrouteraccessapproval": 1, "absoluteurl": "https://c.sharepoint.com", "validationstatus": 4, "IsOneNoteIntegrationEnabled": true}], "@odata.nextLink": ""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		for _, p := range []string{"graph", "dataverse/x"} {
			if err := os.MkdirAll(filepath.Join(dir, p), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		files := map[string][]byte{
			"tenantscan-extra.yaml":   []byte("instances:\n  x: {usesGroups: true}\n"),
			"graph/organization.json": []byte(`{"value": [{"id": "7b0d3f2e-4c1a-4d8e-9a51-2f6c0e9b1a11"}]}`),
			"graph/users.json":        data,
		}
		for _, name := range []string{"roles", "roleprivileges", "teams", "teamroles", "teammemberships", "systemuserroles", "systemusers", "organizations", "emailserverprofiles", "mailboxes", "sharepointsites", "entitydefinitions"} {
			files["dataverse/x/"+name+".json"] = data
		}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		doc, _, err := rawexport.ImportExport(dir, snapshot.Limits{MaxBytes: 1 << 20, MaxDepth: 32, MaxAliasNodes: 1000})
		if err == nil && doc["tenant"] == nil {
			t.Fatal("an import without error has no tenant")
		}
	})
}

// FuzzLoadWaivers feeds arbitrary waiver files to the parser: an error
// names the file, a success has every required field.
func FuzzLoadWaivers(f *testing.F) {
	f.Add([]byte("waivers:\n  - control: O365G-004\n    reason: r\n    owner: o\n    expires: 2027-01-31\n"))
	f.Add([]byte("waivers: []\n"))
	f.Add([]byte("waivers:\n  - {control: [a], reason: &x r, owner: *x}\n"))
	f.Add([]byte("- a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "w.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ws, err := LoadWaivers(path, nil)
		if err != nil {
			if !strings.HasPrefix(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, w := range ws {
			if w.Control == "" || w.Reason == "" || w.Owner == "" || w.Expires == "" {
				t.Fatalf("incomplete waiver accepted: %+v", w)
			}
		}
	})
}

var versionQuery = sync.OnceValues(func() (rego.PreparedEvalQuery, error) {
	modules, err := loadModules(nil, false)
	if err != nil {
		return rego.PreparedEvalQuery{}, err
	}
	c, err := compile(modules, false)
	if err != nil {
		return rego.PreparedEvalQuery{}, err
	}
	return rego.New(rego.Query(`x := data.lib.snapshot.version_at_least(input.a, input.b)`), rego.Compiler(c)).PrepareForEval(context.Background())
})

// FuzzVersionCompare checks the Rego version comparison against a plain Go
// one, for every pair of versions the schema accepts.
func FuzzVersionCompare(f *testing.F) {
	f.Add("7.1", "7.1")
	f.Add("07.00.0001", "7.1")
	f.Add("10.0", "7.1")
	f.Add("9.2.24101.191", "9.2.24101.0191")
	f.Add("7", "7.0.0.1")
	f.Fuzz(func(t *testing.T, a, b string) {
		pa, okA := parseVersion(a)
		pb, okB := parseVersion(b)
		if !okA || !okB {
			return // the loader rejects it before any policy runs
		}
		q, err := versionQuery()
		if err != nil {
			t.Fatal(err)
		}
		rs, err := q.Eval(context.Background(), rego.EvalParsedInput(ast.MustInterfaceToValue(map[string]any{"a": a, "b": b})))
		if err != nil {
			t.Fatal(err)
		}
		got := len(rs) == 1 && rs[0].Bindings["x"] == true
		want := compareParts(pa, pb) >= 0
		if got != want {
			t.Fatalf("version_at_least(%q, %q) = %v, want %v", a, b, got, want)
		}
	})
}

// parseVersion is the reference: 1 to 4 dot-separated numbers of up to 9
// digits (the schema's pattern), padded to 4 parts.
func parseVersion(v string) ([4]int, bool) {
	var out [4]int
	parts := strings.Split(v, ".")
	if len(parts) > 4 {
		return out, false
	}
	for i, p := range parts {
		if len(p) == 0 || len(p) > 9 {
			return out, false
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || strings.ContainsAny(p, "+-") {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

func compareParts(a, b [4]int) int {
	for i := range a {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return 0
}
