package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/tenantscan/tenantscan/report"
)

// mergeParams are the arguments of merge.
type mergeParams struct {
	outputFlags
	hist    historyFlags
	reports []string // the shards' JSON reports
}

func newMergeCommand(e *env) *cobra.Command {
	var p mergeParams
	cmd := &cobra.Command{
		Use:   "merge REPORT.json...",
		Short: "Merge the JSON reports of shards (scan --shard K/N) into one report",
		Long: `merge joins JSON reports written by scan --shard K/N into one report, with
the tenants of all shards, and writes it in any format scan writes. A waiver
counts as unused only when no shard used it. The reports must be exactly
shards 1 to N of one run (same version, catalogue, policies, data, waivers
and --fail-on), each tenant in one shard; anything else is refused naming
the files (exit 2). Exit codes as for scan.`,
		Example: `  tenantscan merge --output json=report.json --output xlsx=audit.xlsx shard-*.json`,
		Args:    cobra.MinimumNArgs(1),
		PreRunE: func(*cobra.Command, []string) error {
			if err := p.validate(); err != nil {
				return err
			}
			return p.hist.validate(e, "", "")
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			p.reports = args
			return runMerge(cmd.Context(), e, p)
		},
	}
	p.register(cmd.Flags())
	p.hist.register(cmd.Flags())
	return cmd
}

// runMerge merges the shards' reports and writes the merged report; exit
// codes as for scan.
func runMerge(ctx context.Context, e *env, p mergeParams) error {
	set, err := p.open()
	if err != nil {
		return err
	}
	defer set.Close()
	hist, err := p.hist.open(ctx)
	if err != nil {
		return err
	}
	defer hist.Close()
	e.log.Info("merge started", "reports", len(p.reports))
	merged, err := report.MergeFiles(ctx, p.reports, "")
	if ctx.Err() != nil {
		return &exitCodeError{code: exitError, err: errInterrupted}
	}
	if err != nil {
		return usageError("%w", err)
	}
	defer merged.Close()
	hist.trend(ctx, e, merged)
	rec := hist.startRecord(ctx, e, merged, nil, p.exitCode(merged, merged.Summary.Drift != nil), nil)
	return rec.finish(p.write(ctx, e, set, merged))
}
