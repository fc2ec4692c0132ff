package junit

import (
	"encoding/xml"
	"strconv"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

func TestGolden(t *testing.T) {
	t.Parallel()
	reporttest.CompareGoldens(t, []reporttest.Golden{
		{Writer: Writer{}, Report: reporttest.Sample, File: "report.golden.junit.xml"},
		{Writer: Writer{}, Report: reporttest.Audit, File: "audit.golden.junit.xml"},
	})
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

// TestWaivedIsNotAFailure: a control whose findings are all waived is a
// skipped testcase with the waiver as its message; a failing control's
// message counts its failing findings only; the suites' failing findings
// add up to the summary's, and the suites say each snapshot's age.
// Proved: with the waived control passing to the default branch (no
// skipped element), and with the failure message counting every finding,
// it fails.
func TestWaivedIsNotAFailure(t *testing.T) {
	t.Parallel()
	r := reporttest.Audit()
	out, err := report.Render(Writer{}, r)
	if err != nil {
		t.Fatal(err)
	}
	type msg struct {
		Message string `xml:"message,attr"`
	}
	var doc struct {
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Props []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *msg   `xml:"failure"`
				Skipped *msg   `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	props := func(i int) map[string]string {
		m := map[string]string{}
		for _, p := range doc.Suites[i].Props {
			m[p.Name] = p.Value
		}
		return m
	}
	total := 0
	for i := range doc.Suites {
		n, _ := strconv.Atoi(props(i)["failingFindings"])
		total += n
	}
	want := 0
	for _, n := range r.Summary.Findings {
		want += n
	}
	if total != want {
		t.Errorf("suites count %d failing findings, the summary %d", total, want)
	}
	fab := doc.Suites[1].Cases[1]
	if fab.Failure == nil || fab.Failure.Message != "1 failing finding(s), severity high (1 more waived)" {
		t.Errorf("O365G-004 of Fabrikam: %+v", fab.Failure)
	}
	if p := props(1); p["exportedAt"] != "2025-10-01T00:00:00Z" || p["age"] != "423 days" || p["stale"] != "true" {
		t.Errorf("Fabrikam's properties %v", p)
	}
	if p := props(2); p["stale"] != "unknown" || p["failingFindings"] != "" {
		t.Errorf("the broken snapshot's properties %v", p)
	}

	// Every finding waived: skipped, with the waiver.
	c := &r.Tenants[1].Controls[1]
	c.Findings[1].Waiver = c.Findings[0].Waiver
	c.Status = report.StatusWaived
	out, err = report.Render(Writer{}, r)
	if err != nil {
		t.Fatal(err)
	}
	doc.Suites = nil // Unmarshal appends
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	fab = doc.Suites[1].Cases[1]
	if fab.Failure != nil || fab.Skipped == nil || !strings.HasPrefix(fab.Skipped.Message, "waived: Licence ordered, PO 4711 (owner it-licensing@fabrikam.com, expires 2027-01-31) (2 finding(s))") {
		t.Errorf("a waived control: failure %+v, skipped %+v", fab.Failure, fab.Skipped)
	}
}

// TestUnknownControlStatusIsAnError: a control status no testcase element
// stands for is an error naming it, not a passing testcase.
func TestUnknownControlStatusIsAnError(t *testing.T) {
	t.Parallel()
	r := reporttest.Sample()
	r.Tenants[1].Controls[2].Status = "ok"
	_, err := report.Render(Writer{}, r)
	if err == nil || !strings.Contains(err.Error(), `unknown control O365G-016 status "ok"`) {
		t.Errorf("error %v, want one naming the status", err)
	}
}
