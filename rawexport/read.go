package rawexport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tenantscan/tenantscan/snapshot"
)

// readRaw reads one raw export file as JSON, whatever PowerShell or a
// REST client wrote: UTF-8 with or without BOM, or UTF-16 with BOM. An
// empty file, or one holding null, is an empty collection.
func readRaw(path string, lim snapshot.Limits) (any, error) {
	data, err := snapshot.ReadLimited(snapshot.Source{Name: path}, nil, lim.MaxBytes)
	if err != nil {
		return nil, err
	}
	data = snapshot.NormalizeEncoding(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	v, err := snapshot.DecodeJSON(data, lim)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// rawItem is one element of a collection, with where it came from.
type rawItem struct {
	obj  map[string]any
	file string // relative to the export folder
	ptr  string // JSON pointer within the file
}

// readCollection reads a collection exported as name.json and any further
// pages name.2.json, name.3.json …. A page is an OData envelope
// ({"value": [...]}), an array of envelopes, an array of items (ConvertTo-
// Json of many objects) or one item (ConvertTo-Json of one object).
// exported is false when name.json does not exist: "not exported".
//
// The chain of pages must be whole: every envelope but the last carries
// @odata.nextLink and the last carries none. A page whose nextLink has no
// following page (name.N.json missing, or a later envelope in the same
// array), or a page file that follows an envelope without a nextLink, is
// an error naming the file: a partial list must never pass for the whole.
func readCollection(root, name string, lim snapshot.Limits) (items []rawItem, exported bool, err error) {
	first := filepath.Join(root, name+".json")
	if _, err := os.Stat(first); errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	files := []string{first}
	for n := 2; ; n++ {
		p := filepath.Join(root, name+"."+strconv.Itoa(n)+".json")
		if _, err := os.Stat(p); err != nil {
			break
		}
		files = append(files, p)
	}
	var pending *pageLink // the last envelope's nextLink, not yet followed
	for _, f := range files {
		v, err := readRaw(f, lim)
		if err != nil {
			return nil, true, rawError(f, err)
		}
		if pending != nil && !pending.open {
			return nil, true, rawError(f, &snapshot.PosError{Msg: fmt.Sprintf(
				"a page file follows %s, whose last page has no @odata.nextLink: remove the stale file or export the collection again", filepath.Base(pending.file))})
		}
		got, links, err := collectionItems(v, f)
		if err != nil {
			return nil, true, rawError(f, err)
		}
		items = append(items, got...)
		if len(links) > 0 {
			last := links[len(links)-1]
			pending = &last
		} else {
			pending = &pageLink{file: f}
		}
	}
	if pending != nil && pending.open {
		next := name + "." + strconv.Itoa(len(files)+1) + ".json"
		return nil, true, rawError(pending.file, &snapshot.PosError{Pointer: pending.ptr + "/@odata.nextLink", Msg: fmt.Sprintf(
			"the page chain is broken: this page has a next page but %s does not exist (save every page by following @odata.nextLink)", next)})
	}
	return items, true, nil
}

// pageLink records, for one envelope, whether it announces a next page.
type pageLink struct {
	file string
	ptr  string // the envelope's JSON pointer
	open bool   // @odata.nextLink is set
}

// nextLinkKey is the OData annotation of a page that has a successor.
const nextLinkKey = "@odata.nextLink"

func collectionItems(v any, file string) ([]rawItem, []pageLink, error) {
	var out []rawItem
	var links []pageLink
	addObject := func(x any, ptr string) error {
		obj, ok := x.(map[string]any)
		if !ok {
			return &snapshot.PosError{Pointer: ptr, Msg: fmt.Sprintf("got %s, want an object", jsonType(x))}
		}
		out = append(out, rawItem{obj: obj, file: file, ptr: ptr})
		return nil
	}
	addPage := func(page map[string]any, ptr string) error {
		values, ok := page["value"]
		if !ok {
			return addObject(page, ptr) // a single item
		}
		if n := len(links); n > 0 && !links[n-1].open {
			return &snapshot.PosError{Pointer: ptr, Msg: "this page follows a page without @odata.nextLink"}
		}
		link, err := nextLink(page, ptr)
		if err != nil {
			return err
		}
		links = append(links, pageLink{file: file, ptr: ptr, open: link})
		list, ok := values.([]any)
		if !ok {
			return &snapshot.PosError{Pointer: ptr + "/value", Msg: fmt.Sprintf("got %s, want an array", jsonType(values))}
		}
		for i, item := range list {
			if err := addObject(item, fmt.Sprintf("%s/value/%d", ptr, i)); err != nil {
				return err
			}
		}
		return nil
	}
	switch x := v.(type) {
	case nil:
		return nil, nil, nil
	case map[string]any:
		return out, links, addPage(x, "")
	case []any:
		for i, el := range x {
			ptr := "/" + strconv.Itoa(i)
			if page, ok := el.(map[string]any); ok {
				if err := addPage(page, ptr); err != nil {
					return nil, nil, err
				}
				continue
			}
			return nil, nil, &snapshot.PosError{Pointer: ptr, Msg: fmt.Sprintf("got %s, want an object", jsonType(el))}
		}
		return out, links, nil
	}
	return nil, nil, &snapshot.PosError{Msg: fmt.Sprintf("got %s, want an OData response, an array or an object", jsonType(v))}
}

// nextLink reports whether an envelope announces a next page.
func nextLink(page map[string]any, ptr string) (bool, error) {
	switch x := page[nextLinkKey].(type) {
	case nil:
		return false, nil
	case string:
		return x != "", nil
	default:
		return false, &snapshot.PosError{Pointer: ptr + "/" + nextLinkKey, Msg: fmt.Sprintf("got %s, want a string", jsonType(x))}
	}
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64, int:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// rawError names the file of a raw export problem.
func rawError(file string, err error) error {
	var pe *snapshot.PosError
	if errors.As(err, &pe) {
		return &snapshot.LoadError{File: file, Problems: []*snapshot.PosError{pe}}
	}
	return &snapshot.LoadError{File: file, Problems: []*snapshot.PosError{{Msg: err.Error()}}}
}

// Typed field readers: a value of the wrong type is an error naming the
// item's file and pointer; an absent or null value is "not there".

func (it rawItem) fail(field, want string) error {
	return &snapshot.LoadError{File: it.file, Problems: []*snapshot.PosError{{Pointer: it.ptr + "/" + field,
		Msg: fmt.Sprintf("got %s, want %s", jsonType(it.obj[field]), want)}}}
}

func (it rawItem) str(field string) (string, bool, error) {
	switch x := it.obj[field].(type) {
	case nil:
		return "", false, nil
	case string:
		return x, true, nil
	}
	return "", false, it.fail(field, "a string")
}

func (it rawItem) boolean(field string) (bool, bool, error) {
	switch x := it.obj[field].(type) {
	case nil:
		return false, false, nil
	case bool:
		return x, true, nil
	}
	return false, false, it.fail(field, "a boolean")
}

func (it rawItem) number(field string) (int64, bool, error) {
	switch x := it.obj[field].(type) {
	case nil:
		return 0, false, nil
	case json.Number:
		n, err := strconv.ParseInt(x.String(), 10, 64)
		if err != nil {
			return 0, false, it.fail(field, "an integer")
		}
		return n, true, nil
	case string: // enums serialised by name are handled by the caller
		return 0, false, it.fail(field, "a number")
	}
	return 0, false, it.fail(field, "a number")
}

func (it rawItem) list(field string) ([]any, bool, error) {
	switch x := it.obj[field].(type) {
	case nil:
		return nil, false, nil
	case []any:
		return x, true, nil
	case map[string]any:
		// Windows PowerShell 5.1's ConvertTo-Json writes some arrays as
		// {"value": [...], "Count": n}.
		if v, ok := x["value"].([]any); ok && len(x) == 2 && x["Count"] != nil {
			return v, true, nil
		}
		return []any{x}, true, nil // ConvertTo-Json of a one-element collection
	}
	return nil, false, it.fail(field, "an array")
}

// expanded reads an expanded collection-valued navigation property (OData
// $expand). Dataverse pages a large expansion with
// <field>@odata.nextLink: the list would be partial, so that is an error
// naming the item.
func (it rawItem) expanded(field string) ([]any, bool, error) {
	if link, ok := it.obj[field+"@"+strings.TrimPrefix(nextLinkKey, "@")].(string); ok && link != "" {
		return nil, false, &snapshot.LoadError{File: it.file, Problems: []*snapshot.PosError{{Pointer: it.ptr + "/" + field + "@odata.nextLink",
			Msg: fmt.Sprintf("the expanded %s is paged, so the list is partial: export it as its own collection", field)}}}
	}
	return it.list(field)
}

// sub returns the i-th element of a list field as an item.
func (it rawItem) sub(field string, i int, v any) (rawItem, error) {
	obj, ok := v.(map[string]any)
	ptr := fmt.Sprintf("%s/%s/%d", it.ptr, field, i)
	if !ok {
		return rawItem{}, &snapshot.LoadError{File: it.file, Problems: []*snapshot.PosError{{Pointer: ptr, Msg: fmt.Sprintf("got %s, want an object", jsonType(v))}}}
	}
	return rawItem{obj: obj, file: it.file, ptr: ptr}, nil
}

func lowerKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// copyFields copies the named fields of an item into dst, under the same
// names, when they are present; read (it.str, it.boolean, it.number) checks
// their type, so a wrong one is an error naming file and pointer.
func copyFields[T any](dst map[string]any, read func(string) (T, bool, error), fields ...string) error {
	for _, f := range fields {
		v, ok, err := read(f)
		if err != nil {
			return err
		}
		if ok {
			dst[f] = v
		}
	}
	return nil
}
