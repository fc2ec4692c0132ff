package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Writer renders a report in one format. Implementations read only the
// report; they are safe for concurrent use when their options are not
// changed.
type Writer interface {
	Write(w io.Writer, r *Report) error
}

// JSON writes the report as indented JSON (schemaVersion 1), the contract
// other programs read.
type JSON struct{}

// Write implements Writer.
func (JSON) Write(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}

// Render runs a writer into memory, so that a failing writer leaves nothing
// half-written behind. A writer that panics returns an error instead.
func Render(wr Writer, r *Report) (_ []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("render %T report: internal error: %v", wr, p)
		}
	}()
	var buf bytes.Buffer
	if err := wr.Write(&buf, r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteFile writes data to path atomically (see WriteFileWith).
func WriteFile(path string, data []byte) error {
	return WriteFileWith(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFileWith streams what write produces to path atomically: into a
// temporary file in the same folder, synced, then renamed over path. A
// failure (or a panic in write) leaves any earlier file at path untouched
// and no temporary file behind. Streaming keeps large reports out of
// memory.
func WriteFileWith(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write %s: internal error: %v", path, p)
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	buf := bufio.NewWriterSize(tmp, 1<<20)
	if err = write(buf); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = buf.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Failures counts the unwaived failing findings whose control severity is
// at least minSeverity (critical, high, medium or low).
func (r *Report) Failures(minSeverity string) int {
	return r.countFailures(minSeverity, func(Finding) bool { return true })
}

func (r *Report) countFailures(minSeverity string, keep func(Finding) bool) int {
	min := SeverityRank(minSeverity)
	sev := make(map[string]int, len(r.Controls))
	for _, c := range r.Controls {
		sev[c.ID] = SeverityRank(c.Severity)
	}
	n := 0
	for _, t := range r.Tenants {
		for _, c := range t.Controls {
			if c.Status != StatusFail || sev[c.ID] < min {
				continue
			}
			for _, f := range c.Findings {
				if !f.Warning && !f.Waived() && keep(f) {
					n++
				}
			}
		}
	}
	return n
}

// Errors counts the tenants with status error.
func (r *Report) Errors() int {
	n := 0
	for _, t := range r.Tenants {
		if t.Status == TenantError {
			n++
		}
	}
	return n
}
