package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Spool keeps finished tenants in a temporary file, so that a scan of
// thousands of tenants holds in memory only the tenants being evaluated,
// never all of their results. Each tenant is stored as one line of JSON,
// in the encoding of the JSON report; Get reads it back.
type Spool struct {
	mu  sync.Mutex
	f   *os.File
	end int64
	tmp tempFile
}

// tempFile is a spool's file: unlinked at once where the system allows it
// (Unix), so a killed run leaves nothing; elsewhere close removes it.
type tempFile struct {
	name    string
	removed bool
}

// createTemp creates a spool file in dir ("" means the system's temporary
// folder) named after pattern; what names its contents in the error.
func createTemp(dir, pattern, what string) (*os.File, tempFile, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, tempFile{}, fmt.Errorf("create spool for %s (TMPDIR must be writable): %w", what, err)
	}
	return f, tempFile{name: f.Name(), removed: os.Remove(f.Name()) == nil}, nil
}

// close closes f and removes the file where it was not unlinked at once.
func (t tempFile) close(f *os.File) error {
	err := f.Close()
	if !t.removed {
		if rmErr := os.Remove(t.name); err == nil {
			err = rmErr
		}
	}
	return err
}

// SpoolRef locates one tenant in a spool.
type SpoolRef struct{ off, n int64 }

// NewSpool creates a spool file in dir ("" means the system's temporary
// folder). Where the system allows it (Unix), the file is unlinked at once
// and lives only as long as the open descriptor, so a killed run leaves
// nothing behind; elsewhere Close removes it.
func NewSpool(dir string) (*Spool, error) {
	f, tmp, err := createTemp(dir, "tenantscan-spool-*.jsonl", "finished tenants")
	if err != nil {
		return nil, err
	}
	return &Spool{f: f, tmp: tmp}, nil
}

// Put appends a tenant and returns where it is. It is safe for concurrent
// use; the encoding happens outside the lock.
func (s *Spool) Put(t *Tenant) (SpoolRef, error) {
	data, err := marshalCompact(t)
	if err != nil {
		return SpoolRef{}, fmt.Errorf("spool tenant %s: %w", t.Snapshot, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return SpoolRef{}, fmt.Errorf("spool tenant %s: spool closed", t.Snapshot)
	}
	if _, err := s.f.Write(data); err != nil {
		return SpoolRef{}, fmt.Errorf("spool tenant %s: %w", t.Snapshot, err)
	}
	ref := SpoolRef{off: s.end, n: int64(len(data))}
	s.end += ref.n
	return ref, nil
}

// raw returns the JSON of a spooled tenant (ending in a newline).
func (s *Spool) raw(ref SpoolRef, buf []byte) ([]byte, error) {
	if int64(cap(buf)) < ref.n {
		buf = make([]byte, ref.n)
	}
	buf = buf[:ref.n]
	if _, err := s.f.ReadAt(buf, ref.off); err != nil && err != io.EOF {
		return nil, fmt.Errorf("read spool %s: %w", s.tmp.name, err)
	}
	return buf, nil
}

// Get reads a spooled tenant back. Numbers in evidence come back as
// json.Number, as the engine produced them.
func (s *Spool) Get(ref SpoolRef) (Tenant, error) {
	data, err := s.raw(ref, nil)
	if err != nil {
		return Tenant{}, err
	}
	return DecodeTenant(data)
}

// DecodeTenant decodes the JSON of one tenant as the JSON report and the
// spool write it; numbers stay exact (json.Number), and a status that is
// not known is an error (see Tenant.CheckStatuses).
func DecodeTenant(data []byte) (Tenant, error) {
	var t Tenant
	if err := decodeExact(data, &t); err != nil {
		return Tenant{}, fmt.Errorf("read spooled tenant: %w", err)
	}
	if err := t.CheckStatuses(); err != nil {
		return Tenant{}, fmt.Errorf("read spooled tenant: %w", err)
	}
	return t, nil
}

// decodeTenantWithoutEvidence is DecodeTenant leaving every finding's
// Evidence nil. It decodes with the JSON v2 engine (go-json-experiment,
// the upstream of Go's encoding/json/v2), which skips a value without
// building it: about a third of DecodeTenant's time on a findings-heavy
// tenant. Evidence is the tenant's only map[string]any, so the one
// unmarshaler below skips exactly it.
func decodeTenantWithoutEvidence(data []byte) (Tenant, error) {
	var t Tenant
	if err := jsonv2.Unmarshal(data, &t, skipEvidence); err != nil {
		return Tenant{}, fmt.Errorf("read spooled tenant: %w", err)
	}
	if err := t.CheckStatuses(); err != nil {
		return Tenant{}, fmt.Errorf("read spooled tenant: %w", err)
	}
	return t, nil
}

var skipEvidence = jsonv2.WithUnmarshalers(jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, _ *map[string]any) error {
	return dec.SkipValue()
}))

// Close closes and removes the spool file.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.tmp.close(s.f)
	s.f = nil
	return err
}

// decodeExact decodes JSON as the JSON report and the spools write it,
// numbers exact (json.Number).
func decodeExact(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

// decoded turns fn, which takes a value, into a reader of the spools' raw
// JSON: each item is decoded with decode first.
func decoded[T any](decode func([]byte) (T, error), fn func(*T) error) func([]byte) error {
	return func(data []byte) error {
		v, err := decode(data)
		if err != nil {
			return err
		}
		return fn(&v)
	}
}

// compacted turns fn, which takes JSON, into a reader of values: each is
// encoded as the JSON report does first (marshalCompact).
func compacted[T any](fn func([]byte) error) func(*T) error {
	return func(v *T) error {
		data, err := marshalCompact(v)
		if err != nil {
			return err
		}
		return fn(data)
	}
}

// marshalCompact encodes v as the JSON report does (no HTML escaping),
// ending in a newline.
func marshalCompact(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
