package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Limits bounds what the loader accepts from one snapshot, so that a hostile
// or broken file is rejected with a message instead of exhausting memory.
type Limits struct {
	// MaxBytes is the largest snapshot file accepted.
	MaxBytes int64
	// MaxDepth is the deepest nesting of objects and arrays accepted.
	MaxDepth int
	// MaxAliasNodes bounds the values that YAML aliases may expand to.
	MaxAliasNodes int
}

// DefaultLimits are the limits used when none are given: 256 MiB, nesting 64
// deep, and 100,000 values reached through YAML aliases.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 256 << 20, MaxDepth: 64, MaxAliasNodes: 100_000}
}

// PosError is a decoding or validation problem at one place in a document.
type PosError struct {
	Pointer string // JSON pointer of the value, "" for the whole document
	Line    int    // 1-based; 0 when unknown
	Column  int
	Msg     string
}

func (e *PosError) Error() string { return e.in("") }

// in formats the problem as file:line:column: pointer: message, leaving out
// what is unknown.
func (e *PosError) in(file string) string {
	var b strings.Builder
	if file != "" {
		b.WriteString(file)
		b.WriteString(":")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, "%d:", e.Column)
		}
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if e.Pointer != "" {
		b.WriteString(e.Pointer)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// pointerJoin appends one reference token to a JSON pointer (RFC 6901).
func pointerJoin(ptr, token string) string {
	token = strings.ReplaceAll(token, "~", "~0")
	token = strings.ReplaceAll(token, "/", "~1")
	return ptr + "/" + token
}

// DecodeYAML parses one YAML document into JSON-compatible values
// (map[string]any, []any, string, json.Number, bool, nil) and returns the
// node tree too, for locating later errors.
func DecodeYAML(data []byte, lim Limits) (any, *yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, &PosError{Msg: "the file is empty"}
		}
		return nil, nil, YAMLSyntaxError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, nil, &PosError{Line: extra.Line, Column: extra.Column,
			Msg: "a snapshot file holds one YAML document; found a second one"}
	} else if !errors.Is(err, io.EOF) {
		return nil, nil, YAMLSyntaxError(err)
	}
	c := yamlConverter{lim: lim}
	v, err := c.value(&doc, "", 0)
	if err != nil {
		return nil, nil, err
	}
	return v, &doc, nil
}

var (
	yamlLine      = regexp.MustCompile(`^yaml: line (\d+): `)
	yamlUnmarshal = regexp.MustCompile(`line (\d+): (.*?)(?: in type [\w.]+)?$`)
)

// YAMLSyntaxError moves the line number of a yaml.v3 error into the position.
func YAMLSyntaxError(err error) *PosError {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &PosError{Line: line, Msg: "invalid YAML: " + msg[len(m[0]):]}
	}
	if strings.HasPrefix(msg, "yaml: unmarshal errors:") {
		// Typed decoding (KnownFields): report the first problem.
		first := strings.TrimSpace(strings.SplitN(strings.TrimPrefix(msg, "yaml: unmarshal errors:"), "\n", 3)[1])
		if m := yamlUnmarshal.FindStringSubmatch(first); m != nil {
			line, _ := strconv.Atoi(m[1])
			return &PosError{Line: line, Msg: m[2]}
		}
	}
	return &PosError{Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

type yamlConverter struct {
	lim        Limits
	aliasDepth int // > 0 while expanding an alias
	aliasNodes int // values produced while expanding aliases
}

func (c *yamlConverter) value(n *yaml.Node, ptr string, depth int) (any, error) {
	if c.aliasDepth > 0 {
		c.aliasNodes++
		if c.aliasNodes > c.lim.MaxAliasNodes {
			return nil, &PosError{Pointer: ptr, Line: n.Line, Column: n.Column,
				Msg: fmt.Sprintf("YAML aliases expand to more than %d values", c.lim.MaxAliasNodes)}
		}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, &PosError{Msg: "the file is empty"}
		}
		return c.value(n.Content[0], ptr, depth)
	case yaml.AliasNode:
		c.aliasDepth++
		defer func() { c.aliasDepth-- }()
		return c.value(n.Alias, ptr, depth)
	case yaml.MappingNode:
		if depth >= c.lim.MaxDepth {
			return nil, c.tooDeep(n, ptr)
		}
		return c.mapping(n, ptr, depth)
	case yaml.SequenceNode:
		if depth >= c.lim.MaxDepth {
			return nil, c.tooDeep(n, ptr)
		}
		out := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			v, err := c.value(item, pointerJoin(ptr, strconv.Itoa(i)), depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		return scalar(n, ptr)
	}
	return nil, &PosError{Pointer: ptr, Line: n.Line, Column: n.Column, Msg: "unsupported YAML node"}
}

func (c *yamlConverter) tooDeep(n *yaml.Node, ptr string) error {
	return &PosError{Pointer: ptr, Line: n.Line, Column: n.Column,
		Msg: fmt.Sprintf("nesting deeper than %d levels", c.lim.MaxDepth)}
}

func (c *yamlConverter) mapping(n *yaml.Node, ptr string, depth int) (map[string]any, error) {
	out := make(map[string]any, len(n.Content)/2)
	seen := make(map[string]int, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, &PosError{Pointer: ptr, Line: k.Line, Column: k.Column,
				Msg: "a mapping key must be a plain string"}
		}
		if line, dup := seen[k.Value]; dup {
			return nil, &PosError{Pointer: pointerJoin(ptr, k.Value), Line: k.Line, Column: k.Column,
				Msg: fmt.Sprintf("duplicate key %q (first defined on line %d)", k.Value, line)}
		}
		seen[k.Value] = k.Line
		val, err := c.value(v, pointerJoin(ptr, k.Value), depth+1)
		if err != nil {
			return nil, err
		}
		out[k.Value] = val
	}
	// Merge keys (<<: *anchor) fill in keys the mapping does not set itself.
	for _, m := range merges {
		sources := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			sources = m.Content
		}
		for _, s := range sources {
			v, err := c.value(s, ptr, depth)
			if err != nil {
				return nil, err
			}
			obj, ok := v.(map[string]any)
			if !ok {
				return nil, &PosError{Pointer: ptr, Line: s.Line, Column: s.Column,
					Msg: "a YAML merge key (<<) must refer to a mapping"}
			}
			for key, val := range obj {
				if _, set := out[key]; !set {
					out[key] = val
				}
			}
		}
	}
	return out, nil
}

func scalar(n *yaml.Node, ptr string) (any, error) {
	fail := func(msg string) error {
		return &PosError{Pointer: ptr, Line: n.Line, Column: n.Column, Msg: msg}
	}
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, fail(err.Error())
		}
		return b, nil
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return json.Number(strconv.FormatInt(i, 10)), nil
		}
		var u uint64
		if err := n.Decode(&u); err == nil {
			return json.Number(strconv.FormatUint(u, 10)), nil
		}
		return nil, fail(fmt.Sprintf("integer %s is out of range", n.Value))
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, fail(err.Error())
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fail(fmt.Sprintf("%s is not a number JSON can hold", n.Value))
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	default: // !!str, !!timestamp, !!binary and custom tags keep their text
		return n.Value, nil
	}
}

// DecodeJSON parses one JSON document into JSON-compatible values, numbers as
// json.Number, and enforces the depth limit. A name repeated in one object
// is an error, as in YAML (encoding/json would keep the last silently).
func DecodeJSON(data []byte, lim Limits) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &PosError{Msg: "the file is empty"}
		}
		return nil, jsonSyntaxError(data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := lineColumn(data, dec.InputOffset())
		return nil, &PosError{Line: line, Column: col, Msg: "unexpected data after the JSON document"}
	}
	if ptr, deep := tooDeep(v, "", 0, lim.MaxDepth); deep {
		return nil, &PosError{Pointer: ptr, Msg: fmt.Sprintf("nesting deeper than %d levels", lim.MaxDepth)}
	}
	if dup := duplicateJSONKey(data); dup != nil {
		return nil, dup
	}
	return v, nil
}

func jsonSyntaxError(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		// Offset counts the bytes read, the offending one included.
		line, col := lineColumn(data, max(syn.Offset-1, 0))
		return &PosError{Line: line, Column: col, Msg: "invalid JSON: " + syn.Error()}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := lineColumn(data, int64(len(data)))
		return &PosError{Line: line, Column: col, Msg: "unexpected end of JSON input"}
	}
	return &PosError{Msg: err.Error()}
}

// lineColumn turns a byte offset into a 1-based line and column.
func lineColumn(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// tooDeep reports the pointer of the first value nested deeper than max.
// The path is kept as tokens and joined only when something is too deep:
// the common case allocates nothing.
func tooDeep(v any, ptr string, depth, max int) (string, bool) {
	var path []string
	if !deeper(v, depth, max, &path) {
		return "", false
	}
	for i := len(path) - 1; i >= 0; i-- {
		ptr = pointerJoin(ptr, path[i])
	}
	return ptr, true
}

// deeper reports whether v nests deeper than max; path gets the tokens to
// the offending value, innermost first.
func deeper(v any, depth, max int, path *[]string) bool {
	switch x := v.(type) {
	case map[string]any:
		if depth >= max {
			return true
		}
		for k, e := range x {
			if deeper(e, depth+1, max, path) {
				*path = append(*path, k)
				return true
			}
		}
	case []any:
		if depth >= max {
			return true
		}
		for i, e := range x {
			if deeper(e, depth+1, max, path) {
				*path = append(*path, strconv.Itoa(i))
				return true
			}
		}
	}
	return false
}

// Locate finds the line and column of the value at a JSON pointer in a YAML
// (or JSON) node tree; it returns the deepest node it could reach.
func Locate(root *yaml.Node, pointer string) (int, int) {
	if root == nil {
		return 0, 0
	}
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if pointer == "" {
		return n.Line, n.Column
	}
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		next := (*yaml.Node)(nil)
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					next = n.Content[i+1]
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	return n.Line, n.Column
}
