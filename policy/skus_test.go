package policy

import (
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/policies"
)

// TestPolicyDataMatchesMicrosoftCSV: the service plans the policy data
// knows for each SKU are Microsoft's. Every plan listed for a SKU is one of
// its plans in Microsoft's licensing CSV (testdata/licensing, with its
// provenance), and every plan of the SKU that a control looks for
// (tenantscan.servicePlans: Exchange Online, SharePoint Online, PSTN) is
// listed, so that a snapshot without servicePlans is judged right.
func TestPolicyDataMatchesMicrosoftCSV(t *testing.T) {
	t.Parallel()
	f, err := os.Open(filepath.Join("testdata", "licensing", "service-plans.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "Product_Display_Name,String_Id,GUID,Service_Plan_Name,Service_Plan_Id,Service_Plans_Included_Friendly_Names" {
		t.Fatalf("unexpected CSV header %q", got)
	}
	csvPlans := map[string][]string{}
	for _, r := range rows[1:] {
		sku := strings.ReplaceAll(r[1], "\u00a0", " ") // Microsoft writes some ids with no-break spaces
		csvPlans[sku] = append(csvPlans[sku], r[3])
	}
	raw, err := fs.ReadFile(policies.FS, policies.DataFile)
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Tenantscan struct {
			SKUs map[string]struct {
				ServicePlans []string `json:"servicePlans"`
			} `json:"skus"`
			ServicePlans map[string][]string `json:"servicePlans"`
		} `json:"tenantscan"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	var wanted []string
	for _, family := range data.Tenantscan.ServicePlans {
		wanted = append(wanted, family...)
	}
	for sku, known := range data.Tenantscan.SKUs {
		plans, ok := csvPlans[sku]
		if !ok {
			t.Errorf("SKU %s is not in Microsoft's CSV (testdata/licensing/service-plans.csv)", sku)
			continue
		}
		for _, p := range known.ServicePlans {
			if !slices.Contains(plans, p) {
				t.Errorf("policy data gives SKU %s plan %s, which Microsoft's CSV does not list for it", sku, p)
			}
		}
		for _, p := range plans {
			if slices.Contains(wanted, p) && !slices.Contains(known.ServicePlans, p) {
				t.Errorf("policy data lacks plan %s of SKU %s (Microsoft's CSV lists it): a snapshot without servicePlans would be judged without it", p, sku)
			}
		}
	}
}
