package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tenantscan/tenantscan/history"
	"github.com/tenantscan/tenantscan/internal/dbtest"
	"github.com/tenantscan/tenantscan/report"
)

// The three nights of TestHistoryThreeNights, over two tenants:
//
//	Adatum (adatum-permissions.yaml): O365G-011 findings for ben and cleo
//	(sales) and ada (service); ada's is waived through 2026-11-02.
//	Tailspin (tailspin-subscriptions.yaml): four findings, unchanged.
//
//	2026-11-01  as exported: everything new, ada waived
//	2026-11-02  Adatum gains eve without a role (a finding appears);
//	            Tailspin's export is broken (the tenant errors)
//	2026-11-03  ada's waiver has expired (reopened); cleo got a role
//	            (fixed); Tailspin's export is repaired, as before
const (
	adatum   = "7f6e5d4c-3b2a-4f1e-8d9c-8b7a6f5e4d3c"
	tailspin = "6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b"
)

const historyWaivers = `waivers:
  - control: O365G-011
    tenant: ` + adatum + `
    resource: "adatum-service/ada@adatum.com"
    reason: service account, role granted by the vendor
    owner: crm@adatum.com
    expires: 2026-11-02
`

type night struct {
	date      string
	adatum    func(string) string
	tailspin  func(string) string
	wantDrift report.DriftSummary // New, Unchanged, Resolved
	wantNewFP []string            // resource ids marked new
	reopened  []string            // resource ids marked reopened
}

func same(s string) string { return s }

func addEve(s string) string {
	s = strings.Replace(s, "  - {userPrincipalName: dirk@adatum.com, accountEnabled: false",
		"  - {userPrincipalName: eve@adatum.com, accountEnabled: true, userType: Member, licenses: [SPE_E3], mailbox: UserMailbox}\n  - {userPrincipalName: dirk@adatum.com, accountEnabled: false", 1)
	return strings.Replace(s, "      - {userPrincipalName: dirk@adatum.com, enabled: true, roles: [Reader]}",
		"      - {userPrincipalName: dirk@adatum.com, enabled: true, roles: [Reader]}\n      - {userPrincipalName: eve@adatum.com, enabled: true, roles: []}", 1)
}

func fixCleo(s string) string {
	return strings.Replace(addEve(s), "{userPrincipalName: cleo@adatum.com, enabled: true, roles: []}", "{userPrincipalName: cleo@adatum.com, enabled: true, roles: [Sales Manager]}", 1)
}

// broken is an export with a wrong type: the tenant is known, and in error.
func broken(s string) string {
	return strings.Replace(s, "accountEnabled: true", `accountEnabled: "yes"`, 1)
}

var threeNights = []night{
	{
		date: "2026-11-01", adatum: same, tailspin: same,
		wantDrift: report.DriftSummary{New: 7},
		wantNewFP: []string{"adatum-sales/ben@adatum.com", "adatum-sales/cleo@adatum.com", "adatum-service/ada@adatum.com",
			tailspin, "tom@tailspin.com", "tom@tailspin.com", tailspin},
	},
	{
		date: "2026-11-02", adatum: addEve, tailspin: broken,
		wantDrift: report.DriftSummary{New: 1, Unchanged: 3},
		wantNewFP: []string{"adatum-sales/eve@adatum.com"},
	},
	{
		date: "2026-11-03", adatum: fixCleo, tailspin: same,
		wantDrift: report.DriftSummary{Unchanged: 7, Resolved: 1},
		reopened:  []string{"adatum-service/ada@adatum.com"},
	},
}

func TestHistoryThreeNights(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			url := dbtest.URL(t, kind)
			dir := t.TempDir()
			waivers := filepath.Join(dir, "waivers.yaml")
			writeFile(t, waivers, historyWaivers)
			adatumSrc := readFile(t, filepath.Join(fixtures, "adatum-permissions.yaml"))
			tailspinSrc := readFile(t, filepath.Join(fixtures, "tailspin-subscriptions.yaml"))
			for i, n := range threeNights {
				snaps := filepath.Join(dir, n.date)
				writeFile(t, filepath.Join(snaps, "adatum.yaml"), n.adatum(adatumSrc))
				writeFile(t, filepath.Join(snaps, "tailspin.yaml"), n.tailspin(tailspinSrc))
				out := filepath.Join(dir, n.date+".json")
				html, book := filepath.Join(dir, n.date+".html"), filepath.Join(dir, n.date+".xlsx")
				res := runCLI(t, "", "scan", "--history", url, "--baseline", "history", "--as-of", n.date, "--waivers", waivers,
					"--fail-on", "none", "--output", "json="+out, "--output", "html="+html, "--output", "xlsx="+book, snaps)
				wantCode := 0
				if n.date == "2026-11-02" {
					wantCode = 2
				}
				if res.code != wantCode {
					t.Fatalf("night %d: exit %d, want %d\n%s", i+1, res.code, wantCode, res.stderr)
				}
				f, err := os.Open(out)
				if err != nil {
					t.Fatal(err)
				}
				rep, err := report.Read(f)
				f.Close()
				if err != nil {
					t.Fatal(err)
				}
				d := rep.Summary.Drift
				if d == nil || d.New != n.wantDrift.New || d.Unchanged != n.wantDrift.Unchanged || d.Resolved != n.wantDrift.Resolved {
					t.Errorf("night %d (%s): drift %+v, want new %d unchanged %d resolved %d", i+1, n.date, d, n.wantDrift.New, n.wantDrift.Unchanged, n.wantDrift.Resolved)
				}
				var newIDs, reopened []string
				for _, tn := range rep.Tenants {
					for _, c := range tn.Controls {
						for _, f := range c.Findings {
							if f.Drift == report.DriftNew {
								newIDs = append(newIDs, f.Resource.ID)
							}
							if f.Reopened {
								reopened = append(reopened, f.Resource.ID)
							}
						}
					}
				}
				slices.Sort(newIDs)
				want := slices.Sorted(slices.Values(n.wantNewFP))
				if !slices.Equal(newIDs, want) {
					t.Errorf("night %d (%s): new %v, want %v", i+1, n.date, newIDs, want)
				}
				if !slices.Equal(reopened, n.reopened) {
					t.Errorf("night %d (%s): reopened %v, want %v", i+1, n.date, reopened, n.reopened)
				}
				checkTrend(t, i, html, book)
				checkFirstSeen(t, i, rep, html, book)
				if n.date == "2026-11-03" {
					if len(rep.Resolved) != 1 || rep.Resolved[0].Resource.ID != "adatum-sales/cleo@adatum.com" {
						t.Errorf("night 3: resolved %+v, want cleo's finding", rep.Resolved)
					}
				}
			}
			checkLifecycle(t, url)
		})
	}
}

// checkLifecycle asks the history what the three nights imply.
func checkLifecycle(t *testing.T, url string) {
	t.Helper()
	type row struct {
		tenant, resource, state, firstSeen, opened, resolved string
		age                                                  int
	}
	findings := func(args ...string) []row {
		t.Helper()
		res := runCLI(t, "", append([]string{"history", "findings", "--history", url, "--format", "json"}, args...)...)
		if res.code != 0 {
			t.Fatalf("history findings %v: exit %d: %s", args, res.code, res.stderr)
		}
		var got []history.FindingRow
		if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
			t.Fatalf("history findings %v: %v\n%s", args, err, res.stdout)
		}
		var out []row
		for _, f := range got {
			r := row{tenant: f.TenantID[:4], resource: f.ResourceID, state: f.State, firstSeen: f.FirstSeen.Format("01-02"), opened: f.Opened.Format("01-02"), age: f.AgeDays}
			if f.Resolved != nil {
				r.resolved = f.Resolved.Format("01-02")
			}
			out = append(out, r)
		}
		return out
	}
	check := func(name string, got, want []row) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
		}
	}
	ts := tailspin[:4]
	ad := adatum[:4]
	tailspinOpen := func(age int) []row {
		return []row{
			{ts, tailspin, "open", "11-01", "11-01", "", age},
			{ts, "tom@tailspin.com", "open", "11-01", "11-01", "", age},
			{ts, "tom@tailspin.com", "open", "11-01", "11-01", "", age},
			{ts, tailspin, "open", "11-01", "11-01", "", age},
		}
	}
	// Now (after night 3): ben, ada (reopened), eve; cleo is fixed.
	// Ordered by tenant id: Tailspin (6e5d…) before Adatum (7f6e…).
	check("open now", findings(), append(tailspinOpen(2),
		row{ad, "adatum-sales/ben@adatum.com", "open", "11-01", "11-01", "", 2},
		row{ad, "adatum-sales/eve@adatum.com", "open", "11-02", "11-02", "", 1},
		row{ad, "adatum-service/ada@adatum.com", "open", "11-01", "11-01", "", 2},
	))
	check("as of 2026-11-02", findings("--as-of", "2026-11-02"), append(tailspinOpen(1),
		row{ad, "adatum-sales/ben@adatum.com", "open", "11-01", "11-01", "", 1},
		row{ad, "adatum-sales/cleo@adatum.com", "open", "11-01", "11-01", "", 1},
		row{ad, "adatum-sales/eve@adatum.com", "open", "11-02", "11-02", "", 0},
	))
	check("waived as of 2026-11-01", findings("--as-of", "2026-11-01", "--state", "waived"), []row{
		{ad, "adatum-service/ada@adatum.com", "waived", "11-01", "11-01", "", 0},
	})
	check("resolved", findings("--state", "resolved", "--tenant", adatum), []row{
		{ad, "adatum-sales/cleo@adatum.com", "resolved", "11-01", "11-01", "11-03", 2},
	})
	if res := runCLI(t, "", "history", "findings", "--history", url, "--as-of", "2026-10-31"); res.code != 2 || !strings.Contains(res.stderr, "no run on or before 2026-10-31") {
		t.Errorf("as of a day before the history: exit %d, %s", res.code, res.stderr)
	}

	res := runCLI(t, "", "history", "mttr", "--history", url, "--format", "json")
	var mttr []history.MTTRRow
	if err := json.Unmarshal([]byte(res.stdout), &mttr); err != nil {
		t.Fatalf("mttr: %v\n%s%s", err, res.stdout, res.stderr)
	}
	var o011 *history.MTTRRow
	for i := range mttr {
		if mttr[i].ControlID == "O365G-011" {
			o011 = &mttr[i]
		} else if mttr[i].Resolved != 0 {
			t.Errorf("mttr %s: %d resolved, want 0", mttr[i].ControlID, mttr[i].Resolved)
		}
	}
	if o011 == nil || o011.Resolved != 1 || o011.MeanDays != 2 || o011.MaxDays != 2 || o011.Open != 3 {
		t.Errorf("mttr O365G-011: %+v, want 1 resolved in 2 days, 3 open", o011)
	}

	res = runCLI(t, "", "history", "tenant", tailspin, "--history", url, "--format", "json")
	var tr []history.TenantRow
	if err := json.Unmarshal([]byte(res.stdout), &tr); err != nil {
		t.Fatalf("tenant: %v\n%s%s", err, res.stdout, res.stderr)
	}
	var statuses []string
	for _, r := range tr {
		statuses = append(statuses, r.At.Format("01-02")+" "+r.Status+" "+strings.Repeat("!", r.High))
	}
	if want := []string{"11-01 fail !!!", "11-02 error ", "11-03 fail !!!"}; !slices.Equal(statuses, want) {
		t.Errorf("tenant %s over time: %q, want %q", tailspin, statuses, want)
	}

	res = runCLI(t, "", "history", "runs", "--history", url, "--format", "json")
	var runs []history.RunRow
	if err := json.Unmarshal([]byte(res.stdout), &runs); err != nil {
		t.Fatalf("runs: %v\n%s%s", err, res.stdout, res.stderr)
	}
	var changes []int
	for _, r := range runs {
		changes = append(changes, r.Changes)
	}
	// Newest first: night 3 reopened ada and resolved cleo; night 2 saw
	// eve; night 1 saw seven findings.
	if want := []int{2, 1, 7}; !slices.Equal(changes, want) {
		t.Errorf("changes per run %v, want %v", changes, want)
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A history that cannot be written (or opened) fails the run with exit
// code 2, and the reports are written all the same.
func TestHistoryFailureKeepsReports(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	compliant := filepath.Join(fixtures, "contoso-compliant.yaml")

	// Written to: a trigger refuses every run, after the scan.
	db := filepath.Join(dir, "h.db")
	if res := runCLI(t, "", "history", "migrate", "--history", db); res.code != 0 {
		t.Fatalf("migrate: %d %s", res.code, res.stderr)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TRIGGER full BEFORE INSERT ON runs BEGIN SELECT RAISE(ABORT, 'disk full'); END`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	tests := []struct{ name, url, want string }{
		{"write fails", db, "disk full"},
		{"open fails", "sqlite:" + filepath.Join(dir, "no-such-folder", "h.db"), "history"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "r.json")
			res := runCLI(t, "", "scan", "--history", tc.url, "--format", "json", "--output", "json="+out, compliant)
			if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
				t.Fatalf("exit %d, want 2 with %q:\n%s", res.code, tc.want, res.stderr)
			}
			if _, err := os.Stat(out); err != nil {
				t.Fatalf("report not written: %v", err)
			}
		})
	}
}

// TestHistoryNotRecordedWhenReportsFail: the history is written while the
// reports are, and commits only when they were; a run whose report could
// not be written leaves no run in the history, and its exit names the
// report's failure.
func TestHistoryNotRecordedWhenReportsFail(t *testing.T) {
	t.Parallel()
	compliant := filepath.Join(fixtures, "contoso-compliant.yaml")
	db := filepath.Join(t.TempDir(), "h.db")
	var errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: failingWriter{}, stderr: &errOut, getenv: os.Getenv,
		log: slog.New(slog.DiscardHandler), now: time.Now}
	if code := runEnv(context.Background(), e, []string{"scan", "--history", db, compliant}); code != 2 || !strings.Contains(errOut.String(), "standard output") {
		t.Fatalf("exit %d, want 2 naming standard output:\n%s", code, errOut.String())
	}
	runs := runCLI(t, "", "history", "runs", "--history", db, "--format", "json")
	if runs.code != 0 || strings.TrimSpace(runs.stdout) != "[]" {
		t.Fatalf("history runs after a failed report: exit %d, want no run:\n%s%s", runs.code, runs.stdout, runs.stderr)
	}
	// The same scan with a working standard output is recorded.
	if res := runCLI(t, "", "scan", "--history", db, compliant); res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	runs = runCLI(t, "", "history", "runs", "--history", db, "--format", "json")
	var got []struct{ Seq int }
	if err := json.Unmarshal([]byte(runs.stdout), &got); err != nil || len(got) != 1 {
		t.Fatalf("history runs after a good scan: %v, want one run:\n%s%s", err, runs.stdout, runs.stderr)
	}
}

func TestHistoryUsage(t *testing.T) {
	t.Parallel()
	compliant := filepath.Join(fixtures, "contoso-compliant.yaml")
	db := filepath.Join(t.TempDir(), "h.db")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"history baseline needs a history", []string{"scan", "--baseline", "history", compliant}, "--baseline history needs --history"},
		{"shards need a run id", []string{"scan", "--history", db, "--shard", "1/2", compliant}, "needs --run-id"},
		{"unknown scheme", []string{"scan", "--history", "mysql://db/x", compliant}, "want sqlite:PATH"},
		{"query needs a history", []string{"history", "runs"}, "give --history URL"},
		{"bad keep", []string{"history", "prune", "--history", db, "--keep", "forever"}, `--keep "forever"`},
		{"bad as-of", []string{"history", "findings", "--history", db, "--as-of", "yesterday"}, `--as-of "yesterday"`},
		{"bad state", []string{"history", "findings", "--history", db, "--state", "gone"}, `--state "gone"`},
		{"bad format", []string{"history", "runs", "--history", db, "--format", "xml"}, `--format "xml"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runCLI(t, "", tc.args...)
			if res.code != 2 || !strings.Contains(res.stderr, tc.want) {
				t.Fatalf("exit %d, want 2 with %q:\n%s", res.code, tc.want, res.stderr)
			}
		})
	}
}

// The shards of one job, given the same run id, record one run; merge
// --history records the merged report as a run of its own.
func TestHistoryShardsShareARun(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			url := dbtest.URL(t, kind)
			dir := t.TempDir()
			var shardReports []string
			for _, shard := range []string{"1/2", "2/2"} {
				out := filepath.Join(dir, strings.Replace(shard, "/", "-of-", 1)+".json")
				shardReports = append(shardReports, out)
				res := runCLI(t, "", "scan", "--history", url, "--run-id", "job-7", "--shard", shard, "--fail-on", "none",
					"--format", "json", "--output", "json="+out, fixtures)
				if res.code != 0 && res.code != 2 {
					t.Fatalf("shard %s: exit %d: %s", shard, res.code, res.stderr)
				}
			}
			res := runCLI(t, "", "history", "runs", "--history", url, "--format", "json")
			var runs []history.RunRow
			if err := json.Unmarshal([]byte(res.stdout), &runs); err != nil {
				t.Fatalf("runs: %v\n%s%s", err, res.stdout, res.stderr)
			}
			if len(runs) != 1 || runs[0].RunID != "job-7" || runs[0].Shards != 2 || runs[0].ShardCount != 2 || runs[0].Tenants != 12 {
				t.Fatalf("runs %+v, want one run job-7 of 2/2 shards and 12 tenants", runs)
			}
			res = runCLI(t, "", append([]string{"merge", "--history", url, "--fail-on", "none", "--format", "json", "--output", "json=" + filepath.Join(dir, "all.json")}, shardReports...)...)
			if res.code != 0 && res.code != 2 {
				t.Fatalf("merge: exit %d: %s", res.code, res.stderr)
			}
			res = runCLI(t, "", "history", "runs", "--history", url, "--format", "json")
			if err := json.Unmarshal([]byte(res.stdout), &runs); err != nil {
				t.Fatal(err)
			}
			if len(runs) != 2 || runs[0].Tenants != 12 || runs[0].Changes != 0 {
				t.Fatalf("after merge: runs %+v, want a second run of 12 tenants and no change", runs)
			}
		})
	}
}

// checkTrend checks the trend of night i's reports: the i earlier nights,
// oldest first, the second with its tenant in error.
func checkTrend(t *testing.T, i int, html, book string) {
	t.Helper()
	page := readFile(t, html)
	var want []string // the Trend sheet's rows: date, tenants, errors
	for k := range i {
		want = append(want, fmt.Sprintf("2026-11-0%d 00:00 2 %d", k+1, k%2))
	}
	if i == 0 {
		if strings.Contains(page, "Trend:") {
			t.Errorf("night 1: a trend without earlier runs")
		}
	} else if !strings.Contains(page, fmt.Sprintf("Trend: the last %d run(s) before this one", i)) {
		t.Errorf("night %d: the HTML report has no trend of %d runs", i+1, i)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Trend")
	if i == 0 {
		if err == nil {
			t.Errorf("night 1: a Trend sheet without earlier runs")
		}
		return
	}
	if err != nil {
		t.Fatalf("night %d: %v", i+1, err)
	}
	var got []string
	for _, r := range rows[1:] {
		got = append(got, r[0]+" "+r[2]+" "+r[4])
	}
	if !slices.Equal(got, want) {
		t.Errorf("night %d: Trend sheet %q, want %q", i+1, got, want)
	}
}

// TestHistoryWrittenDuringTheScan: a scan writes each tenant to the
// history as it finishes; when two snapshots of one tenant are scanned,
// so that the report may keep only the newer, it records the run from
// the report after the scan instead, says so, and the history holds the
// newer snapshot alone, with the findings the report has.
func TestHistoryWrittenDuringTheScan(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(fixtures, "litware-licensing.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	older := strings.Replace(string(data), "exportedAt: 2026-11-22T10:00:00Z", "exportedAt: 2026-11-01T10:00:00Z", 1)
	const litware = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
	for _, tc := range []struct {
		name      string
		files     map[string]string
		afterScan bool     // recorded after the scan, not during it
		snapshots []string // litware's, as the history has them
	}{
		{"two tenants", map[string]string{"litware.yaml": string(data), "contoso.yaml": readFile(t, filepath.Join(fixtures, "contoso-compliant.yaml"))}, false, []string{"litware.yaml"}},
		{"one tenant twice", map[string]string{"old.yaml": older, "new.yaml": string(data)}, true, []string{"new.yaml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			snaps := filepath.Join(dir, "snaps")
			if err := os.Mkdir(snaps, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, text := range tc.files {
				if err := os.WriteFile(filepath.Join(snaps, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			db, jsonFile := filepath.Join(dir, "h.db"), filepath.Join(dir, "r.json")
			r := runCLI(t, "", "scan", "--log-level", "info", "--history", db, "--output", "json="+jsonFile, "--format", "json", snaps)
			if r.code != exitFindings {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			want := `written="during the scan"`
			if tc.afterScan {
				want = `written="after the scan"`
				if !strings.Contains(r.stderr, "the history is recorded after the scan, not during it") {
					t.Errorf("the log does not say why the history is recorded after the scan:\n%s", r.stderr)
				}
			}
			if !strings.Contains(r.stderr, "history written") || !strings.Contains(r.stderr, want) {
				t.Errorf("the log does not say %s:\n%s", want, r.stderr)
			}
			h := runCLI(t, "", "history", "tenant", litware, "--history", db, "--format", "json")
			var rows []struct {
				Snapshot                    string
				Critical, High, Medium, Low int
			}
			if err := json.Unmarshal([]byte(h.stdout), &rows); err != nil {
				t.Fatalf("history tenant: %v:\n%s%s", err, h.stdout, h.stderr)
			}
			var got []string
			failures := 0
			for _, row := range rows {
				got = append(got, filepath.Base(row.Snapshot))
				failures += row.Critical + row.High + row.Medium + row.Low
			}
			if !slices.Equal(got, tc.snapshots) {
				t.Errorf("litware's snapshots in the history: %v, want %v", got, tc.snapshots)
			}
			var rep struct {
				Tenants []struct {
					TenantID string
					Controls []struct{ Findings []struct{ Waiver any } }
				}
			}
			b, _ := os.ReadFile(jsonFile)
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			open := runCLI(t, "", "history", "findings", "--tenant", litware, "--history", db, "--format", "json")
			var findings []any
			if err := json.Unmarshal([]byte(open.stdout), &findings); err != nil {
				t.Fatalf("history findings: %v:\n%s%s", err, open.stdout, open.stderr)
			}
			inReport := 0
			for _, tn := range rep.Tenants {
				if tn.TenantID == litware {
					for _, c := range tn.Controls {
						inReport += len(c.Findings)
					}
				}
			}
			if inReport == 0 || len(findings) != inReport {
				t.Errorf("history has %d open findings of litware, the report %d", len(findings), inReport)
			}
			if failures == 0 {
				t.Error("the history counts no failure of litware")
			}
		})
	}
}

// TestHistoryMaintenanceFormats: migrate and prune answer in the format
// asked for, with what the table says (prune's cut-off included).
func TestHistoryMaintenanceFormats(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "h.db")
	tests := []struct {
		name string
		args []string
		want string // a line of the output
	}{
		{"migrate json", []string{"history", "migrate", "--format", "json"}, `"version": 3,`},
		{"migrate json dialect", []string{"history", "migrate", "--format", "json"}, `"dialect": "sqlite"`},
		{"migrate csv", []string{"history", "migrate", "--format", "csv"}, "3,sqlite"},
		{"migrate table", []string{"history", "migrate"}, "history schema at version 3 (sqlite)"},
		{"prune json", []string{"history", "prune", "--keep", "1d", "--format", "json"}, `"before": "`},
		{"prune json counts", []string{"history", "prune", "--keep", "1d", "--format", "json"}, `"findings": 0`},
		{"prune csv", []string{"history", "prune", "--keep", "1d", "--format", "csv"}, "BEFORE,RUNS,TENANT ROWS,FINDINGS"},
	}
	for _, tc := range tests {
		res := runCLI(t, "", append(tc.args, "--history", db)...)
		if res.code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.name, res.code, res.stderr)
		}
		found := false
		for _, line := range strings.Split(res.stdout, "\n") {
			found = found || strings.HasPrefix(strings.TrimSpace(line), tc.want)
		}
		if !found {
			t.Errorf("%s: no line %q in\n%s", tc.name, tc.want, res.stdout)
		}
	}
}
