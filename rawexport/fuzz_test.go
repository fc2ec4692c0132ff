package rawexport_test

import (
	"os"
	"path/filepath"
	"testing"

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
