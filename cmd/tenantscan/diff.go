package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/tenantscan/tenantscan/baseline"
	"github.com/tenantscan/tenantscan/internal/safeopen"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/format"
)

// diffParams are the arguments of diff.
type diffParams struct {
	format   string // of format.Drift
	old, cur string // the two JSON reports
}

func newDiffCommand(e *env) *cobra.Command {
	var p diffParams
	cmd := &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "Compare two saved JSON reports: new, unchanged and resolved findings",
		Long: `diff compares two JSON reports the way scan --baseline does: each finding of
NEW is new or unchanged, and findings of OLD that are gone are resolved.
Findings are matched by their fingerprint: tenant id, control id, resource
kind and resource id. Exit code 0 either way (2 when a report cannot be read).`,
		Args: cobra.ExactArgs(2),
		PreRunE: func(*cobra.Command, []string) error {
			_, err := format.Drift.Lookup(p.format)
			if err != nil {
				return usageError("--format: %w", err)
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			p.old, p.cur = args[0], args[1]
			return runDiff(e, p)
		},
	}
	cmd.Flags().StringVar(&p.format, "format", "table", "output: "+strings.Join(format.Drift.Names(), " or "))
	return cmd
}

// runDiff prints the drift from p.old to p.cur; its exit code is 0 either
// way, 2 when a report cannot be read.
func runDiff(e *env, p diffParams) error {
	old, err := readReport(p.old)
	if err != nil {
		return err
	}
	cur, err := readReport(p.cur)
	if err != nil {
		return err
	}
	if err := baseline.Apply(cur, old); err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	f, err := format.Drift.Lookup(p.format)
	if err != nil {
		return usageError("--format: %w", err)
	}
	out, err := report.Render(f.New(format.Options{Width: e.tableWidth()}), cur)
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	_, err = e.stdout.Write(out)
	return err
}

func readReport(path string) (*report.Report, error) {
	f, err := safeopen.Open(path)
	if err != nil {
		return nil, usageError("%w", err)
	}
	defer f.Close()
	r, err := report.Read(f)
	if err != nil {
		return nil, usageError("%s: %w", path, err)
	}
	return r, nil
}
