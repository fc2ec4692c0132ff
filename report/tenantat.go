package report

import "fmt"

// EachTenantAt calls fn with the tenants at the given positions (indexes
// in report order, as EachTenant visits them), in the order given, one in
// memory at a time; it stops at the first error. Writers that sort rows
// across tenants (by severity, then tenant) read the tenants again in
// their own order with it instead of holding them all. fn must not keep t
// after it returns.
func (r *Report) EachTenantAt(order []int, fn func(t *Tenant) error) error {
	n := r.TenantCount()
	var buf []byte
	for _, i := range order {
		if i < 0 || i >= n {
			return fmt.Errorf("tenant %d of a report of %d", i, n)
		}
		if r.spool == nil {
			if err := fn(&r.Tenants[i]); err != nil {
				return err
			}
			continue
		}
		data, err := r.spool.raw(r.spooled[i], buf)
		if err != nil {
			return err
		}
		buf = data
		t, err := decodeTenant(data)
		if err != nil {
			return err
		}
		if err := fn(&t); err != nil {
			return err
		}
	}
	return nil
}
