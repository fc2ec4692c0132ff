//go:build race

package format_test

// The size of TestWritersStreamFromSpool's report under the race detector,
// which is about ten times slower: fewer tenants, with more evidence
// (about 50 MB held in memory, twice the bound).
const (
	streamTenants  = 2_000
	streamEvidence = 2_000
)
