package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tenantscan/tenantscan/internal/golden"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/format"
)

const fixtures = "../../fixtures"

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// goldenNow is the clock of the scans whose output is compared with a
// golden file or the README: snapshot ages are measured from it, so they
// do not change from day to day.
var goldenNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// runCLIAt is runCLI with the scan's clock at now.
func runCLIAt(t testing.TB, now time.Time, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: os.Getenv,
		log: slog.New(slog.DiscardHandler), now: func() time.Time { return now }}
	code := runEnv(context.Background(), e, args)
	return result{code, out.String(), errOut.String()}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	compliant := filepath.Join(fixtures, "contoso-compliant.yaml")
	failing := filepath.Join(fixtures, "fabrikam-prerequisites.yaml")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"compliant tenant", []string{"scan", compliant}, 0, ""},
		{"failing tenant", []string{"scan", failing}, 1, ""},
		{"fail-on critical still fails", []string{"scan", "--fail-on", "critical", failing}, 1, ""},
		{"fail-on none never fails", []string{"scan", "--fail-on", "none", failing}, 0, ""},
		{"errors win over findings", []string{"scan", failing, filepath.Join(fixtures, "broken")}, 2, "3 of 4 snapshot(s) could not be evaluated"},
		{"control error is exit 2", []string{"scan", filepath.Join(fixtures, "woodgrove-partial-export.yaml")}, 2, "1 of 1 snapshot(s) could not be evaluated"},
		{"missing path", []string{"scan", "nope.yaml"}, 2, "tenantscan: nope.yaml: no such file or folder\n"},
		{"no path", []string{"scan"}, 2, "give at least one snapshot path"},
		{"empty folder", []string{"scan", t.TempDir()}, 2, "no snapshots"},
		{"unknown format", []string{"scan", "--format", "pdf", compliant}, 2, `unknown format "pdf"`},
		{"xlsx needs a file", []string{"scan", "--format", "xlsx", compliant}, 2, "--output xlsx=FILE"},
		{"unknown flag", []string{"scan", "--bogus", compliant}, 2, "unknown flag: --bogus"},
		{"bad fail-on", []string{"scan", "--fail-on", "severe", compliant}, 2, `--fail-on "severe"`},
		{"bad parallel", []string{"scan", "--parallel", "0", compliant}, 2, "--parallel 0"},
		{"two formats on stdout", []string{"scan", "--format", "json", "--format", "table", compliant}, 2, "more than one format"},
		{"bare output needs one format", []string{"scan", "--output", "x.json", compliant}, 2, "FORMAT=FILE"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"bad policy folder", []string{"scan", "--policy", "testdata/nope", compliant}, 2, "policy folder"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, "", tc.args...)
			if r.code != tc.wantCode {
				t.Errorf("exit code %d, want %d\nstderr: %s", r.code, tc.wantCode, r.stderr)
			}
			if !strings.Contains(r.stderr, tc.wantStderr) {
				t.Errorf("stderr %q lacks %q", r.stderr, tc.wantStderr)
			}
		})
	}
}

// TestScanFixturesTable is the README's first command; its output is the
// README's sample (testdata/scan-fixtures.golden.txt).
func TestScanFixturesTable(t *testing.T) {
	t.Parallel()
	r := runCLIAt(t, goldenNow, "scan", "--parallel", "3", fixtures)
	if r.code != 2 {
		t.Errorf("exit code %d, want 2 (the fixtures include broken snapshots)", r.code)
	}
	compareGolden(t, filepath.Join("testdata", "scan-fixtures.golden.txt"), r.stdout)
}

// builtinControls is the catalogue of the built-in controls: tests count
// with it, never with a literal number of controls.
func builtinControls(t testing.TB) []report.Control {
	t.Helper()
	e, err := policy.NewEngine(context.Background(), policy.EngineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return e.Controls()
}

// compareGolden compares got with the file at path; -update rewrites it.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	golden.Compare(t, path, []byte(got))
}

func TestScanOutputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	jsonFile := filepath.Join(dir, "report.json")
	tableFile := filepath.Join(dir, "report.txt")
	r := runCLI(t, "", "scan", "--format", "json", "--output", "json="+jsonFile, "--output", "table="+tableFile,
		filepath.Join(fixtures, "fabrikam-prerequisites.yaml"))
	if r.code != 1 {
		t.Fatalf("exit code %d: %s", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("nothing should go to stdout, got %q", r.stdout)
	}
	var rep struct {
		SchemaVersion int `json:"schemaVersion"`
		Tenants       []struct {
			Status    string `json:"status"`
			Readiness struct {
				Ready    bool     `json:"ready"`
				Blocking []string `json:"blocking"`
			} `json:"readiness"`
		} `json:"tenants"`
	}
	data, err := os.ReadFile(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.SchemaVersion != 1 || len(rep.Tenants) != 1 || rep.Tenants[0].Status != "fail" || rep.Tenants[0].Readiness.Ready {
		t.Errorf("report = %+v", rep)
	}
	table, err := os.ReadFile(tableFile)
	if err != nil || !strings.Contains(string(table), "NOT READY") || strings.Contains(string(table), "\x1b[") {
		t.Errorf("table file: %v\n%s", err, table)
	}
}

func TestScanStdin(t *testing.T) {
	t.Parallel()
	snap, err := os.ReadFile(filepath.Join(fixtures, "northwind-ready.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, string(snap), "scan", "--format", "json", "-")
	if r.code != 0 {
		t.Fatalf("exit code %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, `"snapshot": "-"`) || !strings.Contains(r.stdout, `"displayName": "Northwind Traders"`) {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

func TestOtherCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args     []string
		wantCode int
		want     []string
	}{
		{[]string{"version"}, 0, []string{"tenantscan "}},
		{[]string{"policies"}, 0, []string{"ID", "O365G-001  critical  prerequisites  A1", "O365G-011  high      permissions    A10", "O365G-019"}},
		{[]string{"policies", "--format", "json"}, 0, []string{`"id": "O365G-002"`, `"remediation":`}},
		{[]string{"policies", "--format", "yaml"}, 2, []string{`unknown --format "yaml" for policies (json, markdown, table)`}},
		{[]string{"policies", "--policy", "../../policy/testdata/policies"}, 0, []string{"CUSTOM-001"}},
		// A source keeps its spaces, and the sources are said below the table.
		{[]string{"policies", "--policy", "testdata/policies-sourced"}, 0, []string{
			"internal policy 7.3, A5  The tenant names", "  A14, A15                 No guests in groups",
			"\nSOURCES\nA1                   Dynamics 365 (online) is required",
			"\nA16                  Exchange Online must be set up",
			"\ninternal policy 7.3  Contoso information security policy, section 7.3 (records retention)\n",
			`A1–A16 number the statements of Microsoft, "Deploy Office 365 Groups"`,
		}},
		{[]string{"verify"}, 0, []string{"rego: ", " passed, 0 failed"}},
		{[]string{"verify", "--policy", "../../policy/testdata/policies", "-v"}, 0, []string{"PASS custom.default_domain_test.test_missing_domain_denied"}},
		{[]string{"schema"}, 0, []string{`"$schema": "https://json-schema.org/draft/2020-12/schema"`}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, "", tc.args...)
			if r.code != tc.wantCode {
				t.Fatalf("exit code %d, want %d: %s", r.code, tc.wantCode, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stdout+r.stderr, w) {
					t.Errorf("output lacks %q:\n%s%s", w, r.stdout, r.stderr)
				}
			}
		})
	}
}

func TestVerifyFailingTest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := "package mine_test\n\ntest_wrong if {\n\t1 == 2\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "mine_test.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "verify", "--policy", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "FAIL mine_test.test_wrong") || !strings.Contains(r.stdout, "1 failed") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestColour(t *testing.T) {
	t.Parallel()
	terminal := func(io.Writer) bool { return true }
	tests := []struct {
		name     string
		env      map[string]string
		terminal func(io.Writer) bool
		want     bool
	}{
		{"terminal", nil, terminal, true},
		{"NO_COLOR set", map[string]string{"NO_COLOR": "1"}, terminal, false},
		{"dumb terminal", map[string]string{"TERM": "dumb"}, terminal, false},
		{"not a terminal", nil, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := os.CreateTemp(t.TempDir(), "out")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			e := &env{stdout: f, getenv: func(k string) string { return tc.env[k] }, isTerminal: tc.terminal}
			if got := e.colorOK(); got != tc.want {
				t.Errorf("colorOK() = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestControlsDocUpToDate checks that docs/controls.md is what
// `tenantscan policies --format markdown` prints (make docs rewrites it).
func TestControlsDocUpToDate(t *testing.T) {
	t.Parallel()
	r := runCLI(t, "", "policies", "--format", "markdown")
	if r.code != 0 {
		t.Fatalf("exit code %d: %s", r.code, r.stderr)
	}
	compareGolden(t, filepath.Join("..", "..", "docs", "controls.md"), r.stdout)
	for _, c := range builtinControls(t) {
		if id := "## " + c.ID; !strings.Contains(r.stdout, id) {
			t.Errorf("catalogue lacks %s", id)
		}
	}
}

// TestAllFormatsOnHostileSnapshot writes every format in one run from the
// hostile snapshot and checks each file is whole and safe.
func TestAllFormatsOnHostileSnapshot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := []string{"scan", "--format", "table"}
	files := map[string]string{}
	for _, f := range format.Names() {
		if f == "table" {
			continue
		}
		files[f] = filepath.Join(dir, "report."+f)
		args = append(args, "--output", f+"="+files[f])
	}
	r := runCLI(t, "", append(args, filepath.Join("testdata", "hostile.yaml"))...)
	if r.code != 1 {
		t.Fatalf("exit code %d, want 1: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "\x1b") {
		t.Error("an escape sequence reached the terminal")
	}
	read := func(format string) string {
		data, err := os.ReadFile(files[format])
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if html := read("html"); strings.Contains(html, "<img src=x") || !strings.Contains(html, "&lt;img src=x onerror=alert(&#39;group&#39;)&gt;") {
		t.Error("html: the hostile group name is not escaped")
	}
	if md := read("markdown"); strings.Contains(md, "<img") || strings.Contains(md, "<script") {
		t.Error("markdown: raw HTML from the snapshot")
	}
	for _, line := range strings.Split(read("csv"), "\n")[1:] {
		for _, cell := range strings.Split(line, ",") {
			cell = strings.TrimPrefix(cell, `"`)
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("csv: cell %q would be a formula", cell)
			}
		}
	}
	var junit struct {
		Tests int `xml:"tests,attr"`
	}
	if err := xml.Unmarshal([]byte(read("junit")), &junit); err != nil || junit.Tests != len(builtinControls(t)) {
		t.Errorf("junit: %v, %d tests", err, junit.Tests)
	}
	var sarif map[string]any
	if err := json.Unmarshal([]byte(read("sarif")), &sarif); err != nil || sarif["version"] != "2.1.0" {
		t.Errorf("sarif: %v", err)
	}
	if x := read("xlsx"); !strings.HasPrefix(x, "PK") {
		t.Error("xlsx: not a zip package")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(files) {
		t.Errorf("%d files in the output folder, want %d (no temporary files left)", len(entries), len(files))
	}
}

// TestREADMESample keeps the README's sample output true: it must be what
// `tenantscan scan fixtures/` prints.
// summaryLines are the lines of the scan's summary the README shows:
// tenants, failing findings, snapshot ages.
const summaryLines = 3

func TestREADMESample(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "```text\n") + len("```text\n")
	end := strings.Index(text[start:], "\n\n…")
	if start < len("```text\n") || end < 0 {
		t.Fatal("README has no sample block")
	}
	sample := text[start : start+end]
	r := runCLIAt(t, goldenNow, "scan", fixtures)
	out := strings.ReplaceAll(r.stdout, "../../fixtures/", "fixtures/")
	if golden.Updating() {
		updateREADMESample(t, text, start, end, out)
		return
	}
	if !strings.Contains(out, sample) {
		t.Errorf("the README's sample is not what scan prints; update it from:\n%s", out)
	}
	last := strings.Split(strings.TrimSpace(out), "\n")
	if summary := strings.Join(last[len(last)-summaryLines:], "\n"); !strings.Contains(text, summary) {
		t.Errorf("the README's summary lines are not what scan prints:\n%s", summary)
	}
}

// updateREADMESample rewrites the README's sample (go test -update, make
// golden): the same tenant's block as scan prints it now, and the summary
// lines.
func updateREADMESample(t *testing.T, text string, start, end int, out string) {
	t.Helper()
	sample := text[start : start+end]
	header, _, _ := strings.Cut(sample, "\n")
	i := strings.Index(out, header+"\n")
	if i < 0 {
		t.Fatalf("scan no longer prints the README's sample tenant %q", header)
	}
	block, _, _ := strings.Cut(out[i:], "\n\n")
	rest := text[start+end:]
	const gap = "\n\n…\n\n"
	close := strings.Index(rest, "\n```")
	if !strings.HasPrefix(rest, gap) || close < 0 {
		t.Fatal("the README's sample does not end in …, the summary lines and ```")
	}
	last := strings.Split(strings.TrimSpace(out), "\n")
	summary := strings.Join(last[len(last)-summaryLines:], "\n")
	updated := text[:start] + block + gap + summary + rest[close:]
	if err := os.WriteFile(filepath.Join("..", "..", "README.md"), []byte(updated), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestParallelDefaultFollowsGOMAXPROCS: the default number of workers is
// GOMAXPROCS (which follows a container's CPU limit), not the host's CPUs.
func TestParallelDefaultFollowsGOMAXPROCS(t *testing.T) {
	prev := runtime.GOMAXPROCS(3)
	defer runtime.GOMAXPROCS(prev)
	r := runCLI(t, "", "scan", "--help")
	if r.code != 0 || !regexp.MustCompile(`--parallel int .*\(default 3\)`).MatchString(r.stdout) {
		t.Errorf("exit %d; --parallel default is not GOMAXPROCS (3):\n%s", r.code, r.stdout)
	}
}
