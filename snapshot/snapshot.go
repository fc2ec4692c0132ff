package snapshot

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"gopkg.in/yaml.v3"
)

//go:embed schema/snapshot.schema.json
var schemaJSON []byte

// SnapshotSchema returns the JSON Schema of the snapshot format v1.
func SnapshotSchema() []byte { return bytes.Clone(schemaJSON) }

// StdinName is the path that stands for standard input.
const StdinName = "-"

// Source is one snapshot to scan: a file, or standard input.
type Source struct {
	// Name is how reports refer to the snapshot: its path, or "-".
	Name string
	// Err is set when the source could not even be listed (a missing path).
	Err error
	// Export is true for a raw export folder, imported before scanning.
	Export bool
}

// Snapshot is a loaded and validated tenant snapshot.
type Snapshot struct {
	Source      string
	TenantID    string
	DisplayName string
	// Doc is the document as JSON-compatible values (map[string]any, []any,
	// string, json.Number, bool, nil).
	Doc map[string]any
}

// LoadError is a snapshot that cannot be scanned: it names the file and, for
// each problem, the line and JSON pointer of the offending value.
type LoadError struct {
	File     string
	Problems []*PosError
	// TenantID, DisplayName and ExportedAt are filled in when the file was
	// readable enough to tell them: a report still gives the snapshot's
	// age, and does not call an exportedAt missing that is not.
	TenantID    string
	DisplayName string
	ExportedAt  string
	// Read is true when the file was decoded into a document (or an
	// import built one): an empty ExportedAt then means the document has
	// none; otherwise the snapshot was never read far enough to tell.
	Read bool
}

// exportedAt is a document's exportedAt when it is a string ("" else).
func exportedAt(doc map[string]any) string {
	s, _ := doc["exportedAt"].(string)
	return s
}

// Error lists the problems one per line.
func (e *LoadError) Error() string {
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		parts = append(parts, p.in(e.File))
	}
	return strings.Join(parts, "\n")
}

var snapshotExtensions = map[string]bool{".yaml": true, ".yml": true, ".json": true}

// Load reads, decodes and validates one snapshot. stdin is read when the
// source is "-". Every problem is returned as a *LoadError.
func Load(src Source, stdin io.Reader, lim Limits) (*Snapshot, error) {
	return LoadOwned(src, stdin, lim, nil)
}

// ErrNotOwned is LoadOwned's answer for a snapshot that another shard scans.
var ErrNotOwned = errors.New("the snapshot belongs to another shard")

// LoadOwned is Load for one shard of a scan: as soon as the tenant id is
// known — right after decoding a file, before the schema, the reference
// checks and any evaluation; after importing a raw export folder — it asks
// owns, and returns ErrNotOwned when the tenant is another shard's. A
// snapshot whose tenant id cannot be read is returned (or its error is),
// for the caller to place by its name. owns nil keeps every snapshot.
func LoadOwned(src Source, stdin io.Reader, lim Limits, owns func(tenantID string) bool) (*Snapshot, error) {
	fail := func(msg string) error {
		return &LoadError{File: src.Name, Problems: []*PosError{{Msg: msg}}}
	}
	if src.Err != nil {
		return nil, fail(DescribeOSError(src.Err))
	}
	if src.Export {
		return nil, fail("a raw export folder: the importer loads it (LoadExport), not the snapshot loader")
	}
	data, err := ReadLimited(src, stdin, lim.MaxBytes)
	if err != nil {
		return nil, fail(err.Error())
	}
	data = NormalizeEncoding(data)
	isJSON := strings.EqualFold(filepath.Ext(src.Name), ".json")
	var doc any
	var tree *yaml.Node
	if isJSON {
		doc, err = DecodeJSON(data, lim)
	} else {
		doc, tree, err = DecodeYAML(data, lim)
	}
	if err != nil {
		var pe *PosError
		if !errors.As(err, &pe) {
			pe = &PosError{Msg: err.Error()}
		}
		return nil, &LoadError{File: src.Name, Problems: []*PosError{pe}}
	}
	obj, _ := doc.(map[string]any)
	snap := &Snapshot{Source: src.Name, Doc: obj}
	if obj != nil {
		if t, ok := obj["tenant"].(map[string]any); ok {
			snap.TenantID, _ = t["id"].(string)
			snap.DisplayName, _ = t["displayName"].(string)
		}
	}
	if owns != nil && snap.TenantID != "" && !owns(snap.TenantID) {
		return nil, ErrNotOwned
	}
	problems := validateSchema(doc)
	if len(problems) == 0 {
		problems = checkReferences(obj)
	}
	if len(problems) > 0 {
		if tree == nil { // JSON: parse again as YAML only to find the lines
			_, tree, _ = DecodeYAML(data, lim)
		}
		for _, p := range problems {
			p.Line, p.Column = Locate(tree, p.Pointer)
		}
		sort.SliceStable(problems, func(i, j int) bool {
			if problems[i].Line != problems[j].Line {
				return problems[i].Line < problems[j].Line
			}
			return problems[i].Column < problems[j].Column
		})
		return nil, &LoadError{File: src.Name, Problems: problems, Read: true,
			TenantID: snap.TenantID, DisplayName: snap.DisplayName, ExportedAt: exportedAt(snap.Doc)}
	}
	return snap, nil
}

// NormalizeEncoding drops a UTF-8 byte-order mark and turns UTF-16 (with
// its mark, as Windows tools write it) into UTF-8.
func NormalizeEncoding(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data)
	}
	return data
}

func decodeUTF16(data []byte) []byte {
	big := data[0] == 0xFE
	data = data[2:]
	units := make([]uint16, 0, len(data)/2)
	for i := 0; i+1 < len(data); i += 2 {
		if big {
			units = append(units, uint16(data[i])<<8|uint16(data[i+1]))
		} else {
			units = append(units, uint16(data[i+1])<<8|uint16(data[i]))
		}
	}
	return []byte(string(utf16.Decode(units)))
}

// FromImport validates a document an importer built from the files of
// name, like any snapshot file; problems of the imported snapshot name
// name. As in LoadOwned, owns is asked as soon as the tenant id is known
// and ErrNotOwned is returned for another shard's tenant.
func FromImport(name string, doc map[string]any, owns func(string) bool) (*Snapshot, error) {
	snap := &Snapshot{Source: name, Doc: doc}
	if t, ok := doc["tenant"].(map[string]any); ok {
		snap.TenantID, _ = t["id"].(string)
		snap.DisplayName, _ = t["displayName"].(string)
	}
	if owns != nil && snap.TenantID != "" && !owns(snap.TenantID) {
		return nil, ErrNotOwned
	}
	// Validate the JSON form, as a snapshot file would be.
	plain, err := RoundTrip(doc)
	if err != nil {
		return nil, &LoadError{File: name, Problems: []*PosError{{Msg: "imported snapshot: " + err.Error()}}}
	}
	problems := validateSchema(plain)
	if len(problems) == 0 {
		problems = checkReferences(plain)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			p.Msg = "imported snapshot: " + p.Msg
		}
		return nil, &LoadError{File: name, Problems: problems, Read: true, TenantID: snap.TenantID, DisplayName: snap.DisplayName, ExportedAt: exportedAt(snap.Doc)}
	}
	snap.Doc = plain
	return snap, nil
}

// RoundTrip turns a document built in Go (ints, []string …) into the
// JSON-compatible values the loader produces for files.
func RoundTrip(doc map[string]any) (map[string]any, error) {
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	v, err := DecodeJSON(data, Limits{MaxBytes: int64(len(data)) + 1, MaxDepth: 64, MaxAliasNodes: 1})
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	return m, nil
}

func DescribeOSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

func ReadLimited(src Source, stdin io.Reader, max int64) ([]byte, error) {
	var r io.Reader
	if src.Name == StdinName {
		if stdin == nil {
			return nil, errors.New("standard input is not available")
		}
		r = stdin
	} else {
		f, err := openRegular(src.Name)
		if err != nil {
			return nil, errors.New(DescribeOSError(err))
		}
		defer f.Close()
		if info, err := f.Stat(); err == nil && info.Size() > max {
			return nil, fmt.Errorf("the file is %d bytes, over the limit of %d bytes", info.Size(), max)
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("the snapshot is over the limit of %d bytes", max)
	}
	return data, nil
}

var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, fmt.Errorf("parse snapshot schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "snapshot.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("load snapshot schema: %w", err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compile snapshot schema: %w", err)
	}
	return s, nil
})

var schemaPrinter = message.NewPrinter(language.English)

// maxProblems bounds the problems reported for one snapshot.
const maxProblems = 20

// validateSchema checks a document against the snapshot schema and returns
// one problem per offending value.
func validateSchema(doc any) []*PosError {
	s, err := compiledSchema()
	if err != nil {
		return []*PosError{{Msg: err.Error()}}
	}
	err = s.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []*PosError{{Msg: err.Error()}}
	}
	out := SchemaProblems(ve)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pointer < out[j].Pointer })
	return out
}

// SchemaProblems flattens a schema validation error into one problem per
// failing leaf (its JSON pointer and message), without repeats and at most
// maxProblems of them.
func SchemaProblems(ve *jsonschema.ValidationError) []*PosError {
	var out []*PosError
	seen := map[string]bool{}
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		ptr := ""
		for _, tok := range e.InstanceLocation {
			ptr = pointerJoin(ptr, tok)
		}
		msg := schemaMessage(e, ptr)
		if key := ptr + "\x00" + msg; !seen[key] && len(out) < maxProblems {
			seen[key] = true
			out = append(out, &PosError{Pointer: ptr, Msg: msg})
		}
	}
	walk(ve)
	return out
}

func schemaMessage(e *jsonschema.ValidationError, ptr string) string {
	if p, ok := e.ErrorKind.(*kind.Pattern); ok {
		switch {
		case strings.HasSuffix(ptr, "/version"):
			return fmt.Sprintf("version %q is not 1 to 4 dot-separated numbers (quote versions in YAML)", p.Got)
		case ptr == "/tenant/id":
			return fmt.Sprintf("tenant id %q is not a GUID", p.Got)
		}
	}
	if t, ok := e.ErrorKind.(*kind.Type); ok && strings.HasSuffix(ptr, "/version") {
		return fmt.Sprintf("got %s, want a string such as \"9.2.24101.191\" (quote versions in YAML)", t.Got)
	}
	return e.ErrorKind.LocalizedString(schemaPrinter)
}

// checkReferences checks the references the schema cannot express: a
// group's connector names a Dynamics instance, a Dynamics user's roles are
// security roles of that instance, and every key a control looks resources
// up by is unique (checkIdentity). Each message names both ends.
func checkReferences(doc map[string]any) []*PosError {
	var out []*PosError
	instances, _ := doc["dynamics"].([]any)
	byName := map[string]int{}
	var names []string
	for i, raw := range instances {
		inst, _ := raw.(map[string]any)
		name, _ := inst["name"].(string)
		if first, dup := byName[name]; dup {
			out = append(out, &PosError{Pointer: "/dynamics/" + strconv.Itoa(i) + "/name",
				Msg: fmt.Sprintf("instance name %q is already used by /dynamics/%d", name, first)})
			continue
		}
		byName[name] = i
		names = append(names, name)
	}
	out = append(out, duplicates(doc, "users", "userPrincipalName", true)...)
	out = append(out, duplicates(doc, "subscriptions", "skuPartNumber", false)...)
	groups, _ := doc["groups"].([]any)
	for i, raw := range groups {
		g, _ := raw.(map[string]any)
		conn, ok := g["connector"].(map[string]any)
		if !ok {
			continue
		}
		name, _ := conn["instance"].(string)
		if _, ok := byName[name]; !ok {
			known := "no instances are defined"
			if len(names) > 0 {
				known = "/dynamics has: " + strings.Join(names, ", ")
			}
			out = append(out, &PosError{Pointer: fmt.Sprintf("/groups/%d/connector/instance", i),
				Msg: fmt.Sprintf("connector instance %q names no Dynamics instance (%s)", name, known)})
		}
	}
	out = append(out, checkIdentity(doc)...)
	if len(out) > maxProblems {
		out = out[:maxProblems]
	}
	return out
}

// duplicates reports list entries whose key repeats an earlier entry's, which
// would make lookups by that key ambiguous.
func duplicates(doc map[string]any, list, key string, foldCase bool) []*PosError {
	var out []*PosError
	items, _ := doc[list].([]any)
	first := map[string]int{}
	for i, raw := range items {
		m, _ := raw.(map[string]any)
		v, _ := m[key].(string)
		k := v
		if foldCase {
			k = strings.ToLower(v)
		}
		if j, dup := first[k]; dup {
			out = append(out, &PosError{Pointer: fmt.Sprintf("/%s/%d/%s", list, i, key),
				Msg: fmt.Sprintf("%s %q is already used by /%s/%d", key, v, list, j)})
			continue
		}
		first[k] = i
	}
	return out
}
