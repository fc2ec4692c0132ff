package report

import (
	"testing"
	"time"
)

func TestAgeOf(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, exportedAt string
		maxAge           time.Duration
		text             string
		stale, unknown   bool
	}{
		{name: "fresh", exportedAt: "2026-11-30T12:00:00Z", maxAge: DefaultMaxAge, text: "2 days"},
		{name: "hours", exportedAt: "2026-12-02T07:30:00Z", maxAge: DefaultMaxAge, text: "4 hours"},
		{name: "just past the limit", exportedAt: "2026-11-02T11:59:00Z", maxAge: DefaultMaxAge, text: "30 days", stale: true},
		{name: "at the limit", exportedAt: "2026-11-02T12:00:00Z", maxAge: DefaultMaxAge, text: "30 days"},
		{name: "years old", exportedAt: "2019-03-01T00:00:00Z", maxAge: DefaultMaxAge, text: "2833 days", stale: true},
		{name: "check off", exportedAt: "2019-03-01T00:00:00Z", maxAge: 0, text: "2833 days"},
		{name: "no exportedAt", exportedAt: "", maxAge: DefaultMaxAge, text: "unknown age (the snapshot has no exportedAt)", unknown: true},
		{name: "not a time", exportedAt: "yesterday", maxAge: DefaultMaxAge, text: `unknown age (exportedAt "yesterday" is not an RFC 3339 time)`, unknown: true},
		{name: "clock skew", exportedAt: "2026-12-02T12:30:00Z", maxAge: DefaultMaxAge, text: "0 minutes"},
		{name: "future", exportedAt: "2027-01-01T00:00:00Z", maxAge: DefaultMaxAge, text: "unknown age (exportedAt 2027-01-01T00:00:00Z is after the scan started)", unknown: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := AgeOf(tc.exportedAt, now, tc.maxAge)
			if a.Text != tc.text || a.Stale != tc.stale || a.Unknown != tc.unknown || (a.Seconds == nil) != tc.unknown {
				t.Errorf("AgeOf(%q) = %+v, want text %q stale %v unknown %v", tc.exportedAt, a, tc.text, tc.stale, tc.unknown)
			}
		})
	}
}

// TestTallyCountsAges checks that the summary counts stale tenants and
// tenants of unknown age.
func TestTallyCountsAges(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	tally := NewTally(nil)
	for _, at := range []string{"2026-12-01T00:00:00Z", "2019-01-01T00:00:00Z", "", "2020-01-01T00:00:00Z"} {
		tn := Tenant{Status: TenantPass, ExportedAt: at}
		SetAge(&tn, now, DefaultMaxAge)
		tally.Add(&tn)
	}
	if s := tally.Summary(0, nil); s.Stale != 2 || s.AgeUnknown != 1 {
		t.Errorf("stale %d, unknown %d; want 2 and 1", s.Stale, s.AgeUnknown)
	}
}
