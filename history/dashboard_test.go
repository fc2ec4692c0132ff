package history_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/history"
	"github.com/tenantscan/tenantscan/internal/dbtest"
)

// The Grafana dashboard's queries run on a real PostgreSQL history and
// return rows: a renamed column breaks this test, not the dashboard.
func TestGrafanaDashboardQueries(t *testing.T) {
	data, err := os.ReadFile("../examples/grafana-history-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string
			Targets []struct{ RawSQL string }
		}
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	url := dbtest.URL(t, "postgres")
	s := open(t, url)
	ctx := context.Background()
	for i, n := range []int{3, 2, 2} {
		if _, err := s.Record(ctx, history.Run{At: day(i + 1)}, controls, each(tenant("a", n))); err != nil {
			t.Fatal(err)
		}
	}
	db := rawDB(t, url)
	for _, p := range dash.Panels {
		for _, target := range p.Targets {
			q := strings.ReplaceAll(target.RawSQL, "$__timeFilter(r.at)", "TRUE")
			rows, err := db.QueryContext(ctx, q)
			if err != nil {
				t.Errorf("panel %q: %v", p.Title, err)
				continue
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			if n == 0 {
				t.Errorf("panel %q: no rows", p.Title)
			}
		}
	}
	if len(dash.Panels) == 0 {
		t.Error("dashboard has no panels")
	}
}
