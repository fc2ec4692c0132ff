package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

// FindingSpool keeps findings in a temporary file, one line of JSON each
// (the encoding of the JSON report), in the order they are put: the
// findings a baseline lists as resolved, which can be most of the
// baseline's on a night a policy change resolves them, never sit whole in
// memory. It is written once, then read in order as often as needed (see
// Report.UseResolvedSpool). It is not safe for concurrent use.
type FindingSpool struct {
	f   *os.File
	w   *bufio.Writer
	n   int
	tmp tempFile
}

// NewFindingSpool creates a finding spool in dir ("" means the system's
// temporary folder); like NewSpool, it is unlinked at once where the
// system allows it, elsewhere Close removes it.
func NewFindingSpool(dir string) (*FindingSpool, error) {
	f, tmp, err := createTemp(dir, "tenantscan-resolved-*.jsonl", "resolved findings")
	if err != nil {
		return nil, err
	}
	return &FindingSpool{f: f, w: bufio.NewWriterSize(f, 64<<10), tmp: tmp}, nil
}

// Put appends a finding.
func (s *FindingSpool) Put(f *Finding) error {
	if s.f == nil {
		return errors.New("spool resolved finding: spool closed")
	}
	data, err := marshalCompact(f)
	if err != nil {
		return fmt.Errorf("spool resolved finding %s %s: %w", f.ControlID, f.Resource.ID, err)
	}
	if _, err := s.w.Write(data); err != nil {
		return fmt.Errorf("spool resolved finding: %w", err)
	}
	s.n++
	return nil
}

// Len is the number of findings put.
func (s *FindingSpool) Len() int { return s.n }

// each calls fn with the JSON of every finding (ending in a newline), in
// order, reusing one buffer: fn must not keep data.
func (s *FindingSpool) each(fn func(data []byte) error) error {
	if s.f == nil {
		return errors.New("read resolved findings: spool closed")
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("spool resolved finding: %w", err)
	}
	end, err := s.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("read spool %s: %w", s.tmp.name, err)
	}
	rd := bufio.NewReaderSize(io.NewSectionReader(s.f, 0, end), 64<<10)
	var long []byte // a line longer than the reader's buffer
	for read := 0; read < s.n; {
		line, err := rd.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, line...)
			continue
		}
		if err != nil {
			return fmt.Errorf("read spool %s: finding %d of %d: %w", s.tmp.name, read+1, s.n, err)
		}
		if len(long) > 0 {
			long = append(long, line...)
			line = long
		}
		if err := fn(line); err != nil {
			return err
		}
		long = long[:0]
		read++
	}
	return nil
}

// Close closes and removes the spool file.
func (s *FindingSpool) Close() error {
	if s == nil || s.f == nil {
		return nil
	}
	err := s.tmp.close(s.f)
	s.f = nil
	return err
}

// decodeFinding decodes the JSON of one finding as the JSON report and
// the spool write it; numbers stay exact (json.Number).
func decodeFinding(data []byte) (Finding, error) {
	var f Finding
	if err := decodeExact(data, &f); err != nil {
		return Finding{}, fmt.Errorf("read resolved finding: %w", err)
	}
	return f, nil
}

// UseResolvedSpool makes the report read its resolved findings from s
// instead of Resolved (which it empties). The report owns the spool from
// then on: Close removes it.
func (r *Report) UseResolvedSpool(s *FindingSpool) {
	r.Resolved, r.resolvedSpool = nil, s
}

// ResolvedCount is the number of resolved findings: what the summary's
// drift.resolved counts.
func (r *Report) ResolvedCount() int {
	if r.resolvedSpool != nil {
		return r.resolvedSpool.Len()
	}
	return len(r.Resolved)
}

// EachResolved calls fn with every resolved finding in order, stopping at
// the first error. A report whose resolved findings are spooled (see
// UseResolvedSpool) reads one at a time, so writers that iterate with
// EachResolved never hold the list. fn must not keep f after it returns.
func (r *Report) EachResolved(fn func(f *Finding) error) error {
	if r.resolvedSpool == nil {
		for i := range r.Resolved {
			if err := fn(&r.Resolved[i]); err != nil {
				return err
			}
		}
		return nil
	}
	return r.resolvedSpool.each(decoded(decodeFinding, fn))
}

// EachResolvedJSON calls fn with the compact JSON of every resolved
// finding (no HTML escaping, ending in a newline), in order, straight from
// the spool when there is one; fn must not keep data. The JSON writer
// streams with it.
func (r *Report) EachResolvedJSON(fn func(data []byte) error) error {
	if r.resolvedSpool == nil {
		return r.EachResolved(compacted[Finding](fn))
	}
	return r.resolvedSpool.each(fn)
}

// ResolvedNull reports whether the report has no resolved list at all
// (JSON null: a report read back without the member), as opposed to an
// empty one.
func (r *Report) ResolvedNull() bool {
	return r.resolvedSpool == nil && r.Resolved == nil
}
