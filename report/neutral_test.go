package report

import (
	"bytes"
	"testing"
)

func TestNeutralize(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain text, é and 日本\n\tkept", "plain text, é and 日本\n\tkept"},
		{"esc\x1b[31m nul\x00 cr\r del\x7f c1\u0085", "esc\uFFFD[31m nul\uFFFD cr\uFFFD del\uFFFD c1\uFFFD"},
		{"rlo\u202Eexe lri\u2066x\u2069 lrm\u200E alm\u061C", "rlo\uFFFDexe lri\uFFFDx\uFFFD lrm\uFFFD alm\uFFFD"},
		{"bad\xff\xfe utf8 \xe2\x82", "bad\uFFFD\uFFFD utf8 \uFFFD\uFFFD"},
	}
	for _, tc := range tests {
		if got := Neutralize(tc.in); got != tc.want {
			t.Errorf("Neutralize(%q) = %q, want %q", tc.in, got, tc.want)
		}
		// The writer agrees however the text is cut into writes, a
		// character split across two included.
		for _, step := range []int{1, 2, 3, len(tc.in)} {
			var buf bytes.Buffer
			nw := newNeutralWriter(&buf)
			for i := 0; i < len(tc.in); i += step {
				if _, err := nw.Write([]byte(tc.in[i:min(i+step, len(tc.in))])); err != nil {
					t.Fatal(err)
				}
			}
			if err := nw.Close(); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tc.want {
				t.Errorf("neutralWriter(%q) in writes of %d = %q, want %q", tc.in, step, got, tc.want)
			}
		}
	}
}
