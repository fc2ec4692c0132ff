package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// duplicateJSONKey finds the first object member whose name repeats an
// earlier member of the same object, in a document encoding/json has
// already accepted (encoding/json keeps the last one silently). It returns
// the problem with the line, column and JSON pointer of the repeat and the
// line of the first, as the YAML decoder does, or nil. Names are compared
// after unescaping ("a" and "\u0061" are the same name). One pass over the
// bytes; names are slices of data, so it allocates only for objects of
// many members and for names with escapes.
func duplicateJSONKey(data []byte) *PosError {
	var stack []jsonFrame
	line, lineStart := 1, 0
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			line, lineStart = line+1, i+1
		case '{', '[':
			stack = push(stack, c == '{')
		case '}', ']':
			stack = stack[:len(stack)-1]
		case ',':
			if top := &stack[len(stack)-1]; top.object {
				top.expectKey = true
			} else {
				top.index++
			}
		case '"':
			start := i + 1
			escaped := false
			for i = start; ; i++ {
				i += bytes.IndexByte(data[i:], '"') // valid JSON: always found
				if data[i-1] != '\\' {
					break
				}
				escaped = true
				if backslashesBefore(data, i)%2 == 0 {
					break // the backslashes escape one another, not the quote
				}
			}
			escaped = escaped || bytes.IndexByte(data[start:i], '\\') >= 0
			if len(stack) == 0 {
				continue
			}
			top := &stack[len(stack)-1]
			if !top.object || !top.expectKey {
				continue
			}
			top.expectKey = false
			name := data[start:i]
			if escaped {
				var s string
				if err := json.Unmarshal(data[start-1:i+1], &s); err == nil {
					name = []byte(s)
				}
			}
			top.key = name
			if first, dup := top.seen(name); dup {
				return &PosError{Pointer: jsonFramesPointer(stack), Line: line, Column: start - lineStart,
					Msg: fmt.Sprintf("duplicate key %q (first defined on line %d)", name, first)}
			}
			top.remember(name, line)
		}
	}
	return nil
}

// push opens an object or array, reusing the memory of a frame closed
// before at that depth.
func push(stack []jsonFrame, object bool) []jsonFrame {
	if len(stack) < cap(stack) {
		stack = stack[:len(stack)+1]
		f := &stack[len(stack)-1]
		*f = jsonFrame{object: object, expectKey: object, names: f.names[:0], lines: f.lines[:0]}
		return stack
	}
	return append(stack, jsonFrame{object: object, expectKey: object})
}

// backslashesBefore counts the backslashes right before data[i].
func backslashesBefore(data []byte, i int) int {
	n := 0
	for i > 0 && data[i-1] == '\\' {
		n++
		i--
	}
	return n
}

// jsonFrame is one open object or array of duplicateJSONKey.
type jsonFrame struct {
	object    bool
	expectKey bool           // objects: the next string is a member name
	index     int            // arrays: the current element
	key       []byte         // objects: the current member's name
	names     [][]byte       // objects: the names so far (the first seenLimit),
	lines     []int          // the line of each,
	set       map[string]int // and all of them once there are more
}

// seenLimit is how many names an object compares one by one before it
// indexes them in a map.
const seenLimit = 16

// seen returns the line of an earlier member with this name.
func (f *jsonFrame) seen(name []byte) (int, bool) {
	if f.set != nil {
		line, ok := f.set[string(name)]
		return line, ok
	}
	for i, n := range f.names {
		if bytes.Equal(n, name) {
			return f.lines[i], true
		}
	}
	return 0, false
}

func (f *jsonFrame) remember(name []byte, line int) {
	if f.set == nil && len(f.names) < seenLimit {
		f.names = append(f.names, name)
		f.lines = append(f.lines, line)
		return
	}
	if f.set == nil {
		f.set = make(map[string]int, 2*seenLimit)
		for i, n := range f.names {
			f.set[string(n)] = f.lines[i]
		}
	}
	f.set[string(name)] = line
}

// jsonFramesPointer is the JSON pointer of the current value of the
// innermost frame.
func jsonFramesPointer(stack []jsonFrame) string {
	ptr := ""
	for _, f := range stack {
		if f.object {
			ptr = pointerJoin(ptr, string(f.key))
		} else {
			ptr = pointerJoin(ptr, strconv.Itoa(f.index))
		}
	}
	return ptr
}
