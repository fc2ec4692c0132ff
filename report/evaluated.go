package report

// Evaluated reports whether a control status is a verdict (pass, fail,
// warn or waived): only then are its findings comparable across runs. A
// control in error or skipped says nothing about its findings.
func Evaluated(status string) bool { return evaluated(status) }

// NewBaselineFrom builds a baseline from tenants kept elsewhere, such as a
// history database: each calls fn with every baseline tenant in turn (only
// the controls and findings matter), and tenant(i) returns the i-th of
// them again, for Resolved. Memory is the same as for a baseline file:
// about 100 bytes per baseline finding.
func NewBaselineFrom(each func(fn func(*Tenant) error) error, tenant func(i int) (Tenant, error)) (*Baseline, error) {
	b := newBaseline()
	n := 0
	if err := each(func(t *Tenant) error { b.add(n, t); n++; return nil }); err != nil {
		return nil, err
	}
	b.tenant = tenant
	return b, nil
}
