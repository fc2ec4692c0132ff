package table

import (
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/baseline"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

func TestDriftText(t *testing.T) {
	t.Parallel()
	base, cur := reporttest.Sample(), reporttest.Sample()
	cur.Tenants[1].Controls[1].Findings = cur.Tenants[1].Controls[1].Findings[1:]
	baseline.Apply(cur, base)
	out, err := report.Render(Drift{}, cur)
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if !strings.HasPrefix(text, "0 new, 2 unchanged, 1 resolved\n") || !strings.Contains(text, "Resolved:\n  O365G-004 3f6a1c52-9d0e-4b7a-8c21-5e4d3b2a1f00: bob@fabrikam.com") {
		t.Errorf("drift text:\n%s", text)
	}
}
