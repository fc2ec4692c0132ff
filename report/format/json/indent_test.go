package json

import (
	"bytes"
	stdjson "encoding/json"
	"testing"
)

// indentCases are JSON texts whose indentation must be encoding/json's.
var indentCases = []string{
	`{}`, `[]`, `null`, `"a"`, `1.5e3`, `true`,
	`{"a":1,"b":[1,2,{"c":null}],"d":{},"e":[],"f":"x,y:{z}[w]"}`,
	`{"esc":"quote \" backslash \\ and \u2028 \"]},"}`,
	`[[],[[]],{"a":{}},[{"b":[]}]]`,
	"{ \"spaced\" : [ 1 , 2 ] ,\n\t\"empty\" : [ ] , \"obj\" : { } }",
	`{"unicode":"é – 日本","html":"<a href=\"x\">&</a>"}`,
}

func TestAppendIndentIsIndent(t *testing.T) {
	t.Parallel()
	for _, src := range indentCases {
		for _, prefix := range []string{"", "    "} {
			var want bytes.Buffer
			if err := stdjson.Indent(&want, []byte(src), prefix, "  "); err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if got := appendIndent(nil, []byte(src), prefix); !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%q with prefix %q:\n got %s\nwant %s", src, prefix, got, want.Bytes())
			}
		}
	}
}

func FuzzAppendIndent(f *testing.F) {
	for _, src := range indentCases {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !stdjson.Valid(src) {
			return
		}
		src = bytes.TrimRight(src, " \t\r\n")
		var want bytes.Buffer
		if err := stdjson.Indent(&want, src, "    ", "  "); err != nil {
			return
		}
		if got := appendIndent(nil, src, "    "); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%q:\n got %s\nwant %s", src, got, want.Bytes())
		}
	})
}

// BenchmarkIndent: one findings-heavy tenant's JSON (about 2,300
// findings) indented as the report writes it.
func BenchmarkIndent(b *testing.B) {
	var findings []map[string]any
	for i := range 2300 {
		findings = append(findings, map[string]any{
			"msg": "user has no role with ISV Extensions at Global depth", "path": "/dynamics/0/users/" + string(rune('0'+i%10)),
			"resource": map[string]any{"kind": "dynamicsUser", "id": "sales/user@example.com"},
			"evidence": map[string]any{"instance": "sales", "roles": []string{"Salesperson"}, "isvExtensionsDepth": map[string]any{"Salesperson": "Local"}},
		})
	}
	src, err := stdjson.Marshal(map[string]any{"tenantId": "t", "controls": []any{map[string]any{"id": "O365G-011", "findings": findings}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encoding/json.Indent", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			if err := stdjson.Indent(&buf, src, "    ", "  "); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("appendIndent", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		var buf []byte
		for b.Loop() {
			buf = appendIndent(buf[:0], src, "    ")
		}
	})
}
