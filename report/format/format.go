// Package format is the registry of report formats: each name maps to its
// writer and says whether its output is binary and whether it streams. The
// CLI, the tests and the documentation loop over All; adding a format is
// one entry here plus its writer (see CONTRIBUTING.md).
package format

import (
	"fmt"
	"strings"

	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/format/csv"
	"github.com/tenantscan/tenantscan/report/format/html"
	"github.com/tenantscan/tenantscan/report/format/json"
	"github.com/tenantscan/tenantscan/report/format/junit"
	"github.com/tenantscan/tenantscan/report/format/markdown"
	"github.com/tenantscan/tenantscan/report/format/sarif"
	"github.com/tenantscan/tenantscan/report/format/table"
	"github.com/tenantscan/tenantscan/report/format/xlsx"
)

// Options are what the caller knows about where a report goes.
type Options struct {
	// Color is true when the report goes to a terminal that takes colour.
	Color bool
	// Width is the line width of the text formats (table): the terminal's
	// when the report goes to one; 0 means 80.
	Width int
	// TmpDir is where a writer that spills to disk puts its scratch files
	// ("" means $TMPDIR).
	TmpDir string
}

// Format is one report format.
type Format struct {
	// Name is what --format and --output FORMAT=FILE take.
	Name string
	// Binary formats are never written to standard output.
	Binary bool
	// Streams is true when the writer holds one tenant at a time, so its
	// memory does not grow with the number of tenants; the others build
	// the whole document (suited to the hundreds of tenants a person
	// reads).
	Streams bool
	// Scratch is true when the writer spills to disk while it writes: it
	// gets a scratch folder beside its target (Options.TmpDir), where a
	// killed run's files are found and removed.
	Scratch bool
	// For is who reads it, for the help text and the documentation.
	For string
	// New returns the writer for one report.
	New func(Options) report.Writer
}

var all = []Format{
	{Name: "table", Streams: true, For: "people at a terminal", New: func(o Options) report.Writer { return table.Writer{Color: o.Color, Width: o.Width} }},
	{Name: "json", Streams: true, For: "programs, dashboards, the next run", New: func(Options) report.Writer { return json.Writer{} }},
	{Name: "sarif", Streams: true, For: "code-scanning dashboards", New: func(Options) report.Writer { return sarif.Writer{} }},
	{Name: "junit", Streams: true, For: "CI systems", New: func(Options) report.Writer { return junit.Writer{} }},
	{Name: "html", Streams: true, For: "people, printing", New: func(Options) report.Writer { return html.Writer{} }},
	{Name: "xlsx", Binary: true, Streams: true, Scratch: true, For: "auditors", New: func(o Options) report.Writer { return xlsx.Writer{TmpDir: o.TmpDir} }},
	{Name: "markdown", Streams: true, For: "pull requests, wikis", New: func(Options) report.Writer { return markdown.Writer{} }},
	{Name: "csv", Streams: true, For: "spreadsheets, scripts", New: func(Options) report.Writer { return csv.Writer{} }},
}

// Drift are the formats of tenantscan diff: the drift between two reports.
var Drift = Set{
	{Name: "table", For: "people at a terminal", New: func(o Options) report.Writer { return table.Drift{Width: o.Width} }},
	{Name: "json", For: "programs", New: func(Options) report.Writer { return json.Drift{} }},
}

// Readiness are the formats of tenantscan readiness: ready or not, per
// tenant, with the blocking controls.
var Readiness = Set{
	{Name: "text", For: "people at a terminal", New: func(Options) report.Writer { return table.Readiness{} }},
	{Name: "json", For: "programs", New: func(Options) report.Writer { return json.Readiness{} }},
}

// Set is the formats one command writes.
type Set []Format

// Names returns the names of the set's formats.
func (s Set) Names() []string {
	names := make([]string, len(s))
	for i, f := range s {
		names[i] = f.Name
	}
	return names
}

// Lookup returns the format of a name; an unknown name is an error naming
// it and the formats of the set.
func (s Set) Lookup(name string) (Format, error) {
	for _, f := range s {
		if f.Name == name {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("unknown format %q (available: %s)", name, strings.Join(s.Names(), ", "))
}

// Default is the format written when none is asked for.
const Default = "table"

// All returns every report format (scan, merge), in the order the help text lists them.
func All() []Format { return append([]Format(nil), all...) }

// Names returns the names of every report format.
func Names() []string { return Set(all).Names() }

// Lookup returns the report format of a name; an unknown name is an error
// naming it and the formats there are.
func Lookup(name string) (Format, error) { return Set(all).Lookup(name) }
