package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tenantscan/tenantscan/baseline"
	"github.com/tenantscan/tenantscan/history"
	"github.com/tenantscan/tenantscan/internal/safeopen"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/format"
)

type scanParams struct {
	scanFlags
	outputFlags
	baseline    string
	metricsFile string
	history     historyFlags
}

// outputFlags are the report flags of scan and merge: formats, where each
// goes, and the severity that fails the run.
type outputFlags struct {
	formats []string
	outputs []string
	failOn  string
	// failOnStale makes a stale snapshot (or one of unknown age) an error.
	failOnStale bool

	// derived in validate: format → file ("" for standard output)
	targets map[string]string
	order   []string
}

func (o *outputFlags) register(f *pflag.FlagSet) {
	f.StringArrayVar(&o.formats, "format", nil, "report format: "+strings.Join(format.Names(), ", ")+" (repeatable; default "+format.Default+")")
	f.StringArrayVar(&o.outputs, "output", nil, "write a format to a file: FORMAT=FILE, or FILE with a single --format (repeatable)")
	f.BoolVar(&o.failOnStale, "fail-on-stale", false, "exit 2 when a snapshot is older than --max-age or has no exportedAt")
	f.StringVar(&o.failOn, "fail-on", "high", "lowest severity whose failure makes the exit code 1: critical, high, medium, low or none")
}

func newScanCommand(e *env) *cobra.Command {
	var p scanParams
	cmd := &cobra.Command{
		Use:   "scan [PATH ...]",
		Short: "Scan snapshots (files, folders, or - for stdin) and report",
		Long: `scan loads every snapshot under the given paths (.yaml, .yml and .json files,
folders recursively, - for standard input), evaluates all controls on each,
applies waivers, compares with a baseline, and writes the reports.

Exit codes: 0 no unwaived failure at or above --fail-on; 1 at least one
(with --baseline: at least one new one); 2 a snapshot or policy could not be
evaluated (that tenant is reported with status error, the others are still
scanned), or bad usage; with --fail-on-stale, also a snapshot older than
--max-age (default 30d) or without a usable exportedAt.`,
		Example: `  tenantscan scan fixtures/
  tenantscan scan --format json --output json=report.json snapshots/
  tenantscan scan --baseline last.json --waivers waivers.yaml --fail-on high snapshots/
  tenantscan scan --fail-on critical - < tenant.yaml`,
		PreRunE: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				p.paths = args
			} else {
				p.paths = e.configPaths
			}
			if err := p.validate(); err != nil {
				return err
			}
			return p.history.validate(e, p.baseline, p.shard)
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScan(cmd, e, p)
		},
	}
	f := cmd.Flags()
	p.outputFlags.register(f)
	f.StringVar(&p.baseline, "baseline", "", "an earlier JSON report, or history (with --history): mark findings new or unchanged, list resolved ones; only new findings then count for --fail-on")
	p.history.register(f)
	f.StringVar(&p.metricsFile, "metrics-file", "", "write Prometheus metrics here (text format, for the node_exporter textfile collector)")
	p.scanFlags.register(f)
	return cmd
}

func (p *scanParams) validate() error {
	if err := p.scanFlags.validate(); err != nil {
		return err
	}
	return p.outputFlags.validate()
}

func (p *outputFlags) validate() error {
	if p.failOn != "none" && report.SeverityRank(p.failOn) == 0 {
		return usageError("--fail-on %q: want critical, high, medium, low or none", p.failOn)
	}
	p.targets = map[string]string{}
	p.order = nil
	add := func(name, file string) error {
		if _, err := format.Lookup(name); err != nil {
			return usageError("%w", err)
		}
		if prev, ok := p.targets[name]; ok {
			if file == "" || prev == file {
				return nil
			}
			if prev != "" {
				return usageError("format %s is given two output files: %s and %s", name, prev, file)
			}
		} else {
			p.order = append(p.order, name)
		}
		p.targets[name] = file
		return nil
	}
	for _, f := range p.formats {
		if err := add(f, ""); err != nil {
			return err
		}
	}
	for _, o := range p.outputs {
		name, file, ok := strings.Cut(o, "=")
		if !ok {
			if len(p.formats) != 1 {
				return usageError("--output %q: write FORMAT=FILE (a bare FILE needs exactly one --format)", o)
			}
			name, file = p.formats[0], o
		}
		if file == "" {
			return usageError("--output %q: the file name is empty", o)
		}
		if err := add(name, file); err != nil {
			return err
		}
	}
	if len(p.order) == 0 {
		p.order = []string{format.Default}
		p.targets[format.Default] = ""
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
	for _, name := range p.order {
		if f, _ := format.Lookup(name); f.Binary && p.targets[name] == "" {
			return usageError("the %s report is binary: give --output %s=FILE", name, name)
		}
	}
	return nil
}

func runScan(cmd *cobra.Command, e *env, p scanParams) error {
	set, err := p.open(p.metricsFile)
	if err != nil {
		return err
	}
	defer set.Close()
	hist, err := p.history.open(cmd.Context())
	if err != nil {
		return err
	}
	defer hist.Close()
	var base *baseline.Baseline
	if p.baseline == historyBaseline {
		if base, err = hist.baseline(cmd.Context()); err != nil {
			return err
		}
	} else if p.baseline != "" {
		f, err := safeopen.Open(p.baseline)
		if err != nil {
			return usageError("baseline: %w", err)
		}
		defer f.Close() // the resolved findings are read again after the scan
		base, err = baseline.Read(f)
		if err != nil {
			return usageError("baseline %s: %w", p.baseline, err)
		}
	}
	var live *liveRecord
	firstSeen := hist.firstSeen(cmd.Context(), e, p.asOf)
	if firstSeen != nil {
		if hist.store.Dialect() == history.SQLite {
			p.outsideHeap = history.SQLiteMemory
		}
		p.started = func(controls []report.Control) { live = hist.startLive(cmd.Context(), e, &p.scanFlags, controls) }
		p.annotate = func(t *report.Tenant) {
			live.add(t, firstSeen(t))
		}
	}
	rep, _, err := p.scan(cmd.Context(), e, base)
	if err != nil {
		live.abort()
		return err
	}
	defer rep.Close()
	rep.Parameters = append(p.parameters(), report.Parameter{Name: "fail-on", Value: p.failOn})
	if base != nil {
		rep.Parameters = append(rep.Parameters, report.Parameter{Name: "baseline", Value: p.baseline})
	}
	hist.trend(cmd.Context(), e, rep)

	var extra []extraOutput
	if p.metricsFile != "" {
		extra = append(extra, extraOutput{path: p.metricsFile, write: func(w io.Writer) error {
			return writeMetrics(w, p.metricsFile, rep)
		}})
	}
	rec := hist.startRecord(cmd.Context(), e, rep, &p.scanFlags, p.exitCode(rep, base != nil), live)
	return rec.finish(p.write(cmd.Context(), e, set, rep, extra...))
}

// exitCode maps a finished report to the exit code: 2 when a tenant is in
// error, 1 when a failure (a new one, against a baseline) reaches --fail-on.
func (p *outputFlags) exitCode(rep *report.Report, againstBaseline bool) error {
	failures := 0
	if p.failOn != "none" {
		if againstBaseline {
			failures = rep.NewFailures(p.failOn)
		} else {
			failures = rep.Failures(p.failOn)
		}
	}
	if p.failOnStale && rep.Errors() == 0 {
		// A stale snapshot counts as one in error: 2, over findings (a
		// tenant in error says so first).
		if err := staleError(rep); err != nil {
			return err
		}
	}
	return verdictExit(rep, failures)
}

// verdictExit is the one exit-code rule of every command that judges
// tenants (scan, merge, readiness): 2 when a tenant could not be
// evaluated — errors win, since what was not evaluated may hide anything —
// else 1 when there are findings (failures reaching --fail-on, tenants not
// ready), else 0.
func verdictExit(rep *report.Report, findings int) error {
	if rep.Errors() > 0 {
		return &exitCodeError{code: exitError, err: fmt.Errorf("%d of %d snapshot(s) could not be evaluated", rep.Errors(), rep.TenantCount())}
	}
	if findings > 0 {
		return &exitCodeError{code: exitFindings}
	}
	return nil
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
