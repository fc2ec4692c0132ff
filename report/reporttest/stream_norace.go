//go:build !race

package reporttest

// The size of the spooled report the streaming tests write (see Spooled):
// 10,000 tenants of ten findings with a kilobyte of evidence each.
const (
	StreamTenants  = 10_000
	StreamEvidence = 1_000
)
