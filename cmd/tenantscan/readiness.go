package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/report/format"
)

type readinessParams struct {
	scanFlags
	format string
}

func newReadinessCommand(e *env) *cobra.Command {
	var p readinessParams
	cmd := &cobra.Command{
		Use:   "readiness [PATH ...]",
		Short: "Pre-rollout check: READY / NOT READY per tenant, with the blocking controls and next steps",
		Long: `readiness scans the snapshots and prints, per tenant, READY or NOT READY.
A tenant is ready when no critical or high control fails or could not be
evaluated (waived findings do not block). For a tenant not ready it lists the
blocking controls in the order of Microsoft's procedure (prerequisites,
provisioning, permissions, configuration, connectors) with the next step of
each.

Exit codes: 0 every tenant is ready; 1 at least one is not; 2 a snapshot or
policy could not be evaluated, or bad usage.`,
		Example: `  tenantscan readiness fixtures/contoso-compliant.yaml
  tenantscan readiness --waivers waivers.yaml --format json snapshots/`,
		PreRunE: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				p.paths = args
			} else {
				p.paths = e.configPaths
			}
			if _, err := format.Readiness.Lookup(p.format); err != nil {
				return usageError("--format: %w", err)
			}
			return p.validate()
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReadiness(cmd.Context(), e, p)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&p.format, "format", "text", "output: "+strings.Join(format.Readiness.Names(), " or "))
	p.scanFlags.register(fl)
	return cmd
}

// runReadiness prints READY or NOT READY per tenant in p.format; its exit
// code is verdictExit's, a tenant not ready being a finding.
func runReadiness(ctx context.Context, e *env, p readinessParams) error {
	rep, _, err := p.scan(ctx, e, nil)
	if err != nil {
		return err
	}
	defer rep.Close()
	f, err := format.Readiness.Lookup(p.format)
	if err != nil {
		return usageError("--format: %w", err)
	}
	out, err := report.Render(f.New(format.Options{}), rep)
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	if _, err := e.stdout.Write(out); err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	notReady := 0
	err = rep.EachTenant(func(t *report.Tenant) error {
		if !t.Readiness.Ready {
			notReady++
		}
		return nil
	})
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	return verdictExit(rep, notReady)
}
