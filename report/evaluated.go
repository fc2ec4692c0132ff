package report

// Evaluated reports whether a control status is a verdict (pass, fail,
// warn or waived): only then are its findings comparable across runs. A
// control in error or skipped says nothing about its findings.
func Evaluated(status string) bool {
	return status == StatusPass || status == StatusFail || status == StatusWarn || status == StatusWaived
}
