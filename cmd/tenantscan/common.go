package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/pflag"

	"github.com/tenantscan/tenantscan/baseline"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/scanner"
	"github.com/tenantscan/tenantscan/snapshot"
	"github.com/tenantscan/tenantscan/waiver"
)

// scanFlags are the flags scan and readiness share: what to scan, with
// which policies, waivers and limits.
type scanFlags struct {
	// annotate is passed to the scan as scanner.Options.Annotate (not a
	// flag: the run history sets it).
	annotate func(*report.Tenant)
	// outsideHeap is what the run keeps outside Go's heap, which the
	// runtime's memory limit does not see (a SQLite history's page cache;
	// not a flag).
	outsideHeap int64
	// started, when set, is called with the controls once the policies
	// are compiled, before any snapshot is evaluated (not a flag: the run
	// history begins writing the run then).
	started         func([]report.Control)
	paths           []string
	policyDirs      []string
	dataFiles       []string
	waiversFile     string
	asOf            string
	parallel        int
	maxFileSize     int64
	maxDepth        int
	timeout         time.Duration
	snapshotTimeout time.Duration
	shard           string
	shardSpec       scanner.Shard
	maxAge          maxAgeFlag
}

func (s *scanFlags) register(f *pflag.FlagSet) {
	lim := snapshot.DefaultLimits()
	f.StringArrayVar(&s.policyDirs, "policy", nil, "folder of user Rego controls added to the built-in ones (repeatable)")
	f.StringArrayVar(&s.dataFiles, "data", nil, "policy data file (YAML/JSON) merged over the built-in data (repeatable)")
	f.StringVar(&s.waiversFile, "waivers", "", "waiver file (YAML): control, tenant, resource pattern, reason, owner, expires")
	f.StringVar(&s.asOf, "as-of", "", "judge waiver expiry as of this date, YYYY-MM-DD (default: today, UTC)")
	f.IntVar(&s.parallel, "parallel", runtime.GOMAXPROCS(0), "snapshots evaluated at once: one per CPU the process may use, container CPU limits included")
	f.Int64Var(&s.maxFileSize, "max-file-size", lim.MaxBytes, "largest snapshot file accepted, in bytes")
	f.IntVar(&s.maxDepth, "max-depth", lim.MaxDepth, "deepest nesting accepted in a snapshot")
	f.DurationVar(&s.timeout, "timeout", 0, "deadline for the whole scan, e.g. 30m; snapshots not done by then are errors (0: none)")
	f.DurationVar(&s.snapshotTimeout, "snapshot-timeout", 5*time.Minute, "deadline for evaluating one snapshot; past it, that tenant is an error (0: none)")
	s.maxAge.d = report.DefaultMaxAge
	f.Var(&s.maxAge, "max-age", "a snapshot exported longer ago than this is stale (flagged in every report): days (30d) or a duration (72h); 0 turns it off")
	f.StringVar(&s.shard, "shard", "", "scan only shard K of N (K/N, 1-based): the tenants whose id hashes there; merge the shard reports with tenantscan merge")
}

func (s *scanFlags) validate() error {
	if len(s.paths) == 0 {
		return usageError("give at least one snapshot path (a file, a folder, or - for stdin), or paths in --config")
	}
	for _, p := range s.paths {
		// A path that does not exist is a mistake on the command line (or
		// in --config), not a tenant: say so in one line, before any work.
		if _, err := os.Stat(p); p != snapshot.StdinName && errors.Is(err, fs.ErrNotExist) {
			return usageError("%s: no such file or folder", p)
		}
	}
	if s.parallel < 1 {
		return usageError("--parallel %d: want 1 or more", s.parallel)
	}
	if s.maxFileSize < 1 || s.maxDepth < 1 {
		return usageError("--max-file-size and --max-depth must be positive")
	}
	if s.timeout < 0 || s.snapshotTimeout < 0 {
		return usageError("--timeout and --snapshot-timeout cannot be negative")
	}
	if s.asOf != "" {
		if _, err := time.Parse(time.DateOnly, s.asOf); err != nil {
			return usageError("--as-of %q: want a date YYYY-MM-DD", s.asOf)
		}
	}
	if s.shard != "" {
		k, n, ok := strings.Cut(s.shard, "/")
		ki, err1 := strconv.Atoi(k)
		ni, err2 := strconv.Atoi(n)
		if !ok || err1 != nil || err2 != nil || ni < 1 || ki < 1 || ki > ni {
			return usageError("--shard %q: want K/N with 1 <= K <= N, e.g. 2/4", s.shard)
		}
		s.shardSpec = scanner.Shard{Index: ki, Count: ni}
	}
	return nil
}

// errInterrupted reports a scan stopped by a signal: nothing is written.
var errInterrupted = errors.New("interrupted: no report written")

// scan runs the shared part of scan and readiness: policies, waivers,
// snapshots, evaluation with progress, drift against baseline (if not
// nil). It returns the report, which the caller closes, or an error
// carrying the exit code.
func (s *scanFlags) scan(ctx context.Context, e *env, base *baseline.Baseline) (*report.Report, *policy.Engine, error) {
	e.log.Info("compiling policies", "policy", len(s.policyDirs), "data", len(s.dataFiles))
	engine, err := policy.NewEngine(ctx, policy.EngineOptions{PolicyDirs: s.policyDirs, DataFiles: s.dataFiles})
	if ctx.Err() != nil {
		return nil, nil, &exitCodeError{code: exitError, err: errInterrupted}
	}
	if err != nil {
		return nil, nil, &exitCodeError{code: exitError, err: err}
	}
	var waivers []report.Waiver
	if s.waiversFile != "" {
		known := map[string]bool{}
		for _, c := range engine.Controls() {
			known[c.ID] = true
		}
		if waivers, err = waiver.LoadWaivers(s.waiversFile, known); err != nil {
			return nil, nil, usageError("waivers: %w", err)
		}
	}
	var today time.Time
	if s.asOf != "" {
		today, _ = time.Parse(time.DateOnly, s.asOf)
	}
	sources, notes := snapshot.Walk(s.paths)
	for _, n := range notes {
		e.log.Warn(n)
	}
	if len(sources) == 0 {
		return nil, nil, usageError("no snapshots (.yaml, .yml, .json) found in %s", strings.Join(s.paths, ", "))
	}
	lim := snapshot.DefaultLimits()
	lim.MaxBytes, lim.MaxDepth = s.maxFileSize, s.maxDepth

	scanCtx := ctx
	if s.timeout > 0 {
		var cancel context.CancelFunc
		scanCtx, cancel = context.WithTimeout(ctx, s.timeout)
		defer cancel()
	}
	limit := runtimeMemoryLimit()
	if limit > 0 && s.outsideHeap > 0 && e.getenv("GOMEMLIMIT") == "" {
		// The container's limit (automemlimit): what the run keeps outside
		// Go's heap comes off the runtime's share of it.
		limit = heapShare(limit, s.outsideHeap)
		if e.setMemoryLimit != nil {
			e.setMemoryLimit(limit)
		}
		e.log.Info("Go runtime soft memory limit lowered for the SQLite history's page cache", "limit", megabytes(limit), "sqlite", megabytes(s.outsideHeap))
	}
	parallel := fitParallel(e.log, s.parallel, sources, limit)
	if limit == 0 {
		boundMemory(e.log, e.setMemoryLimit, parallel, sources)
	}
	e.log.Info("scan started", "snapshots", len(sources), "controls", len(engine.Controls()), "parallel", parallel, "waivers", len(waivers))
	progress := e.progress(len(sources))
	if s.started != nil {
		s.started(engine.Controls())
	}
	rep, err := scanner.Scan(scanCtx, engine, sources, scanner.Options{
		Parallel:        parallel,
		Limits:          lim,
		Stdin:           e.stdin,
		ToolVersion:     toolVersion(),
		Waivers:         waivers,
		Today:           today,
		SnapshotTimeout: s.snapshotTimeout,
		Shard:           s.shardSpec,
		Baseline:        base,
		MaxAge:          s.maxAge.d,
		Annotate:        s.annotate,
		Now:             e.now,
		Progress: func(t report.Tenant) {
			progress()
			switch {
			case t.Status == "": // another shard's: decoded, not scanned
				e.log.Debug("snapshot left to another shard", "snapshot", t.Snapshot)
			case t.Status == report.TenantError:
				e.log.Warn("snapshot could not be evaluated", "snapshot", t.Snapshot, "error", firstLine(t.Error))
			default:
				e.log.Debug("snapshot scanned", "snapshot", t.Snapshot, "tenant", t.TenantID, "status", t.Status, "ready", t.Readiness.Ready)
			}
		},
	})
	e.finishProgress()
	if err != nil {
		return nil, nil, &exitCodeError{code: exitError, err: err}
	}
	rep.Policy = s.policySet()
	if ctx.Err() != nil {
		rep.Close()
		return nil, nil, &exitCodeError{code: exitError, err: errInterrupted}
	}
	if errors.Is(scanCtx.Err(), context.DeadlineExceeded) {
		e.log.Warn("scan deadline reached; snapshots not done are errors", "timeout", s.timeout)
	}
	for _, x := range rep.Superseded {
		e.log.Warn("snapshot superseded by a newer one of the same tenant", "snapshot", x.Snapshot, "tenant", x.TenantID,
			"exportedAt", x.ExportedAt, "by", x.By, "byExportedAt", x.ByExportedAt)
	}
	for _, w := range rep.UnusedWaivers {
		e.log.Warn("waiver matched no finding", "file", w.File, "line", w.Line, "control", w.Control, "resource", w.Resource)
	}
	e.log.Info("scan finished", "tenants", rep.Summary.Tenants, "pass", rep.Summary.Pass, "fail", rep.Summary.Fail, "error", rep.Summary.Error,
		"duration", rep.FinishedAt.Sub(rep.StartedAt).String(), "spooled", rep.Spooled())
	return rep, engine, nil
}

func firstLine(s *string) string {
	if s == nil {
		return ""
	}
	line, _, _ := strings.Cut(*s, "\n")
	return line
}

// parameters records the shared settings in the report.
func (s *scanFlags) parameters() []report.Parameter {
	list := func(v []string) string { return strings.Join(v, ", ") }
	params := []report.Parameter{
		{Name: "paths", Value: list(s.paths)},
		{Name: "policies", Value: strings.TrimSuffix("built-in, "+list(s.policyDirs), ", ")},
		{Name: "data", Value: strings.TrimSuffix("built-in, "+list(s.dataFiles), ", ")},
	}
	if s.waiversFile != "" {
		params = append(params, report.Parameter{Name: "waivers", Value: s.waiversFile})
	}
	if s.asOf != "" {
		params = append(params, report.Parameter{Name: "as-of", Value: s.asOf})
	}
	params = append(params, s.maxAge.parameter())
	if s.shard != "" {
		params = append(params, report.Parameter{Name: "shard", Value: s.shard})
	}
	return params
}

// newLogger builds the structured logger on stderr.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usageError("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError("--log-format %q: want text or json", format)
}

// progress starts a progress bar on stderr when it is a terminal and
// --quiet is off; it returns the function that counts one snapshot done.
func (e *env) progress(total int) func() {
	f, ok := e.stderr.(*os.File)
	if e.quiet || !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return func() {}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription("scanning"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("snapshots"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	var mu sync.Mutex
	e.bar = bar
	return func() {
		mu.Lock()
		defer mu.Unlock()
		_ = bar.Add(1)
	}
}

func (e *env) finishProgress() {
	if e.bar != nil {
		_ = e.bar.Finish()
		fmt.Fprint(e.stderr, "")
		e.bar = nil
	}
}
