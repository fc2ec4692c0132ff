package report

import (
	"fmt"
	"time"
)

// DefaultMaxAge is the age past which a snapshot is stale unless
// --max-age says otherwise: 30 days. Exports run nightly or weekly in
// practice; a month tolerates a missed weekly run or a monthly cadence,
// and still catches an export job that died within one billing cycle
// (licences and subscriptions, which several controls judge, change
// monthly).
const DefaultMaxAge = 30 * 24 * time.Hour

// clockSkew is how far in the future an exportedAt may lie (clocks of the
// exporting machine and the scanner differ) and still count as age 0.
const clockSkew = time.Hour

// Age is how old a tenant's snapshot was when the scan started, from its
// exportedAt. A snapshot without a readable exportedAt (or one dated in
// the future) has an unknown age: it is never called fresh.
type Age struct {
	// Seconds from exportedAt to the scan's start; absent when unknown.
	Seconds *int64 `json:"seconds,omitempty"`
	// Text is the age as reports show it: "3 days", "5 hours", or
	// "unknown age" with why.
	Text string `json:"text"`
	// Unknown is true when the age could not be told.
	Unknown bool `json:"unknown,omitempty"`
	// Stale is true when the age is past the scan's --max-age (never when
	// --max-age is 0, never when the age is unknown: see Unknown).
	Stale bool `json:"stale,omitempty"`
}

// SetAge sets the tenant's Age from its ExportedAt as of now; maxAge 0
// turns staleness off. A tenant whose snapshot was never read (Unread)
// has an unknown age that says so.
func SetAge(t *Tenant, now time.Time, maxAge time.Duration) {
	if t.Unread {
		t.Age = &Age{Text: UnreadAge, Unknown: true}
		return
	}
	t.Age = AgeOf(t.ExportedAt, now, maxAge)
}

// UnreadAge is the age's text for a snapshot that was never read.
const UnreadAge = "unknown age (the snapshot was not read: see its error)"

// AgeOf is the age of a snapshot exported at exportedAt (RFC 3339) as of
// now; maxAge 0 turns staleness off.
func AgeOf(exportedAt string, now time.Time, maxAge time.Duration) *Age {
	if exportedAt == "" {
		return &Age{Text: "unknown age (the snapshot has no exportedAt)", Unknown: true}
	}
	at, err := time.Parse(time.RFC3339, exportedAt)
	if err != nil {
		return &Age{Text: fmt.Sprintf("unknown age (exportedAt %q is not an RFC 3339 time)", exportedAt), Unknown: true}
	}
	d := now.Sub(at)
	if d < -clockSkew {
		return &Age{Text: fmt.Sprintf("unknown age (exportedAt %s is after the scan started)", exportedAt), Unknown: true}
	}
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	return &Age{Seconds: &s, Text: AgeText(d), Stale: maxAge > 0 && d > maxAge}
}

// AgeText renders a duration as a person reads an age: minutes under an
// hour, hours under two days, days after that.
func AgeText(d time.Duration) string {
	switch {
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 48*time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/(24*time.Hour)), "day")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// AgeLabel is a tenant's age as the reports show it next to exportedAt:
// "3 days", "412 days — STALE", "unknown age (…)"; "" for a report written
// before ages existed.
func AgeLabel(a *Age) string {
	switch {
	case a == nil:
		return ""
	case a.Stale:
		return a.Text + " — STALE"
	}
	return a.Text
}
