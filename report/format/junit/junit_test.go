package junit

import (
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/internal/golden"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		writer report.Writer
		golden string
	}{
		{Writer{}, "report.golden.junit.xml"},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			t.Parallel()
			got, err := report.Render(tc.writer, reporttest.Sample())
			if err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, filepath.Join("testdata", tc.golden), got)
		})
	}
}

func TestJUnitStructure(t *testing.T) {
	t.Parallel()
	out, err := report.Render(Writer{}, reporttest.Hostile())
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
	r := reporttest.Hostile()
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
