package json

import "bytes"

// appendIndent appends valid JSON src to dst, indented with two spaces per
// level as if nested at prefix: byte for byte what encoding/json.Indent
// writes for src without trailing whitespace (empty objects and arrays
// stay {} and [], strings are copied as they are). Unlike Indent it does
// not validate src — every caller passes JSON this program encoded — and
// it runs about five times faster, which is the serial part of writing a
// large report: the tenants are indented one after another after the scan
// (BenchmarkIndent; FuzzAppendIndent holds it to Indent).
func appendIndent(dst, src []byte, prefix string) []byte {
	depth := 0
	// line is a newline, the prefix and enough indentation for depth.
	line := append(make([]byte, 0, 1+len(prefix)+32), '\n')
	line = append(line, prefix...)
	base := len(line)
	newline := func() {
		need := base + 2*depth
		for len(line) < need {
			line = append(line, ' ', ' ')
		}
		dst = append(dst, line[:need]...)
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			// Copy the string whole: it ends at the first quote not
			// escaped, one after an even number of backslashes.
			j := i + 1
			for {
				k := bytes.IndexByte(src[j:], '"')
				if k < 0 {
					j = len(src) - 1
					break
				}
				j += k
				n := 0
				for n < j-i-1 && src[j-1-n] == '\\' {
					n++
				}
				if n%2 == 0 {
					break
				}
				j++
			}
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			// An empty object or array stays on its line.
			k := i + 1
			for k < len(src) && isSpace(src[k]) {
				k++
			}
			if k < len(src) && (src[k] == '}' || src[k] == ']') {
				dst = append(dst, c, src[k])
				i = k
				continue
			}
			dst = append(dst, c)
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, ':', ' ')
		default:
			// Insignificant whitespace is dropped: the indentation
			// replaces it.
			if !isSpace(c) {
				dst = append(dst, c)
			}
		}
	}
	return dst
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
