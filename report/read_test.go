package report_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	jsonreport "github.com/tenantscan/tenantscan/report/format/json"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

// FuzzReadStream feeds ReadStream (which reads baselines and shard reports)
// arbitrary bytes: it must never panic, and whenever it accepts a report,
// Read must accept it too with the same tenants, and the byte spans it
// hands over must hold exactly those tenants (what ReadBaseline relies on
// to read resolved findings again).
func FuzzReadStream(f *testing.F) {
	valid, err := report.Render(jsonreport.Writer{}, reporttest.Sample())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add([]byte(`{"schemaVersion": 1, "tenants": null}`))
	f.Add([]byte(`{"schemaVersion": 1, "tenants": [], "summary": {"tenants": 0}}`))
	f.Add([]byte(`{"tenants": [{"snapshot": "a"}], "schemaVersion": 1}`))
	f.Add([]byte(`{"schemaVersion": 1, "tenants": [{"snapshot": "a"} , {"snapshot": "b"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var streamed []report.Tenant
		head, err := report.ReadStream(bytes.NewReader(data), func(tn *report.Tenant, start, end int64) error {
			if start < 0 || end > int64(len(data)) || start > end {
				t.Fatalf("span %d-%d outside %d bytes", start, end, len(data))
			}
			again, err := report.DecodeTenant(bytes.TrimLeft(data[start:end], ", \t\r\n"))
			if err != nil {
				t.Fatalf("span %d-%d does not hold the tenant: %v", start, end, err)
			}
			a, _ := json.Marshal(again)
			b, _ := json.Marshal(tn)
			if !bytes.Equal(a, b) {
				t.Fatalf("span %d-%d holds %s, the tenant was %s", start, end, a, b)
			}
			streamed = append(streamed, *tn)
			return nil
		})
		if err != nil {
			return
		}
		whole, err := report.Read(bytes.NewReader(data))
		if err != nil {
			return // Read also rejects trailing data and duplicate-free quirks; only acceptance must agree
		}
		if head.SchemaVersion != whole.SchemaVersion || len(streamed) != len(whole.Tenants) {
			t.Fatalf("ReadStream: version %d, %d tenants; Read: version %d, %d tenants",
				head.SchemaVersion, len(streamed), whole.SchemaVersion, len(whole.Tenants))
		}
		a, _ := json.Marshal(streamed)
		b, _ := json.Marshal(whole.Tenants)
		if len(streamed) > 0 && !reflect.DeepEqual(a, b) {
			t.Fatalf("tenants differ:\n%s\n%s", a, b)
		}
	})
}
