package report

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"
)

// Hostile texts an attacker can put in a snapshot.
var hostile = []string{
	`=HYPERLINK("http://evil.example","x")`,
	"+cmd|' /C calc'!A0",
	"-2+3",
	"@SUM(A1:A9)",
	"\tTAB",
	"\rCR",
	"<script>alert(1)</script>",
	`"><img src=x onerror=alert(2)>`,
	"[link](javascript:alert(3)) *bold* | pipe `code`",
}

// hostileReport is sample() with attacker-controlled texts everywhere a
// snapshot reaches: tenant name, resource ids, messages, evidence, errors.
func hostileReport() *Report {
	r := sample()
	for i := range r.Tenants {
		r.Tenants[i].DisplayName = hostile[i%len(hostile)]
	}
	fs := r.Tenants[1].Controls[1].Findings
	fs = fs[:0]
	for i, h := range hostile {
		fs = append(fs, Finding{Message: h, Resource: Resource{Kind: "user", ID: hostile[(i+1)%len(hostile)]},
			Path: "/users/" + string(rune('0'+i)), Evidence: map[string]any{"name": h, "list": []any{h}}})
	}
	r.Tenants[1].Controls[1].Findings = fs
	e := strings.Join(hostile, "\n")
	r.Tenants[2].Error = &e
	return r
}

func TestMoreWritersGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		writer Writer
		golden string
	}{
		{CSV{}, "report.golden.csv"},
		{Markdown{}, "report.golden.md"},
		{JUnit{}, "report.golden.junit.xml"},
		{HTML{}, "report.golden.html"},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			t.Parallel()
			got, err := Render(tc.writer, sample())
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.golden, got)
		})
	}
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	out, err := Render(CSV{}, hostileReport())
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 1+len(hostile)+1 { // header, hostile findings, Fabrikam's O365G-001
		t.Errorf("%d records", len(records))
	}
	seen := 0
	for _, rec := range records[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would be read as a formula", cell)
			}
			if strings.HasPrefix(cell, "'") {
				seen++
			}
		}
	}
	if seen < len(hostile) {
		t.Errorf("only %d cells were neutralised", seen)
	}
}

func TestHTMLEscapesSnapshotText(t *testing.T) {
	t.Parallel()
	out, err := Render(HTML{}, hostileReport())
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	for _, bad := range []string{"<script>alert(1)", "<img src=x", `"><img`} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds raw %q", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the hostile name is not shown escaped")
	}
	if strings.Count(page, "<script>") != 1 {
		t.Errorf("page has %d scripts, want only its own", strings.Count(page, "<script>"))
	}
	for _, external := range []string{`src="`, `href="http`, "<link", "@import", "url("} {
		if strings.Contains(page, external) {
			t.Errorf("page refers to an external asset (%s)", external)
		}
	}
}

func TestMarkdownEscapesSnapshotText(t *testing.T) {
	t.Parallel()
	out, err := Render(Markdown{}, hostileReport())
	if err != nil {
		t.Fatal(err)
	}
	md := string(out)
	for _, bad := range []string{"<script>", "<img", "*bold*"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown holds raw %q", bad)
		}
	}
	if regexp.MustCompile(`[^\\]\]\(`).MatchString(md) {
		t.Error("markdown holds a raw link")
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Count(line, "|")-strings.Count(line, `\|`) != 9 {
			t.Errorf("table row has a broken column count: %q", line)
		}
	}
}

func TestJUnitStructure(t *testing.T) {
	t.Parallel()
	out, err := Render(JUnit{}, hostileReport())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests  int `xml:"tests,attr"`
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name      string    `xml:"name,attr"`
				Classname string    `xml:"classname,attr"`
				Failure   *struct{} `xml:"failure"`
				Error     *struct{} `xml:"error"`
				Skipped   *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	r := hostileReport()
	if len(doc.Suites) != len(r.Tenants) || doc.Tests != len(r.Tenants)*len(r.Controls) {
		t.Fatalf("%d suites, %d tests", len(doc.Suites), doc.Tests)
	}
	want := [][3]int{{0, 0, 1}, {2, 1, 0}, {0, 3, 0}} // failures, errors, skipped per tenant
	for i, s := range doc.Suites {
		var got [3]int
		for _, c := range s.Cases {
			if c.Classname != s.Name {
				t.Errorf("classname %q in suite %q", c.Classname, s.Name)
			}
			if c.Failure != nil {
				got[0]++
			}
			if c.Error != nil {
				got[1]++
			}
			if c.Skipped != nil {
				got[2]++
			}
		}
		if got != want[i] {
			t.Errorf("suite %d: failures/errors/skipped %v, want %v", i, got, want[i])
		}
	}
	if !strings.HasPrefix(doc.Suites[1].Cases[0].Name, "O365G-001 Dynamics 365 instances") {
		t.Errorf("testcase name %q", doc.Suites[1].Cases[0].Name)
	}
}

func TestEvidenceText(t *testing.T) {
	t.Parallel()
	got := EvidenceText(map[string]any{"licenses": []any{"A", "B"}, "found": false, "none": nil, "depth": map[string]any{"Reader": "none"}, "empty": []any{}})
	want := "depth: {Reader: none}; empty: (none); found: false; licenses: A, B; none: (none)"
	if got != want {
		t.Errorf("EvidenceText = %q, want %q", got, want)
	}
}

func TestTableStripsControlCharacters(t *testing.T) {
	t.Parallel()
	r := sample()
	r.Tenants[0].DisplayName = "evil\x1b[2J\x1b[31mname"
	out, err := Render(Table{}, r)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("\x1b")) {
		t.Error("an escape sequence from the snapshot reached the terminal")
	}
}
