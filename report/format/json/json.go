// Package json writes a report as JSON (schemaVersion 1), the contract
// other programs and the next run read.
package json

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/tenantscan/tenantscan/report"
)

// Writer writes the report as indented JSON (schemaVersion 1), the contract
// other programs read. It streams: one tenant and one resolved finding at
// a time is encoded, so a large report never sits whole in memory.
type Writer struct{}

// Write implements report.Writer.
func (Writer) Write(w io.Writer, r *report.Report) error {
	bw := bufio.NewWriter(w)
	jw := &jsonStream{w: bw}
	jw.raw("{\n")
	jw.field("schemaVersion", r.SchemaVersion, false)
	jw.field("tool", r.Tool, false)
	jw.field("startedAt", r.StartedAt, false)
	jw.field("finishedAt", r.FinishedAt, false)
	jw.field("controls", r.Controls, false)
	jw.array("tenants", r.TenantCount(), !r.Spooled() && r.Tenants == nil, r.EachTenantJSON)
	// The resolved findings stream the same way, from their spool when
	// there is one.
	jw.array("resolved", r.ResolvedCount(), r.ResolvedNull(), r.EachResolvedJSON)
	// The optional members, in order; the last one written ends the object.
	type member struct {
		name string
		v    any
	}
	var tail []member
	if len(r.Superseded) > 0 {
		tail = append(tail, member{"superseded", r.Superseded})
	}
	if len(r.UnusedWaivers) > 0 {
		tail = append(tail, member{"unusedWaivers", r.UnusedWaivers})
	}
	if len(r.Parameters) > 0 {
		tail = append(tail, member{"parameters", r.Parameters})
	}
	if len(r.Waivers) > 0 {
		tail = append(tail, member{"waivers", r.Waivers})
	}
	if r.Policy != nil {
		tail = append(tail, member{"policy", r.Policy})
	}
	if len(r.Trend) > 0 {
		tail = append(tail, member{"trend", r.Trend})
	}
	jw.field("summary", r.Summary, len(tail) == 0)
	for i, m := range tail {
		jw.field(m.name, m.v, i == len(tail)-1)
	}
	jw.raw("}\n")
	if jw.err == nil {
		jw.err = bw.Flush()
	}
	if jw.err != nil {
		return fmt.Errorf("write json report: %w", jw.err)
	}
	return nil
}

// jsonStream writes indented JSON piece by piece, as encoding/json would
// write the whole report (two-space indent, no HTML escaping).
type jsonStream struct {
	w   *bufio.Writer
	err error
	buf []byte // the value being indented, reused
}

// array writes the member name as an array of n compact JSON values,
// each re-indented, that each gives one at a time; null (when n is 0 and
// null is true) or [] when there are none. It ends the member with a
// comma: more members follow.
func (j *jsonStream) array(name string, n int, null bool, each func(func([]byte) error) error) {
	j.raw(`  "` + name + `": `)
	switch {
	case n == 0 && null:
		j.raw("null")
	case n == 0:
		j.raw("[]")
	default:
		j.raw("[\n")
		i := 0
		err := each(func(data []byte) error {
			j.raw("    ")
			j.indented(data, "    ")
			if i++; i < n {
				j.raw(",")
			}
			j.raw("\n")
			return j.err
		})
		if j.err == nil {
			j.err = err
		}
		j.raw("  ]")
	}
	j.raw(",\n")
}

func (j *jsonStream) raw(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

// value writes v indented as if nested at prefix.
func (j *jsonStream) value(v any, prefix string) {
	if j.err != nil {
		return
	}
	var data []byte
	if data, j.err = compact(v); j.err == nil {
		j.indented(data, prefix)
	}
}

// indented writes compact JSON indented as if nested at prefix, exactly as
// value would have encoded it.
func (j *jsonStream) indented(data []byte, prefix string) {
	if j.err != nil {
		return
	}
	j.buf = appendIndent(j.buf[:0], bytes.TrimSuffix(data, []byte("\n")), prefix)
	_, j.err = j.w.Write(j.buf)
}

// compact encodes v as the JSON report does (no HTML escaping),
// ending in a newline.
func compact(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// field writes one top-level member.
func (j *jsonStream) field(name string, v any, last bool) {
	j.raw(`  "` + name + `": `)
	j.value(v, "  ")
	if last {
		j.raw("\n")
	} else {
		j.raw(",\n")
	}
}
