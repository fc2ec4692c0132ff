package report

// What the external tests (package report_test) reach inside the package.
var (
	Summarize      = summarize
	DecodeTenant   = decodeTenant
	MarshalCompact = marshalCompact
)

// BaselineLen is the number of findings a baseline indexed.
func BaselineLen(b *Baseline) int { return len(b.findings) }
