//go:build race

package reporttest

// The size of the spooled report the streaming tests write under the race
// detector, which is about ten times slower: fewer tenants, with more
// evidence (about 50 MB held in memory, twice the writers' bound).
const (
	StreamTenants  = 2_000
	StreamEvidence = 2_000
)
