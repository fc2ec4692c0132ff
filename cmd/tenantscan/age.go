package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tenantscan/tenantscan/report"
)

// maxAgeFlag is --max-age: a number of days ("30d", "30") or a Go
// duration ("72h"); 0 turns staleness off.
type maxAgeFlag struct{ d time.Duration }

func (m *maxAgeFlag) String() string {
	if m.d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", m.d/(24*time.Hour))
	}
	return m.d.String()
}

func (m *maxAgeFlag) Set(s string) error {
	d, err := parseMaxAge(s)
	if err != nil {
		return err
	}
	m.d = d
	return nil
}

func (m *maxAgeFlag) Type() string { return "age" }

func parseMaxAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil {
		if n < 0 {
			return 0, fmt.Errorf("%q: want 0 or more days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q: want days (30d) or a duration (72h); 0 turns the check off", s)
	}
	return d, nil
}

// ageParameter records --max-age in the report.
func (m *maxAgeFlag) parameter() report.Parameter {
	if m.d == 0 {
		return report.Parameter{Name: "max-age", Value: "off"}
	}
	return report.Parameter{Name: "max-age", Value: m.String()}
}

// staleError is the exit error of --fail-on-stale: a snapshot older than
// --max-age, or of unknown age, counts as a snapshot in error.
func staleError(rep *report.Report) error {
	n := rep.Summary.Stale + rep.Summary.AgeUnknown
	if n == 0 {
		return nil
	}
	return &exitCodeError{code: exitError, err: fmt.Errorf("%d of %d snapshot(s) are stale or of unknown age (--fail-on-stale): %d older than --max-age, %d without a usable exportedAt",
		n, rep.TenantCount(), rep.Summary.Stale, rep.Summary.AgeUnknown)}
}
