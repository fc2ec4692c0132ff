package report

// UseSpool makes the report read its tenants, in the order of refs, from
// a spool instead of Tenants. The report owns the spool from then on:
// Close removes it.
func (r *Report) UseSpool(s *Spool, refs []SpoolRef) {
	r.Tenants, r.spool, r.spooled = nil, s, refs
}

// Spooled reports whether the report reads its tenants from a spool file
// (see UseSpool) rather than from memory.
func (r *Report) Spooled() bool { return r.spool != nil }

// TenantCount is the number of tenants in the report.
func (r *Report) TenantCount() int {
	if r.spool != nil {
		return len(r.spooled)
	}
	return len(r.Tenants)
}

// EachTenant calls fn with every tenant in order, stopping at the first
// error. A spooled report reads one tenant at a time, so writers that
// iterate with EachTenant never hold every tenant in memory. t is not
// reused after fn returns, so fn may hand it on (the history writes one
// tenant while the next is read), but every tenant kept costs its memory.
func (r *Report) EachTenant(fn func(t *Tenant) error) error {
	if r.spool == nil {
		for i := range r.Tenants {
			if err := fn(&r.Tenants[i]); err != nil {
				return err
			}
		}
		return nil
	}
	return r.eachSpooled(decoded(DecodeTenant, fn))
}

// EachTenantWithoutEvidence is EachTenant for readers that never show a
// finding's evidence (the run history): read from a spool, each finding's
// Evidence is skipped rather than decoded, and is nil. Decoding evidence
// is about half the cost of reading a findings-heavy tenant back. A report
// in memory gives its tenants as they are.
func (r *Report) EachTenantWithoutEvidence(fn func(t *Tenant) error) error {
	if r.spool == nil {
		return r.EachTenant(fn)
	}
	return r.eachSpooled(decoded(decodeTenantWithoutEvidence, fn))
}

// EachTenantJSON calls fn with the compact JSON of every tenant (no HTML
// escaping, ending in a newline), in order, straight from the spool when
// there is one; fn must not keep data. The JSON writer streams with it.
func (r *Report) EachTenantJSON(fn func(data []byte) error) error {
	if r.spool == nil {
		return r.EachTenant(compacted[Tenant](fn))
	}
	return r.eachSpooled(fn)
}

// eachSpooled calls fn with the JSON of every spooled tenant, in order,
// reusing one buffer: fn must not keep data.
func (r *Report) eachSpooled(fn func(data []byte) error) error {
	var buf []byte
	for _, ref := range r.spooled {
		data, err := r.spool.raw(ref, buf)
		if err != nil {
			return err
		}
		buf = data
		if err := fn(data); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the report's spools (tenants and resolved findings), if
// it has them.
func (r *Report) Close() error {
	var err error
	if r.spool != nil {
		err = r.spool.Close()
	}
	if rerr := r.resolvedSpool.Close(); err == nil {
		err = rerr
	}
	return err
}

// Unevaluated reports whether no control of the tenant could be evaluated
// (its snapshot was rejected): reports then show the error, not the
// controls.
func (t Tenant) Unevaluated() bool {
	for _, c := range t.Controls {
		if c.Status != StatusError {
			return false
		}
	}
	return len(t.Controls) > 0
}

// Tenant returns tenant i (in report order) again, from memory or from
// the spool; i must be below TenantCount.
func (r *Report) Tenant(i int) (Tenant, error) {
	if r.spool == nil {
		return r.Tenants[i], nil
	}
	return r.spool.Get(r.spooled[i])
}
