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
	// The tenant's name and the control's severity, not the tenant id.
	// Proved: with the finding's TenantID printed, as before, it fails.
	if !strings.HasPrefix(text, "0 new, 2 unchanged, 1 resolved\n") || !strings.Contains(text, "Resolved:\n  high     O365G-004 Fabrikam Inc.: bob@fabrikam.com") {
		t.Errorf("drift text:\n%s", text)
	}
}
