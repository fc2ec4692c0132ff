package html_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tenantscan/tenantscan/report"
	htmlreport "github.com/tenantscan/tenantscan/report/format/html"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

// TestHTMLShowsAge: a stale snapshot is flagged in its matrix row and its
// section, with its age (the matrix also names it on hover); a snapshot
// of unknown age says so.
func TestHTMLShowsAge(t *testing.T) {
	t.Parallel()
	r := reporttest.Sample()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r.Tenants[0].ExportedAt = "2019-01-01T00:00:00Z"
	report.SetAge(&r.Tenants[0], now, report.DefaultMaxAge)
	r.Tenants[1].ExportedAt = ""
	report.SetAge(&r.Tenants[1], now, report.DefaultMaxAge)
	out, err := report.Render(htmlreport.Writer{}, r)
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	for want, n := range map[string]int{`<span class="badge s-stale">stale</span>`: 2, "2557 days": 3, "unknown age (the snapshot has no exportedAt)": 2} {
		if got := strings.Count(page, want); got != n {
			t.Errorf("page holds %q %d times, want %d", want, got, n)
		}
	}
}
