package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	jsonreport "github.com/tenantscan/tenantscan/report/format/json"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

func TestFingerprintIgnoresMessage(t *testing.T) {
	t.Parallel()
	a := report.Fingerprint("t", "O365G-004", report.Resource{Kind: "user", ID: "bob"})
	if a != report.Fingerprint("t", "O365G-004", report.Resource{Kind: "user", ID: "bob"}) {
		t.Error("fingerprint is not stable")
	}
	for _, other := range []string{
		report.Fingerprint("u", "O365G-004", report.Resource{Kind: "user", ID: "bob"}),
		report.Fingerprint("t", "O365G-006", report.Resource{Kind: "user", ID: "bob"}),
		report.Fingerprint("t", "O365G-004", report.Resource{Kind: "user", ID: "bobby"}),
	} {
		if other == a {
			t.Error("different findings share a fingerprint")
		}
	}
}

func TestReadRoundTrip(t *testing.T) {
	t.Parallel()
	out, err := report.Render(jsonreport.Writer{}, reporttest.Sample())
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Read(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Tenants) != 3 || r.Tenants[1].Controls[1].Findings[0].Resource.ID != "bob@fabrikam.com" {
		t.Errorf("read back %+v", r.Tenants)
	}
	if _, err := report.Read(strings.NewReader(`{"schemaVersion": 2}`)); err == nil || !strings.Contains(err.Error(), "schemaVersion 2") {
		t.Errorf("a future schema version was accepted: %v", err)
	}
	if _, err := report.Read(strings.NewReader(`not json`)); err == nil {
		t.Error("garbage was accepted")
	}
}
