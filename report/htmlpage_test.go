package report

import (
	"strings"
	"testing"
	"time"
)

// TestPointerHTML: a JSON pointer may wrap after a slash, and only there;
// snapshot text in it stays escaped.
func TestPointerHTML(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"/users/12/assignedLicenses", "/<wbr>users/<wbr>12/<wbr>assignedLicenses"},
		{"fixtures/broken/bad-yaml.yaml", "fixtures/<wbr>broken/<wbr>bad-yaml.yaml"},
		{"/dynamics/<b>/x", "/<wbr>dynamics/<wbr>&lt;b&gt;/<wbr>x"},
		{"noslash", "noslash"},
	}
	for _, tc := range tests {
		if got := string(pointerHTML(tc.in)); got != tc.want {
			t.Errorf("pointerHTML(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestHTMLShowsAge: a stale snapshot is flagged in its matrix row and its
// section, with its age (the matrix also names it on hover); a snapshot
// of unknown age says so.
func TestHTMLShowsAge(t *testing.T) {
	t.Parallel()
	r := sample()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r.Tenants[0].ExportedAt = "2019-01-01T00:00:00Z"
	SetAge(&r.Tenants[0], now, DefaultMaxAge)
	r.Tenants[1].ExportedAt = ""
	SetAge(&r.Tenants[1], now, DefaultMaxAge)
	out, err := Render(HTML{}, r)
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
