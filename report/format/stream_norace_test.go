//go:build !race

package format_test

// The size of TestWritersStreamFromSpool's report: 10,000 tenants of ten
// findings with a kilobyte of evidence each.
const (
	streamTenants  = 10_000
	streamEvidence = 1_000
)
