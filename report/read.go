package report

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadStream decodes a JSON report written by the JSON writer (report/format/json) one tenant at a
// time: fn gets each tenant and the byte span it takes in r (the separator
// before it included). The report returned has every member but the
// tenants and the resolved findings, which are read one at a time and
// left out (see ReadStreamResolved), so a large report never sits whole
// in memory.
func ReadStream(r io.Reader, fn func(t *Tenant, start, end int64) error) (*Report, error) {
	return ReadStreamResolved(r, fn, nil)
}

// ReadStreamResolved is ReadStream that also calls resolved with each
// resolved finding, in order, one at a time (nil skips them). The report
// returned has no resolved findings (Resolved is nil): the caller keeps
// what resolved gets, spooled or counted, never the whole list.
func ReadStreamResolved(r io.Reader, fn func(t *Tenant, start, end int64) error, resolved func(f *Finding) error) (*Report, error) {
	dec := json.NewDecoder(bufio.NewReader(r))
	dec.UseNumber()
	fail := func(err error) (*Report, error) {
		return nil, fmt.Errorf("read report: at byte %d: %w", dec.InputOffset(), err)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fail(cmp.Or(err, errors.New("not a JSON object")))
	}
	rest := map[string]json.RawMessage{}
	version := 0
	sawTenants, sawResolved := false, false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		name, _ := key.(string)
		// encoding/json matches member names case-insensitively; so does
		// this, so that ReadStream and Read agree on every report.
		switch {
		case strings.EqualFold(name, "schemaVersion"):
			if err := dec.Decode(&version); err != nil {
				return fail(err)
			}
			if version != SchemaVersion {
				return nil, fmt.Errorf("read report: schemaVersion %d, want %d", version, SchemaVersion)
			}
		case strings.EqualFold(name, "tenants"):
			null, err := openArray(dec, "tenants", &sawTenants)
			if err != nil {
				return fail(err)
			}
			if null {
				continue
			}
			for dec.More() {
				start := dec.InputOffset()
				var t Tenant
				if err := dec.Decode(&t); err != nil {
					return fail(err)
				}
				if err := t.CheckStatuses(); err != nil {
					return fail(err)
				}
				if err := fn(&t, start, dec.InputOffset()); err != nil {
					return nil, err
				}
			}
			if _, err := dec.Token(); err != nil {
				return fail(err)
			}
		case strings.EqualFold(name, "resolved"):
			null, err := openArray(dec, "resolved", &sawResolved)
			if err != nil {
				return fail(err)
			}
			if null {
				continue
			}
			for dec.More() {
				if resolved == nil {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return fail(err)
					}
					continue
				}
				var f Finding
				if err := dec.Decode(&f); err != nil {
					return fail(err)
				}
				if err := resolved(&f); err != nil {
					return nil, err
				}
			}
			if _, err := dec.Token(); err != nil {
				return fail(err)
			}
		default:
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return fail(err)
			}
			rest[name] = raw
		}
	}
	if version != SchemaVersion {
		return nil, fmt.Errorf("read report: schemaVersion %d, want %d", version, SchemaVersion)
	}
	head, err := json.Marshal(rest)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	var rep Report
	dec = json.NewDecoder(bytes.NewReader(head))
	dec.UseNumber()
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	rep.SchemaVersion = version
	return &rep, nil
}

// openArray reads the opening of the array member name: null (true), or
// '[' (false, its values follow). A member seen twice, or not an array,
// is an error.
func openArray(dec *json.Decoder, name string, seen *bool) (null bool, err error) {
	if *seen {
		return false, fmt.Errorf("the %s member appears twice", name)
	}
	*seen = true
	tok, err := dec.Token()
	if err != nil {
		return false, err
	}
	if tok == nil {
		return true, nil
	}
	if tok != json.Delim('[') {
		return false, fmt.Errorf("%s is not an array", name)
	}
	return false, nil
}
