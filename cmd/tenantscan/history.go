package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tenantscan/tenantscan/history"
	"github.com/tenantscan/tenantscan/report"
)

// historyFormats are the output formats of the history subcommands.
var historyFormats = []string{"table", "json", "csv"}

// historyParams are the flags every history subcommand has.
type historyParams struct {
	url    string
	format string
}

func (p *historyParams) validate(e *env) error {
	if p.url == "" {
		p.url = e.getenv("TENANTSCAN_HISTORY")
	}
	if p.url == "" {
		return usageError("give --history URL (or TENANTSCAN_HISTORY)")
	}
	if _, _, err := history.ParseURL(p.url); err != nil {
		return usageError("--history: %w", err)
	}
	switch p.format {
	case "table", "json", "csv":
		return nil
	}
	return usageError("--format %q: want %s", p.format, strings.Join(historyFormats, ", "))
}

// open opens the history (migrating it), for the commands that write;
// failure is exit code 2.
func (p *historyParams) open(ctx context.Context) (*history.Store, error) {
	s, err := history.Open(ctx, p.url)
	if err != nil {
		return nil, &exitCodeError{code: exitError, err: err}
	}
	return s, nil
}

// read opens the history for the commands that only read it: it must
// exist and be at this binary's schema (history.OpenExisting); failure is
// exit code 2.
func (p *historyParams) read(ctx context.Context) (*history.Store, error) {
	s, err := history.OpenExisting(ctx, p.url)
	if err != nil {
		return nil, &exitCodeError{code: exitError, err: err}
	}
	return s, nil
}

func newHistoryCommand(e *env) *cobra.Command {
	var p historyParams
	cmd := &cobra.Command{
		Use:   "history",
		Short: "Query the run history that scan --history records",
		Long: `history answers from the database that scan --history URL writes: the runs,
a tenant over time, the findings open (on any date), the time to resolve,
and prunes old runs. URL is sqlite:PATH, a file path, or postgres://…
(default $TENANTSCAN_HISTORY). Output as table, json or csv.`,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if root := cmd.Root(); root.PersistentPreRunE != nil {
				if err := root.PersistentPreRunE(cmd, args); err != nil {
					return err
				}
			}
			return p.validate(e)
		},
	}
	f := cmd.PersistentFlags()
	f.StringVar(&p.url, "history", "", "history database: sqlite:PATH, a file path, or postgres://… (default $TENANTSCAN_HISTORY)")
	f.StringVar(&p.format, "format", "table", "output: "+strings.Join(historyFormats, ", "))

	var limit int
	runs := &cobra.Command{
		Use:   "runs",
		Short: "Recent runs with their counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return historyRuns(cmd.Context(), p, limit, e.stdout)
		},
	}
	runs.Flags().IntVar(&limit, "limit", 30, "runs to list, newest first (0: all)")

	var tenantLimit int
	tenant := &cobra.Command{
		Use:   "tenant ID",
		Short: "A tenant over time: status, readiness and failures by severity",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return historyTenant(cmd.Context(), p, args[0], tenantLimit, e.stdout)
		},
	}
	tenant.Flags().IntVar(&tenantLimit, "limit", 0, "last runs to list (0: all)")

	var fp findingsParams
	findings := &cobra.Command{
		Use:   "findings",
		Short: "Open findings with their age; --as-of DATE for what was open that day",
		Args:  cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			return fp.validate()
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return historyFindings(cmd.Context(), p, fp, e.stdout)
		},
	}
	ff := findings.Flags()
	ff.StringVar(&fp.tenant, "tenant", "", "only this tenant id")
	ff.StringVar(&fp.control, "control", "", "only this control id")
	ff.StringVar(&fp.severity, "severity", "", "only this severity: critical, high, medium or low")
	ff.StringVar(&fp.asOf, "as-of", "", "as of the end of this day, YYYY-MM-DD (default: the last run)")
	ff.StringSliceVar(&fp.states, "state", []string{history.StateOpen}, "states to list: open, waived, resolved (comma-separated)")

	mttr := &cobra.Command{
		Use:   "mttr",
		Short: "Time to resolve findings, by control and severity",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return historyMTTR(cmd.Context(), p, e.stdout)
		},
	}

	var keep string
	prune := &cobra.Command{
		Use:   "prune",
		Short: "Delete runs and resolved findings older than --keep",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := parseKeep(keep)
			if err != nil {
				return err
			}
			return historyPrune(cmd.Context(), p, time.Now().Add(-d), e.stdout)
		},
	}
	prune.Flags().StringVar(&keep, "keep", "400d", "keep this much history: days (400d) or a Go duration (72h)")

	migrate := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the schema migrations (scan --history applies them too)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return historyMigrate(cmd.Context(), p, e.stdout)
		},
	}
	cmd.AddCommand(migrate, runs, tenant, findings, mttr, prune)
	return cmd
}

// parseKeep reads a retention: Nd (days) or a Go duration.
func parseKeep(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, usageError("--keep %q: want days such as 400d, or a duration such as 72h", s)
}

// historyMigrate applies the migrations and says the version.
func historyMigrate(ctx context.Context, p historyParams, w io.Writer) error {
	s, err := p.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	v, err := s.Migrate(ctx)
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	if p.format == "table" {
		_, err = fmt.Fprintf(w, "history schema at version %d (%s)\n", v, s.Dialect())
		return err
	}
	value := struct {
		Version int64  `json:"version"`
		Dialect string `json:"dialect"`
	}{v, s.Dialect()}
	return render(w, p.format, []string{"VERSION", "DIALECT"}, [][]string{{strconv.FormatInt(v, 10), s.Dialect()}}, value)
}

func historyRuns(ctx context.Context, p historyParams, limit int, w io.Writer) error {
	s, err := p.read(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	rows, err := s.Runs(ctx, limit)
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	head := []string{"RUN", "AT", "SHARDS", "EXIT", "TENANTS", "ERRORS", "READY", "CRITICAL", "HIGH", "MEDIUM", "LOW", "CHANGES"}
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, []string{r.RunID, r.At.Format(time.RFC3339), fmt.Sprintf("%d/%d", r.Shards, r.ShardCount), itoa(r.ExitCode),
			itoa(r.Tenants), itoa(r.Errors), itoa(r.Ready), itoa(r.Critical), itoa(r.High), itoa(r.Medium), itoa(r.Low), itoa(r.Changes)})
	}
	return render(w, p.format, head, cells, orEmpty(rows))
}

func historyTenant(ctx context.Context, p historyParams, id string, limit int, w io.Writer) error {
	s, err := p.read(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	rows, err := s.Tenant(ctx, id, limit)
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	if len(rows) == 0 {
		return usageError("tenant %s: not in the history", id)
	}
	head := []string{"RUN", "AT", "STATUS", "READY", "CRITICAL", "HIGH", "MEDIUM", "LOW", "WAIVED", "CHANGES", "EXPORTED", "ERROR"}
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, []string{r.RunID, r.At.Format(time.RFC3339), r.Status, strconv.FormatBool(r.Ready), itoa(r.Critical), itoa(r.High),
			itoa(r.Medium), itoa(r.Low), itoa(r.Waived), itoa(r.Changes), r.ExportedAt, firstLine(&r.Error)})
	}
	return render(w, p.format, head, cells, rows)
}

// findingsParams are the filters of history findings.
type findingsParams struct {
	tenant, control, severity, asOf string
	states                          []string
	asOfDate                        time.Time
}

func (f *findingsParams) validate() error {
	if f.severity != "" && report.SeverityRank(f.severity) == 0 {
		return usageError("--severity %q: want critical, high, medium or low", f.severity)
	}
	if f.asOf != "" {
		d, err := time.Parse(time.DateOnly, f.asOf)
		if err != nil {
			return usageError("--as-of %q: want a date YYYY-MM-DD", f.asOf)
		}
		f.asOfDate = d
	}
	for _, st := range f.states {
		switch st {
		case history.StateOpen, history.StateWaived, history.StateResolved:
		default:
			return usageError("--state %q: want open, waived or resolved", st)
		}
	}
	return nil
}

func historyFindings(ctx context.Context, p historyParams, f findingsParams, w io.Writer) error {
	s, err := p.read(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	rows, err := s.Findings(ctx, history.FindingFilter{TenantID: f.tenant, ControlID: f.control, Severity: f.severity, AsOf: f.asOfDate, States: f.states})
	if err != nil {
		if err == history.ErrNoRuns {
			return usageError("history has no run on or before %s", orDash(f.asOf))
		}
		return &exitCodeError{code: exitError, err: err}
	}
	head := []string{"TENANT", "CONTROL", "SEVERITY", "RESOURCE", "STATE", "FIRST SEEN", "OPENED", "AGE (DAYS)", "RESOLVED", "WAIVER EXPIRES", "MESSAGE"}
	var cells [][]string
	for _, r := range rows {
		resolved := ""
		if r.Resolved != nil {
			resolved = r.Resolved.Format(time.DateOnly)
		}
		cells = append(cells, []string{r.TenantID, r.ControlID, r.Severity, r.ResourceKind + "/" + r.ResourceID, r.State,
			r.FirstSeen.Format(time.DateOnly), r.Opened.Format(time.DateOnly), itoa(r.AgeDays), resolved, r.WaiverExpires, r.Message})
	}
	return render(w, p.format, head, cells, orEmpty(rows))
}

func historyMTTR(ctx context.Context, p historyParams, w io.Writer) error {
	s, err := p.read(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	rows, err := s.MTTR(ctx)
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	head := []string{"CONTROL", "SEVERITY", "RESOLVED", "MEAN (DAYS)", "MAX (DAYS)", "OPEN"}
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, []string{r.ControlID, r.Severity, itoa(r.Resolved), strconv.FormatFloat(r.MeanDays, 'f', 1, 64),
			strconv.FormatFloat(r.MaxDays, 'f', 1, 64), itoa(r.Open)})
	}
	return render(w, p.format, head, cells, orEmpty(rows))
}

func historyPrune(ctx context.Context, p historyParams, before time.Time, w io.Writer) error {
	s, err := p.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.Prune(ctx, before)
	if err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	cutoff := before.UTC().Format(time.RFC3339)
	head := []string{"BEFORE", "RUNS", "TENANT ROWS", "FINDINGS"}
	cells := [][]string{{cutoff, strconv.FormatInt(n.Runs, 10), strconv.FormatInt(n.TenantRows, 10), strconv.FormatInt(n.Findings, 10)}}
	value := struct {
		Before string `json:"before"`
		history.Pruned
	}{cutoff, n}
	return render(w, p.format, head, cells, value)
}

// render writes rows as an aligned table, CSV (with a header), or the
// value as indented JSON.
func render(w io.Writer, format string, head []string, rows [][]string, value any) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(value)
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(head); err != nil {
			return err
		}
		if err := cw.WriteAll(rows); err != nil {
			return err
		}
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func itoa(n int) string { return strconv.Itoa(n) }

func orDash(s string) string {
	if s == "" {
		return "the last run"
	}
	return s
}

// orEmpty makes a nil slice encode as [] rather than null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
