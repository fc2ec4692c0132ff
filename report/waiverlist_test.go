package report

import (
	"fmt"
	"strings"
	"testing"
)

// TestMergeWaiverUses: shards of one run share their waivers; a waiver
// used in any shard is used, its covered findings added up.
func TestMergeWaiverUses(t *testing.T) {
	t.Parallel()
	w := func(line int, expires string) Waiver {
		return Waiver{Control: "O365G-004", Tenant: "*", Resource: "*", Reason: "r", Owner: "o", Expires: expires, File: "w.yaml", Line: line}
	}
	use := func(line int, expires, state string, covers int, expired bool) WaiverUse {
		x := w(line, expires)
		x.Expired = expired
		u := WaiverUse{Waiver: x, State: state, Covers: covers, Findings: []WaiverCover{}}
		for i := 0; i < covers; i++ {
			u.Findings = append(u.Findings, WaiverCover{ControlID: "O365G-004", Resource: fmt.Sprint(line, "-", i)})
		}
		return u
	}
	shard1 := []WaiverUse{use(2, "2027-01-01", WaiverUsed, 2, false), use(8, "2027-01-01", WaiverUnused, 0, false), use(14, "2026-01-01", WaiverExpired, 0, true)}
	shard2 := []WaiverUse{use(2, "2027-01-01", WaiverUsed, 1, false), use(8, "2027-01-01", WaiverUsed, 3, false), use(14, "2026-01-01", WaiverExpired, 1, true)}
	var got []string
	for _, u := range MergeWaiverUses(shard1, shard2) {
		got = append(got, fmt.Sprintf("%d=%s:%d/%d", u.Line, u.State, u.Covers, len(u.Findings)))
	}
	if want := "2=used:3/3 8=used:3/3 14=expired:1/1"; strings.Join(got, " ") != want {
		t.Errorf("merged %s, want %s", strings.Join(got, " "), want)
	}
	if len(shard1[0].Findings) != 2 {
		t.Error("merging changed a shard's list")
	}
}
