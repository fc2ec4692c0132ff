package report

import (
	"bytes"
	"fmt"
	"io"
)

// Writer renders a report in one format. Implementations read only the
// report; they are safe for concurrent use when their options are not
// changed.
type Writer interface {
	Write(w io.Writer, r *Report) error
}

// Render runs a writer into memory, so that a failing writer leaves nothing
// half-written behind. A writer that panics returns an error instead.
func Render(wr Writer, r *Report) (_ []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("render %T report: internal error: %v", wr, p)
		}
	}()
	var buf bytes.Buffer
	if err := wr.Write(&buf, r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Failures counts the unwaived failing findings whose control severity is
// at least minSeverity (critical, high, medium or low). It reads the
// summary.
func (r *Report) Failures(minSeverity string) int {
	return countAtLeast(r.Summary.Findings, minSeverity)
}

// countAtLeast sums counts by severity from minSeverity up.
func countAtLeast(bySeverity map[string]int, minSeverity string) int {
	min := SeverityRank(minSeverity)
	n := 0
	for sev, c := range bySeverity {
		if SeverityRank(sev) >= min {
			n += c
		}
	}
	return n
}

// Errors counts the tenants with status error. It reads the summary.
func (r *Report) Errors() int { return r.Summary.Error }
