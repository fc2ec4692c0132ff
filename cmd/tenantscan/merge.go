package main

import (
	"github.com/spf13/cobra"

	"github.com/tenantscan/tenantscan/report"
)

func newMergeCommand(e *env) *cobra.Command {
	var p outputFlags
	var h historyFlags
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
			return h.validate(e, "", "")
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := p.open()
			if err != nil {
				return err
			}
			defer set.Close()
			hist, err := h.open(cmd.Context())
			if err != nil {
				return err
			}
			defer hist.Close()
			e.log.Info("merge started", "reports", len(args))
			merged, err := report.MergeFiles(cmd.Context(), args, "")
			if cmd.Context().Err() != nil {
				return &exitCodeError{code: exitError, err: errInterrupted}
			}
			if err != nil {
				return usageError("%w", err)
			}
			defer merged.Close()
			hist.trend(cmd.Context(), e, merged)
			if err := p.write(cmd.Context(), e, set, merged); err != nil {
				return err
			}
			return hist.record(cmd.Context(), e, merged, nil, p.exitCode(merged, merged.Summary.Drift != nil))
		},
	}
	p.register(cmd.Flags())
	h.register(cmd.Flags())
	return cmd
}
