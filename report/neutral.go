package report

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Text reports show snapshot text as it is, except for what could change
// how the rest is shown: control characters (escape sequences, NUL,
// carriage return …; newline and tab are kept), bidirectional controls
// (U+202E RIGHT-TO-LEFT OVERRIDE and its kin, which reorder what a reader
// sees) and bytes that are not UTF-8 each become U+FFFD. The CSV,
// Markdown, HTML and JUnit writers pass their whole output through
// neutralWriter; the table neutralises each field (it adds colour
// sequences of its own); the workbook cleans each cell.

// replacement is what a neutralised character becomes.
const replacement = "\uFFFD"

// neutralRune reports whether r is shown as itself.
func neutralRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return true
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return false
	case r == 0x061c || r == 0x200e || r == 0x200f,
		r >= 0x202a && r <= 0x202e,
		r >= 0x2066 && r <= 0x2069:
		return false
	case r == utf8.RuneError:
		return false
	}
	return true
}

// Neutralize returns s with every character that is not neutralRune, and
// every byte that is not UTF-8, replaced by U+FFFD. It is linear in s and
// returns s itself when nothing needs replacing.
func Neutralize(s string) string {
	for i, r := range s {
		if !neutralRune(r) {
			var b strings.Builder
			b.Grow(len(s) + 2)
			b.WriteString(s[:i])
			for _, r := range s[i:] {
				if neutralRune(r) {
					b.WriteRune(r)
				} else {
					b.WriteString(replacement)
				}
			}
			return b.String()
		}
	}
	return s
}

// neutralWriter neutralises a stream of UTF-8 text on its way to w; a
// character split across writes is kept until its last byte comes. Close
// flushes a trailing incomplete character (as U+FFFD); it does not close
// w.
type neutralWriter struct {
	w       io.Writer
	pending []byte // the start of a character split across writes
	buf     []byte
}

func newNeutralWriter(w io.Writer) *neutralWriter { return &neutralWriter{w: w} }

func (n *neutralWriter) Write(p []byte) (int, error) {
	data := p
	if len(n.pending) > 0 {
		data = append(n.pending, p...)
		n.pending = nil
	}
	out := n.buf[:0]
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				out = append(out, replacement...)
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		if !utf8.FullRune(data[i:]) {
			n.pending = append([]byte(nil), data[i:]...)
			break
		}
		r, size := utf8.DecodeRune(data[i:])
		if neutralRune(r) {
			out = append(out, data[i:i+size]...)
		} else {
			out = append(out, replacement...)
		}
		i += size
	}
	n.buf = out
	if _, err := n.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes U+FFFD for each byte of a character left incomplete, as
// Neutralize does.
func (n *neutralWriter) Close() error {
	if len(n.pending) == 0 {
		return nil
	}
	_, err := io.WriteString(n.w, strings.Repeat(replacement, len(n.pending)))
	n.pending = nil
	return err
}

// Neutrally runs write through a writer that neutralises its output on the
// way to w (see Neutralize), and flushes a trailing incomplete character.
// The text writers (CSV, Markdown, HTML, JUnit) write through it.
func Neutrally(w io.Writer, write func(io.Writer) error) error {
	nw := newNeutralWriter(w)
	if err := write(nw); err != nil {
		return err
	}
	return nw.Close()
}

// neutrally is Neutrally, for the HTML writer.
func neutrally(w io.Writer, write func(io.Writer) error) error { return Neutrally(w, write) }
