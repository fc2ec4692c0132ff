package rawexport

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tenantscan/tenantscan/snapshot"
)

// ExtraFile is the file of an export folder holding the facts no API
// returns; discovery knows it too (snapshot.ExtraFile).
const ExtraFile = snapshot.ExtraFile

// importer maps one export folder to a snapshot document.
type importer struct {
	root     string
	lim      snapshot.Limits
	warnings []string
	leftOut  []LeftOut
	facts    []string // where derived facts came from
}

func (im *importer) warn(format string, args ...any) {
	im.warnings = append(im.warnings, fmt.Sprintf(format, args...))
}

// LeftOut is a record of the export that the import did not carry into the
// snapshot, and why (a system or application user, a row without a
// principal name …), so that an administrator can check it.
type LeftOut struct {
	File    string // relative to the export folder, with forward slashes
	Pointer string // JSON pointer of the record in the file
	Record  string // what the record is, e.g. a principal name
	Reason  string
}

func (l LeftOut) String() string {
	return fmt.Sprintf("%s:%s: %s: %s", l.File, l.Pointer, l.Record, l.Reason)
}

// leave records that an item was left out.
func (im *importer) leave(it rawItem, record, reason string) {
	im.leftOut = append(im.leftOut, LeftOut{File: im.rel(it.file), Pointer: it.ptr, Record: record, Reason: reason})
}

// rel is a file's path relative to the export folder.
func (im *importer) rel(file string) string {
	if r, err := filepath.Rel(im.root, file); err == nil {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(file)
}

// Imported is the result of importing an export folder.
type Imported struct {
	Doc      map[string]any // the snapshot document (format v1)
	Warnings []string       // facts not exported or kept as found, to check
	LeftOut  []LeftOut      // records not carried into the snapshot, and why
	Facts    []string       // the records each derived fact comes from
}

// ImportExport reads a raw export folder and returns the snapshot document
// and the import's warnings, followed by one line per record left out
// (see Import).
func ImportExport(dir string, lim snapshot.Limits) (map[string]any, []string, error) {
	res, err := Import(dir, lim)
	if err != nil {
		return nil, nil, err
	}
	return res.Doc, res.Warnings, nil
}

// Import reads a raw export folder (Graph, Exchange Online and Dataverse
// responses as the services return them, plus tenantscan-extra.yaml) and
// maps it to a snapshot document of format v1. Every fact comes from a
// documented field that shows it, or from the extra file; a fact neither
// shows is left absent, so the controls that need it report error. A file
// that is missing leaves its part of the snapshot absent ("not
// exported"); a malformed file, a broken page chain or an extra-file entry
// that matches nothing is a *LoadError naming the file and place.
// Warnings and the records left out are returned and recorded in
// exporter.warnings and exporter.leftOut.
func Import(dir string, lim snapshot.Limits) (*Imported, error) {
	im := &importer{root: dir, lim: lim}
	doc := map[string]any{"apiVersion": "tenantscan/v1", "kind": "TenantSnapshot"}
	extra, err := im.readExtra()
	if err != nil {
		return nil, err
	}
	// Each step takes what it needs from the steps before it as arguments:
	// the licence catalogue of subscriptions, the user ids of users.
	if err := im.organization(doc); err != nil {
		return nil, err
	}
	lic, err := im.subscriptions(doc)
	if err != nil {
		return nil, err
	}
	upns, err := im.users(doc, extra, lic)
	if err != nil {
		return nil, err
	}
	if err := im.groups(doc, extra, upns); err != nil {
		return nil, err
	}
	if err := im.dynamics(doc, extra, upns); err != nil {
		return nil, err
	}
	doc["exportedAt"] = im.exportedAt(extra)
	exporter := map[string]any{"name": "tenantscan import", "source": filepath.ToSlash(dir)}
	if len(im.warnings) > 0 {
		exporter["warnings"] = anyStrings(im.warnings)
	}
	if len(im.facts) > 0 {
		exporter["facts"] = anyStrings(im.facts)
	}
	if len(im.leftOut) > 0 {
		lines := make([]string, len(im.leftOut))
		for i, l := range im.leftOut {
			lines[i] = l.String()
		}
		exporter["leftOut"] = anyStrings(lines)
	}
	doc["exporter"] = exporter
	return &Imported{Doc: doc, Warnings: im.warnings, LeftOut: im.leftOut, Facts: im.facts}, nil
}

// LoadExport imports the raw export folder src names and validates the
// result like any snapshot (FromImport): the one way a folder becomes a
// snapshot. owns is asked as soon as the tenant id is known, as in
// LoadOwned.
func LoadExport(src snapshot.Source, lim snapshot.Limits, owns func(string) bool) (*snapshot.Snapshot, error) {
	if src.Err != nil {
		return nil, &snapshot.LoadError{File: src.Name, Problems: []*snapshot.PosError{{Msg: snapshot.DescribeOSError(src.Err)}}}
	}
	doc, _, err := ImportExport(src.Name, lim)
	if err != nil {
		return nil, err
	}
	return snapshot.FromImport(src.Name, doc, owns)
}

func anyStrings(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// extraFile is tenantscan-extra.yaml.
type extraFile struct {
	path string     // the file, for errors
	node *yaml.Node // the document, for the line of a key

	ExportedAt string                   `yaml:"exportedAt"`
	Instances  map[string]extraInstance `yaml:"instances"`
	Groups     map[string]extraGroup    `yaml:"groups"`
	Users      map[string]extraUser     `yaml:"users"`
}

type extraInstance struct {
	URL            string           `yaml:"url"`
	Version        string           `yaml:"version"`
	Deployment     string           `yaml:"deployment"`
	UsesGroups     *bool            `yaml:"usesGroups"`
	SharePoint     map[string]any   `yaml:"sharePoint"`
	Exchange       map[string]any   `yaml:"exchange"`
	Customizations map[string]any   `yaml:"customizations"`
	GroupEntities  []map[string]any `yaml:"groupEntities"`
}

type extraGroup struct {
	Connector map[string]any `yaml:"connector"`
}

type extraUser struct {
	PSTN map[string]any `yaml:"pstn"`
}

func (im *importer) readExtra() (*extraFile, error) {
	path := filepath.Join(im.root, ExtraFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		im.warn("%s not found: deployment, scope, Groups settings, connectors, sensitivity and PSTN use are not exported", ExtraFile)
		return &extraFile{path: path}, nil
	}
	data, err := snapshot.ReadLimited(snapshot.Source{Name: path}, nil, im.lim.MaxBytes)
	if err != nil {
		return nil, rawError(path, err)
	}
	// Check the document like a snapshot first (duplicate keys, limits)…
	if _, _, err := snapshot.DecodeYAML(data, im.lim); err != nil {
		return nil, rawError(path, err)
	}
	// …then read it strictly: an unknown key is a mistake.
	var x extraFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&x); err != nil {
		return nil, rawError(path, snapshot.YAMLSyntaxError(err))
	}
	x.path = path
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err == nil {
		x.node = &node
	}
	return &x, nil
}

// fail is an error about the entry at keys (e.g. "users", a principal
// name), naming the file, the JSON pointer and the line of the key.
func (x *extraFile) fail(msg string, keys ...string) error {
	ptr := ""
	for _, k := range keys {
		ptr += "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
	}
	return &snapshot.LoadError{File: x.path, Problems: []*snapshot.PosError{{Pointer: ptr, Line: x.line(keys...), Msg: msg}}}
}

// line is the line of the key at path in the extra file, 0 if unknown.
func (x *extraFile) line(keys ...string) int {
	if x.node == nil || len(x.node.Content) == 0 {
		return 0
	}
	n, line := x.node.Content[0], 0
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				line, n, found = n.Content[i].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

func (im *importer) exportedAt(x *extraFile) string {
	if x.ExportedAt != "" {
		return x.ExportedAt
	}
	var newest time.Time
	_ = filepath.WalkDir(im.root, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil && info.ModTime().After(newest) {
				newest = info.ModTime()
			}
		}
		return nil
	})
	im.warn("exportedAt not given in %s: using the newest file time", ExtraFile)
	return newest.UTC().Format(time.RFC3339)
}
