package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/sarif"
	"github.com/tenantscan/tenantscan/report/xlsx"
	"github.com/tenantscan/tenantscan/scanner"
)

// formats are the report formats scan can write.
var formats = []string{"table", "json", "sarif", "junit", "html", "xlsx", "markdown", "csv"}

type scanParams struct {
	paths       []string
	formats     []string
	outputs     []string
	policyDirs  []string
	dataFiles   []string
	failOn      string
	parallel    int
	maxFileSize int64
	maxDepth    int

	// derived in validate: format → file ("" for standard output)
	targets map[string]string
	order   []string
}

func newScanCommand(e *env) *cobra.Command {
	var p scanParams
	lim := scanner.DefaultLimits()
	cmd := &cobra.Command{
		Use:   "scan [PATH ...]",
		Short: "Scan snapshots (files, folders, or - for stdin) and report",
		Long: `scan loads every snapshot under the given paths (.yaml, .yml and .json files,
folders recursively, - for standard input), evaluates all controls on each,
and writes the reports.

Exit codes: 0 no unwaived failure at or above --fail-on; 1 at least one;
2 a snapshot or policy could not be evaluated (that tenant is reported with
status error, the others are still scanned), or bad usage.`,
		Example: `  tenantscan scan fixtures/
  tenantscan scan --format json --output json=report.json snapshots/
  tenantscan scan --fail-on critical - < tenant.yaml`,
		PreRunE: func(_ *cobra.Command, args []string) error {
			p.paths = args
			return p.validate()
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScan(cmd, e, p)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&p.formats, "format", nil, "report format: "+strings.Join(formats, ", ")+" (repeatable; default table)")
	f.StringArrayVar(&p.outputs, "output", nil, "write a format to a file: FORMAT=FILE, or FILE with a single --format (repeatable)")
	f.StringArrayVar(&p.policyDirs, "policy", nil, "folder of user Rego controls added to the built-in ones (repeatable)")
	f.StringArrayVar(&p.dataFiles, "data", nil, "policy data file (YAML/JSON) merged over the built-in data (repeatable)")
	f.StringVar(&p.failOn, "fail-on", "high", "lowest severity whose failure makes the exit code 1: critical, high, medium, low or none")
	f.IntVar(&p.parallel, "parallel", runtime.NumCPU(), "snapshots evaluated at once")
	f.Int64Var(&p.maxFileSize, "max-file-size", lim.MaxBytes, "largest snapshot file accepted, in bytes")
	f.IntVar(&p.maxDepth, "max-depth", lim.MaxDepth, "deepest nesting accepted in a snapshot")
	return cmd
}

func (p *scanParams) validate() error {
	if len(p.paths) == 0 {
		return usageError("scan needs at least one snapshot path (a file, a folder, or - for stdin)")
	}
	if p.failOn != "none" && report.SeverityRank(p.failOn) == 0 {
		return usageError("--fail-on %q: want critical, high, medium, low or none", p.failOn)
	}
	if p.parallel < 1 {
		return usageError("--parallel %d: want 1 or more", p.parallel)
	}
	if p.maxFileSize < 1 || p.maxDepth < 1 {
		return usageError("--max-file-size and --max-depth must be positive")
	}
	p.targets = map[string]string{}
	add := func(format, file string) error {
		if !slices.Contains(formats, format) {
			return usageError("unknown format %q (available: %s)", format, strings.Join(formats, ", "))
		}
		if prev, ok := p.targets[format]; ok {
			if file == "" || prev == file {
				return nil
			}
			if prev != "" {
				return usageError("format %s is given two output files: %s and %s", format, prev, file)
			}
		} else {
			p.order = append(p.order, format)
		}
		p.targets[format] = file
		return nil
	}
	for _, f := range p.formats {
		if err := add(f, ""); err != nil {
			return err
		}
	}
	for _, o := range p.outputs {
		format, file, ok := strings.Cut(o, "=")
		if !ok {
			if len(p.formats) != 1 {
				return usageError("--output %q: write FORMAT=FILE (a bare FILE needs exactly one --format)", o)
			}
			format, file = p.formats[0], o
		}
		if file == "" {
			return usageError("--output %q: the file name is empty", o)
		}
		if err := add(format, file); err != nil {
			return err
		}
	}
	if len(p.order) == 0 {
		p.order = []string{"table"}
		p.targets["table"] = ""
	}
	toStdout := 0
	for _, f := range p.order {
		if p.targets[f] == "" {
			toStdout++
		}
	}
	if toStdout > 1 {
		return usageError("more than one format would go to standard output: give --output FORMAT=FILE for all but one")
	}
	if p.targets["xlsx"] == "" && slices.Contains(p.order, "xlsx") {
		return usageError("the xlsx workbook is binary: give --output xlsx=FILE")
	}
	return nil
}

func runScan(cmd *cobra.Command, e *env, p scanParams) error {
	ctx := cmd.Context()
	engine, err := scanner.NewEngine(ctx, scanner.EngineOptions{PolicyDirs: p.policyDirs, DataFiles: p.dataFiles})
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	sources := scanner.Discover(p.paths)
	if len(sources) == 0 {
		return usageError("no snapshots (.yaml, .yml, .json) found in %s", strings.Join(p.paths, ", "))
	}
	lim := scanner.DefaultLimits()
	lim.MaxBytes, lim.MaxDepth = p.maxFileSize, p.maxDepth
	rep := scanner.Scan(ctx, engine, sources, scanner.Options{
		Parallel:    p.parallel,
		Limits:      lim,
		Stdin:       e.stdin,
		ToolVersion: toolVersion(),
	})
	rep.Parameters = p.parameters()

	// Render every report before writing any, so a failure writes nothing.
	rendered := make(map[string][]byte, len(p.order))
	for _, format := range p.order {
		data, err := report.Render(e.writer(format, p.targets[format] == ""), rep)
		if err != nil {
			return &exitCodeError{code: exitError, err: err}
		}
		rendered[format] = data
	}
	for _, format := range p.order {
		if file := p.targets[format]; file != "" {
			if err := report.WriteFile(file, rendered[format]); err != nil {
				return &exitCodeError{code: exitError, err: err}
			}
		} else if _, err := e.stdout.Write(rendered[format]); err != nil {
			return &exitCodeError{code: exitError, err: fmt.Errorf("write to standard output: %w", err)}
		}
	}

	switch {
	case rep.Errors() > 0:
		return &exitCodeError{code: exitError, err: fmt.Errorf("%d of %d snapshot(s) could not be evaluated", rep.Errors(), len(rep.Tenants))}
	case p.failOn != "none" && rep.Failures(p.failOn) > 0:
		return &exitCodeError{code: exitFindings}
	}
	return nil
}

// parameters records the scan's settings in the report.
func (p scanParams) parameters() []report.Parameter {
	list := func(v []string) string {
		if len(v) == 0 {
			return "(none)"
		}
		return strings.Join(v, ", ")
	}
	return []report.Parameter{
		{Name: "paths", Value: list(p.paths)},
		{Name: "policies", Value: "built-in" + strings.TrimSuffix(", "+list(p.policyDirs), ", (none)")},
		{Name: "data", Value: "built-in" + strings.TrimSuffix(", "+list(p.dataFiles), ", (none)")},
		{Name: "fail-on", Value: p.failOn},
	}
}

// writer returns the report writer of a format; toStdout is true when it
// writes to standard output.
func (e *env) writer(format string, toStdout bool) report.Writer {
	switch format {
	case "json":
		return report.JSON{}
	case "sarif":
		return sarif.Writer{}
	case "junit":
		return report.JUnit{}
	case "html":
		return report.HTML{}
	case "xlsx":
		return xlsx.Writer{}
	case "markdown":
		return report.Markdown{}
	case "csv":
		return report.CSV{}
	default:
		return report.Table{Color: toStdout && e.colorOK()}
	}
}

// colorOK is true when standard output is a terminal, NO_COLOR is unset
// (https://no-color.org) and TERM is not dumb.
func (e *env) colorOK() bool {
	if e.getenv("NO_COLOR") != "" || e.getenv("TERM") == "dumb" {
		return false
	}
	isTerminal := e.isTerminal
	if isTerminal == nil {
		isTerminal = fileIsTerminal
	}
	return isTerminal(e.stdout)
}

func fileIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
