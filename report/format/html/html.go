package html

import (
	"embed"
	"html/template"
	"io"

	"github.com/tenantscan/tenantscan/report"
)

//go:embed templates/report.html.tmpl
var templates embed.FS

var htmlTemplate = template.Must(template.New("report.html.tmpl").
	Funcs(htmlFuncs).
	ParseFS(templates, "templates/report.html.tmpl"))

// Writer writes one self-contained page (no external assets): a header with
// the run (tool version, policy set, data, scan time) and its totals, a
// tenant × control matrix, the waivers, then per tenant every control as
// an expandable section with its findings, evidence and remediation (see
// htmlpage.go). html/template escapes all snapshot text. Failing and
// erroring controls start open; the page prints those in full and the
// others as one line per status. A small inline script adds filters and
// search; without it the page shows everything.
type Writer struct{}

// Write implements Writer; control and bidirectional characters are
// neutralised (see Neutralize).
func (x Writer) Write(w io.Writer, r *report.Report) error {
	return report.Neutrally(w, func(w io.Writer) error { return x.write(w, r) })
}
