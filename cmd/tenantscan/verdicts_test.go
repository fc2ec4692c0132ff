package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestNotApplicableAndNotEvaluated: a tenant where no instance uses Groups
// is "not applicable" and a snapshot that does not load is "not
// evaluated" — never pass or ready — the same in every format, the
// metrics, readiness and the exit codes.
func TestNotApplicableAndNotEvaluated(t *testing.T) {
	t.Parallel()
	na := filepath.Join("testdata", "verdicts", "not-applicable.yaml")
	broken := filepath.Join("..", "..", "fixtures", "broken", "bad-yaml.yaml")
	dir := t.TempDir()
	out := func(name string) string { return filepath.Join(dir, name) }
	r := runCLI(t, "", "scan", "-q", "--format", "table",
		"--output", "json="+out("r.json"), "--output", "markdown="+out("r.md"), "--output", "html="+out("r.html"),
		"--output", "xlsx="+out("r.xlsx"), "--output", "junit="+out("r.xml"), "--output", "csv="+out("r.csv"),
		"--metrics-file", out("r.prom"), na)
	if r.code != 0 {
		t.Fatalf("scan of a not-applicable tenant: exit %d, want 0 (nothing fails): %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "N/A · NOT APPLICABLE (no Dynamics 365 instance uses Office 365 Groups") {
		t.Errorf("table lacks the not-applicable verdict:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "1 tenant(s): 0 pass, 0 fail, 0 error, 1 not applicable") {
		t.Errorf("table summary does not count the tenant as not applicable:\n%s", r.stdout)
	}
	var rep struct {
		Summary struct{ Pass, NotApplicable int }
		Tenants []struct {
			Status    string
			Readiness struct {
				Ready  bool
				State  string
				Reason string
			}
		}
	}
	if err := json.Unmarshal([]byte(readFile(t, out("r.json"))), &rep); err != nil {
		t.Fatal(err)
	}
	tn := rep.Tenants[0]
	if tn.Status != "notApplicable" || tn.Readiness.Ready || tn.Readiness.State != "notApplicable" || tn.Readiness.Reason == "" ||
		rep.Summary.Pass != 0 || rep.Summary.NotApplicable != 1 {
		t.Errorf("JSON: status %q, readiness %+v, summary pass %d notApplicable %d", tn.Status, tn.Readiness, rep.Summary.Pass, rep.Summary.NotApplicable)
	}
	for _, f := range []string{"r.md", "r.html"} {
		if s := readFile(t, out(f)); !strings.Contains(s, "not applicable") {
			t.Errorf("%s does not say not applicable", f)
		}
	}
	if s := readFile(t, out("r.xml")); !strings.Contains(s, `<property name="readiness" value="notApplicable">`) {
		t.Errorf("JUnit lacks the readiness property:\n%s", s)
	}
	if s := readFile(t, out("r.prom")); !strings.Contains(s, `tenantscan_tenant_readiness{snapshot="testdata/verdicts/not-applicable.yaml",state="notApplicable",tenant="Nothing In Scope",tenant_id="9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"} 1`) || !strings.Contains(s, `tenantscan_tenant_ready{snapshot="testdata/verdicts/not-applicable.yaml",tenant="Nothing In Scope",tenant_id="9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"} 0`) {
		t.Errorf("metrics do not say not applicable:\n%s", s)
	}
	x, err := excelize.OpenFile(out("r.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if v := firstTenantCell(t, x, "Readiness"); v != "not applicable" {
		t.Errorf("workbook Summary readiness = %q, want not applicable", v)
	}
	if v := firstTenantCell(t, x, "Status"); v != "notApplicable" {
		t.Errorf("workbook Summary status = %q, want notApplicable", v)
	}

	// readiness: not applicable is not ready (exit 1); a snapshot that did
	// not load is not evaluated (exit 2), with its reason.
	r = runCLI(t, "", "readiness", "-q", na)
	if r.code != 1 || !strings.Contains(r.stdout, "NOT APPLICABLE: no Dynamics 365 instance uses Office 365 Groups") {
		t.Errorf("readiness: exit %d, want 1:\n%s", r.code, r.stdout)
	}
	r = runCLI(t, "", "readiness", "-q", "--format", "json", broken)
	if r.code != 2 || !strings.Contains(r.stdout, `"state": "notEvaluated"`) || !strings.Contains(r.stdout, `"reason": "`) {
		t.Errorf("readiness of a broken snapshot: exit %d, want 2:\n%s", r.code, r.stdout)
	}
	r = runCLI(t, "", "scan", "-q", "--output", "xlsx="+out("broken.xlsx"), "--format", "table", broken)
	if r.code != 2 || !strings.Contains(r.stdout, "ERROR · NOT EVALUATED") {
		t.Errorf("scan of a broken snapshot: exit %d:\n%s", r.code, r.stdout)
	}
	// A tenant nobody could check never reads as clean: "—", not 0.
	bx, err := excelize.OpenFile(out("broken.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer bx.Close()
	if v := firstTenantCell(t, bx, "Critical"); v != "—" {
		t.Errorf("workbook Summary critical count of an unevaluated tenant = %q, want —", v)
	}
	if v := firstTenantCell(t, bx, "Readiness"); v != "not evaluated" {
		t.Errorf("workbook Summary readiness of an unevaluated tenant = %q, want not evaluated", v)
	}
}

// TestExportWarningsInEveryReport: what an import knows it could not
// consider (here: team roles, with teams.json not exported) and the records
// it left out are said in the table, JSON, Markdown and HTML of a scan.
func TestExportWarningsInEveryReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	export := filepath.Join(dir, "export")
	if err := os.CopyFS(export, os.DirFS(filepath.Join("..", "..", "fixtures", "export-contoso"))); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(export, "dataverse", "contoso-sales", "teams.json")); err != nil {
		t.Fatal(err)
	}
	out := func(name string) string { return filepath.Join(dir, name) }
	r := runCLI(t, "", "scan", "-q", "--output", "json="+out("r.json"), "--output", "markdown="+out("r.md"),
		"--output", "html="+out("r.html"), "--format", "table", export)
	if r.code == 2 {
		t.Fatalf("exit 2: %s", r.stderr)
	}
	const teams = "roles granted through team membership are not considered"
	const left = "the import left out 5 record(s)"
	texts := map[string]string{"table": strings.Join(strings.Fields(r.stdout), " "), "json": readFile(t, out("r.json")),
		"markdown": readFile(t, out("r.md")), "html": readFile(t, out("r.html"))}
	for format, text := range texts {
		if !strings.Contains(text, teams) || !strings.Contains(text, left) {
			t.Errorf("%s does not carry the import's warnings", format)
		}
	}
}

// TestMetricsKeepTiedSnapshotsApart: two snapshots of one tenant exported
// at the same moment are both scanned (no newer one to prefer); the metrics
// carry the snapshot in every series, so a failing and a passing copy do
// not collapse into one, and the failures add up to the summary's.
func TestMetricsKeepTiedSnapshotsApart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "contoso-compliant.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	failing := strings.Replace(string(src), "licenses: [ENTERPRISEPACK]", "licenses: [STANDARDPACK]", 1)
	failing = strings.Replace(failing, "  - skuPartNumber: ENTERPRISEPREMIUM", "  - skuPartNumber: STANDARDPACK\n    capabilityStatus: Enabled\n  - skuPartNumber: ENTERPRISEPREMIUM", 1)
	for name, text := range map[string]string{"a.yaml": string(src), "b.yaml": failing} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	prom := filepath.Join(dir, "m.prom")
	r := runCLI(t, "", "scan", "-q", "--format", "json", "--metrics-file", prom, dir)
	if r.code == 2 {
		t.Fatalf("exit 2: %s", r.stderr)
	}
	fams := readMetrics(t, prom)
	total := 0.0
	snapshots := map[string]bool{}
	for _, m := range fams["tenantscan_failures"].GetMetric() {
		total += m.GetGauge().GetValue()
		for _, l := range m.GetLabel() {
			if l.GetName() == "snapshot" {
				snapshots[l.GetValue()] = true
			}
		}
	}
	if total != 1 || len(snapshots) != 2 {
		t.Errorf("tenantscan_failures: %v failures over snapshots %v, want 1 over both", total, snapshots)
	}
}

// TestConfigValueErrorsNameFileAndLine: a value a command refuses after
// reading the config file is reported at its line in the file.
func TestConfigValueErrorsNameFileAndLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "tenantscan.yaml")
	if err := os.WriteFile(cfg, []byte("paths: [snapshots]\nparallel: 0\nfail-on: severe\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "snapshots"), 0o700); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "scan", "--config", cfg, "--fail-on", "high")
	if r.code != 2 || !strings.Contains(r.stderr, "config "+cfg+":2: --parallel 0: want 1 or more") {
		t.Errorf("exit %d, stderr %q; want the config file and line 2", r.code, r.stderr)
	}
	r = runCLI(t, "", "scan", "--config", cfg, "--parallel", "2")
	if r.code != 2 || !strings.Contains(r.stderr, "config "+cfg+":3: --fail-on \"severe\"") {
		t.Errorf("exit %d, stderr %q; want the config file and line 3", r.code, r.stderr)
	}
	// A value given on the command line is the user's own: no config line.
	r = runCLI(t, "", "scan", "--config", cfg, "--parallel", "2", "--fail-on", "severe")
	if r.code != 2 || strings.Contains(r.stderr, "config ") {
		t.Errorf("exit %d, stderr %q; a command-line value must not be blamed on the config", r.code, r.stderr)
	}
}

// firstTenantCell is a column of the first tenant row of the workbook's
// Summary (the tenant table starts below the header block).
func firstTenantCell(t *testing.T, f *excelize.File, column string) string {
	t.Helper()
	rows, err := f.GetRows("Summary")
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		if len(row) > 1 && row[0] == "Tenant" && row[1] == "Status" && i+1 < len(rows) {
			if c := slices.Index(row, column); c >= 0 && c < len(rows[i+1]) {
				return rows[i+1][c]
			}
		}
	}
	t.Fatalf("workbook Summary has no tenant row with a %s column", column)
	return ""
}
