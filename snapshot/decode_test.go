package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/tenantscan/tenantscan/internal/synthetic"
)

type decodeCase struct {
	name    string
	src     string
	want    any
	wantErr string // substring of the error; "" means success
}

// runDecodeCases runs decode on each case, in parallel subtests.
func runDecodeCases(t *testing.T, tests []decodeCase, decode func([]byte) (any, error)) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := decode([]byte(tc.src))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestDecodeYAML(t *testing.T) {
	t.Parallel()
	lim := DefaultLimits()
	tests := []decodeCase{
		{name: "scalars become JSON values",
			src:  "a: 1\nb: 2.5\nc: true\nd: null\ne: text\nf: 2026-11-20T08:00:00Z\ng: \"7.10\"\nh: 0x1F\n",
			want: map[string]any{"a": json.Number("1"), "b": json.Number("2.5"), "c": true, "d": nil, "e": "text", "f": "2026-11-20T08:00:00Z", "g": "7.10", "h": json.Number("31")}},
		{name: "lists and nested maps",
			src:  "users:\n  - {upn: a, roles: [x, y]}\n",
			want: map[string]any{"users": []any{map[string]any{"upn": "a", "roles": []any{"x", "y"}}}}},
		{name: "merge keys fill unset keys",
			src:  "base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n",
			want: map[string]any{"base": map[string]any{"x": json.Number("1"), "y": json.Number("2")}, "item": map[string]any{"x": json.Number("1"), "y": json.Number("3")}}},
		{name: "JSON is read as YAML too", src: `{"a": [1, "b"]}`, want: map[string]any{"a": []any{json.Number("1"), "b"}}},
		{name: "duplicate key names both lines", src: "a: 1\nb: 2\na: 3\n", wantErr: `3:1: /a: duplicate key "a" (first defined on line 1)`},
		{name: "empty file", src: "", wantErr: "the file is empty"},
		{name: "two documents", src: "a: 1\n---\nb: 2\n", wantErr: "one YAML document"},
		{name: "syntax error has a line", src: "a: [1, 2\nb: 3\n", wantErr: "invalid YAML"},
		{name: "NaN is not JSON", src: "a: .nan\n", wantErr: "/a: .nan is not a number JSON can hold"},
		{name: "non-scalar key", src: "? [a, b]\n: 1\n", wantErr: "a mapping key must be a plain string"},
		{name: "too deep", src: strings.Repeat("[", 70) + strings.Repeat("]", 70), wantErr: "nesting deeper than 64 levels"},
		{name: "alias bomb", src: synthetic.AliasBomb(9), wantErr: "YAML aliases expand to more than 100000 values"},
	}
	runDecodeCases(t, tests, func(src []byte) (any, error) {
		v, _, err := DecodeYAML(src, lim)
		return v, err
	})
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	lim := DefaultLimits()
	tests := []decodeCase{
		{name: "numbers stay exact", src: `{"n": 12345678901234567890, "f": 1.5}`,
			want: map[string]any{"n": json.Number("12345678901234567890"), "f": json.Number("1.5")}},
		{name: "syntax error names line and column", src: "{\n  \"a\": 1,\n  \"b\" 2\n}", wantErr: "3:7: invalid JSON"},
		{name: "truncated", src: `{"a": [1, 2`, wantErr: "unexpected end of JSON input"},
		{name: "trailing data", src: `{"a": 1} {"b": 2}`, wantErr: "unexpected data after the JSON document"},
		{name: "empty", src: "  \n", wantErr: "the file is empty"},
		{name: "too deep", src: `{"a":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`, wantErr: "nesting deeper than 64 levels"},
		{name: "duplicate key names both lines", src: "{\n  \"a\": 1,\n  \"b\": 2,\n  \"a\": 3\n}",
			wantErr: `4:3: /a: duplicate key "a" (first defined on line 2)`},
		{name: "duplicate key deep has its pointer", src: `{"users": [{"upn": "x"}, {"upn": "y", "roles": ["a,b"], "upn": "z"}]}`,
			wantErr: `1:57: /users/1/upn: duplicate key "upn" (first defined on line 1)`},
		{name: "an escaped name is the same name", src: `{"a~/b": 1, "a~\u002fb": 2}`,
			wantErr: `/a~0~1b: duplicate key "a~/b"`},
		{name: "a name ending in an escaped backslash", src: `{"a\\": {"b": 1}, "c\"": 2, "a\\": 3}`,
			wantErr: `1:29: /a\: duplicate key "a\\"`},
		{name: "duplicate among many members", src: manyMembers(40) + `, "k7": 0}`,
			wantErr: `/k7: duplicate key "k7"`},
		{name: "the same name in sibling objects and values is no duplicate",
			src:  `{"a": {"x": "a"}, "b": {"x": "\"}{,x"}, "c": [{"x": 1}, {"x": 2}], "d": "a"}`,
			want: map[string]any{"a": map[string]any{"x": "a"}, "b": map[string]any{"x": `"}{,x`}, "c": []any{map[string]any{"x": json.Number("1")}, map[string]any{"x": json.Number("2")}}, "d": "a"}},
	}
	runDecodeCases(t, tests, func(src []byte) (any, error) { return DecodeJSON(src, lim) })
}

func TestLocate(t *testing.T) {
	t.Parallel()
	src := "a:\n  b:\n    - x\n    - y: 1\n"
	_, tree, err := DecodeYAML([]byte(src), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ptr       string
		line, col int
	}{
		{"", 1, 1},
		{"/a/b/1/y", 4, 10},
		{"/a/b/0", 3, 7},
		{"/a/missing", 2, 3}, // deepest node reached: the value of a
	}
	for _, tc := range tests {
		line, col := Locate(tree, tc.ptr)
		if line != tc.line || col != tc.col {
			t.Errorf("locate(%q) = %d:%d, want %d:%d", tc.ptr, line, col, tc.line, tc.col)
		}
	}
}

func FuzzDecodeYAML(f *testing.F) {
	f.Add([]byte("a: [1, {b: c}]\n"))
	f.Add([]byte(synthetic.AliasBomb(3)))
	f.Add([]byte(`{"x": 1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, _, err := DecodeYAML(data, Limits{MaxBytes: 1 << 20, MaxDepth: 32, MaxAliasNodes: 10_000})
		if err == nil {
			if _, err := json.Marshal(v); err != nil {
				t.Fatalf("decoded value is not JSON-compatible: %v", err)
			}
		}
	})
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte(valid + "dynamics: [{name: a, users: [{userPrincipalName: u, roles: [r]}], securityRoles: []}]\n"))
	f.Add([]byte(`{"apiVersion": "tenantscan/v1", "groups": [{"connector": {"instance": 1}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		snap, err := Load(Source{Name: StdinName}, bytes.NewReader(data), Limits{MaxBytes: 1 << 20, MaxDepth: 32, MaxAliasNodes: 10_000})
		if err == nil && snap.TenantID == "" {
			t.Fatal("a valid snapshot without a tenant id")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "-") {
			t.Fatalf("error does not name the source: %v", err)
		}
	})
}

// manyMembers is an unterminated object of n members k0 … kn-1.
func manyMembers(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: %d", "k"+strconv.Itoa(i), i)
	}
	return b.String()
}

// BenchmarkDuplicateJSONKey measures the duplicate-name pass against the
// decoding it follows, on a 20,000-user snapshot.
func BenchmarkDuplicateJSONKey(b *testing.B) {
	data, err := json.MarshalIndent(synthetic.Tenant(20_000), "", "  ")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := DecodeJSON(data, DefaultLimits()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("duplicates only", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if dup := duplicateJSONKey(data); dup != nil {
				b.Fatal(dup)
			}
		}
	})
}

// FuzzDuplicateJSONKey: on any valid JSON, duplicateJSONKey never panics
// and agrees with a slow reference built on encoding/json's tokens.
func FuzzDuplicateJSONKey(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `{"a\\":{"b":[{"c":1,"c":2}]}}`, `["\"{", {"x": "}"}]`, `{"\u0061": 1, "a": 2}`, `"s"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		got := duplicateJSONKey(data) != nil
		if want := hasDuplicateKeyReference(t, data); got != want {
			t.Fatalf("duplicateJSONKey(%q) found one: %v, reference: %v", data, got, want)
		}
	})
}

func hasDuplicateKeyReference(t *testing.T, data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object bool
		names  map[string]bool
		key    bool // the next string is a name
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if top != nil && top.object {
					top.key = true
				}
				stack = append(stack, &frame{object: v == '{', names: map[string]bool{}, key: v == '{'})
			default:
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].object {
					stack[len(stack)-1].key = true
				}
			}
		case string:
			if top != nil && top.object && top.key {
				if top.names[v] {
					return true
				}
				top.names[v] = true
				top.key = false
				continue
			}
			if top != nil && top.object {
				top.key = true
			}
		default:
			if top != nil && top.object {
				top.key = true
			}
		}
	}
}
