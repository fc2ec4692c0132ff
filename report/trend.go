package report

import "time"

// TrendPoint is one earlier run, from the run history (scan --history):
// the reports show the last runs before this one as a trend.
type TrendPoint struct {
	At      time.Time `json:"at"`
	RunID   string    `json:"runId"`
	Tenants int       `json:"tenants"`
	Ready   int       `json:"ready"`
	Errors  int       `json:"errors"`
	// Findings counts the unwaived failing findings by severity.
	Findings map[string]int `json:"findings"`
}
