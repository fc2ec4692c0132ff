package json

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

func TestGolden(t *testing.T) {
	t.Parallel()
	reporttest.CompareGoldens(t, []reporttest.Golden{
		{Writer: Writer{}, Report: reporttest.Sample, File: "report.golden.json"},
	})
}

func TestJSONContract(t *testing.T) {
	t.Parallel()
	out, err := report.Render(Writer{}, reporttest.Sample())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"schemaVersion", "tool", "startedAt", "finishedAt", "controls", "tenants", "resolved", "summary"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("report lacks %q", key)
		}
	}
	tenant := doc["tenants"].([]any)[1].(map[string]any)
	for _, key := range []string{"snapshot", "tenantId", "displayName", "status", "readiness", "error", "controls"} {
		if _, ok := tenant[key]; !ok {
			t.Errorf("tenant lacks %q", key)
		}
	}
	control := tenant["controls"].([]any)[0].(map[string]any)
	finding := control["findings"].([]any)[0].(map[string]any)
	for _, key := range []string{"message", "resource", "path", "evidence", "waiver"} {
		if _, ok := finding[key]; !ok {
			t.Errorf("finding lacks %q", key)
		}
	}
	if _, ok := control["reason"]; !ok {
		t.Error("control result lacks reason (null when unused)")
	}
}

// TestJSONStreamsLikeEncoder checks that the streaming JSON writer writes
// exactly what encoding/json writes for the whole report.
func TestJSONStreamsLikeEncoder(t *testing.T) {
	t.Parallel()
	for _, r := range []*report.Report{reporttest.Sample(), reporttest.Hostile(), {SchemaVersion: 1}} {
		r.UnusedWaivers = []report.Waiver{{Control: "O365G-004", Tenant: "*", Resource: "x<y>", Reason: "r", Owner: "o", Expires: "2027-01-01"}}
		r.Parameters = []report.Parameter{{Name: "paths", Value: "a & b"}}
		r.Trend = []report.TrendPoint{{RunID: "run-1", Tenants: 2, Ready: 1, Findings: map[string]int{"high": 3}}}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		got, err := report.Render(Writer{}, r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("streamed JSON differs:\n%s\nwant\n%s", got, want.Bytes())
		}
	}
}
