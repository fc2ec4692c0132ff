package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/tenantscan/tenantscan/internal/safeopen"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/format"
)

func newDiffCommand(e *env) *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "Compare two saved JSON reports: new, unchanged and resolved findings",
		Long: `diff compares two JSON reports the way scan --baseline does: each finding of
NEW is new or unchanged, and findings of OLD that are gone are resolved.
Findings are matched by their fingerprint: tenant id, control id, resource
kind and resource id. Exit code 0 either way (2 when a report cannot be read).`,
		Args: cobra.ExactArgs(2),
		PreRunE: func(*cobra.Command, []string) error {
			_, err := format.Drift.Lookup(name)
			if err != nil {
				return usageError("--format: %w", err)
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			old, err := readReport(args[0])
			if err != nil {
				return err
			}
			cur, err := readReport(args[1])
			if err != nil {
				return err
			}
			if err := report.ApplyBaseline(cur, old); err != nil {
				return &exitCodeError{code: exitError, err: err}
			}
			f, err := format.Drift.Lookup(name)
			if err != nil {
				return usageError("--format: %w", err)
			}
			out, err := report.Render(f.New(format.Options{}), cur)
			if err != nil {
				return &exitCodeError{code: exitError, err: err}
			}
			_, err = e.stdout.Write(out)
			return err
		},
	}
	cmd.Flags().StringVar(&name, "format", "table", "output: "+strings.Join(format.Drift.Names(), " or "))
	return cmd
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
