package report_test

import (
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/report"
	csvreport "github.com/tenantscan/tenantscan/report/format/csv"
	"github.com/tenantscan/tenantscan/report/reporttest"
)

// TestWaivedFindingNeverReadsAsFailure: in the CSV (and so the workbook's
// Findings sheet, which reads the same rows) a waived finding has status
// waived, the other finding of the same failing control fail, and the
// rows with status fail add up to the summary's failures.
func TestWaivedFindingNeverReadsAsFailure(t *testing.T) {
	t.Parallel()
	r := reporttest.Sample()
	r.Tenants[1].Controls[1].Findings[0].Waiver = &report.Waiver{Reason: "migration planned", Owner: "it", Expires: "2999-01-01"}
	var err error
	if r.Summary, err = report.Summarize(r, false); err != nil {
		t.Fatal(err)
	}
	statuses := map[string]string{}
	fails := 0
	err = report.EachFindingRow(r, func(row report.FindingRow) error {
		statuses[row.ResourceID] = row.Status
		if row.Status == report.StatusFail {
			fails++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if statuses["bob@fabrikam.com"] != report.StatusWaived || statuses["gustav@fabrikam.com"] != report.StatusFail {
		t.Errorf("row statuses %v: want bob waived, gustav fail", statuses)
	}
	total := 0
	for _, n := range r.Summary.Findings {
		total += n
	}
	if fails != total {
		t.Errorf("%d rows fail, the summary counts %d failures", fails, total)
	}
	out, err := report.Render(csvreport.Writer{}, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "bob@fabrikam.com") && !strings.Contains(line, ",waived,") {
			t.Errorf("CSV row of a waived finding: %s", line)
		}
	}
}
