package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/tenantscan/tenantscan/baseline"
	"github.com/tenantscan/tenantscan/history"
	"github.com/tenantscan/tenantscan/report"
)

// historyBaseline is the --baseline value that compares with the history.
const historyBaseline = "history"

// historyFlags are the history flags of scan and merge.
type historyFlags struct {
	url   string
	runID string
}

func (h *historyFlags) register(f *pflag.FlagSet) {
	f.StringVar(&h.url, "history", "", "record the run in a history database: sqlite:PATH, a file path (SQLite), or postgres://… (default $TENANTSCAN_HISTORY)")
	f.StringVar(&h.runID, "run-id", "", "run id shared by the shards of one job, so they record one run (default $TENANTSCAN_RUN_ID, else a new id)")
}

// validate fills the defaults from the environment and checks the flags
// against --baseline and --shard.
func (h *historyFlags) validate(e *env, baseline, shard string) error {
	if h.url == "" {
		h.url = e.getenv("TENANTSCAN_HISTORY")
	}
	if h.runID == "" {
		h.runID = e.getenv("TENANTSCAN_RUN_ID")
	}
	if baseline == historyBaseline && h.url == "" {
		return usageError("--baseline history needs --history URL (or TENANTSCAN_HISTORY)")
	}
	if h.url != "" {
		if _, _, err := history.ParseURL(h.url); err != nil {
			return usageError("--history: %w", err)
		}
		if shard != "" && h.runID == "" {
			return usageError("--shard with --history needs --run-id (or TENANTSCAN_RUN_ID), the same for every shard of the job, so the shards record one run")
		}
	}
	return nil
}

// historyRun is the history of one scan or merge; nil when --history is
// not given (its methods then do nothing). When the database cannot be
// opened, err says why: the scan still runs and writes its reports, and
// exits 2 (unless --baseline history needs it first).
type historyRun struct {
	store *history.Store
	flags historyFlags
	err   error
}

// open opens (and migrates) the history, or returns nil without
// --history.
func (h historyFlags) open(ctx context.Context) (*historyRun, error) {
	if h.url == "" {
		return nil, nil
	}
	s, err := history.Open(ctx, h.url)
	return &historyRun{store: s, flags: h, err: err}, nil
}

// Close closes the history.
func (r *historyRun) Close() {
	if r != nil && r.store != nil {
		r.store.Close()
	}
}

// baseline reads the history as a baseline.
func (r *historyRun) baseline(ctx context.Context) (*baseline.Baseline, error) {
	if r.err != nil {
		return nil, &exitCodeError{code: exitError, err: fmt.Errorf("--baseline history: %w", r.err)}
	}
	b, err := r.store.Baseline(ctx)
	if err != nil {
		return nil, &exitCodeError{code: exitError, err: err}
	}
	return b, nil
}

// trendRuns is how many earlier runs the reports show as a trend.
const trendRuns = 14

// trend gives the report the last runs of the history, for the HTML and
// workbook trend. A history that cannot be read gives no trend; record
// then reports the failure.
func (r *historyRun) trend(ctx context.Context, e *env, rep *report.Report) {
	if r == nil || r.err != nil {
		return
	}
	t, err := r.store.Trend(ctx, trendRuns)
	if err != nil {
		e.log.Warn("no trend in the reports", "error", err)
		return
	}
	rep.Trend = t
}

// recording is a run being written to the history while its reports are
// written: the two overlap (the history is another reader of the finished
// tenants), so --history adds less to a run's time.
type recording struct {
	wrote  chan error // the reports' outcome, for the history to commit or not
	done   chan error // the run's exit status once recorded
	result error
}

// startRecord starts writing the finished run to the history; finish
// waits for it. The history commits only once the reports are written,
// so a run whose reports failed is not recorded.
func (r *historyRun) startRecord(ctx context.Context, e *env, rep *report.Report, s *scanFlags, result error, live *liveRecord) *recording {
	rc := &recording{wrote: make(chan error, 1), result: result}
	if r == nil {
		return rc
	}
	rc.done = make(chan error, 1)
	go func() { rc.done <- r.write(ctx, e, rep, s, result, rc.wrote, live) }()
	return rc
}

// finish gives the history the reports' outcome (nil: all written) and
// returns the run's exit status: the reports' error first, else result,
// or exit code 2 when the history could not be written.
func (rc *recording) finish(wroteErr error) error {
	rc.wrote <- wroteErr
	if rc.done == nil {
		if wroteErr != nil {
			return wroteErr
		}
		return rc.result
	}
	err := <-rc.done
	if wroteErr != nil {
		return wroteErr
	}
	return err
}

// errReportsFailed rolls back the run of a scan whose reports failed.
var errReportsFailed = errors.New("the reports were not written")

// write records the run; wrote gives the reports' outcome before the run
// is committed.
func (r *historyRun) write(ctx context.Context, e *env, rep *report.Report, s *scanFlags, result error, wrote <-chan error, live *liveRecord) error {
	if r.err != nil {
		<-wrote
		e.log.Error("history not written; the reports are", "error", r.err)
		return &exitCodeError{code: exitError, err: r.err}
	}
	code := exitOK
	var ec *exitCodeError
	if errors.As(result, &ec) {
		code = ec.code
	}
	run := history.Run{
		ID: r.flags.runID, At: rep.StartedAt, StartedAt: rep.StartedAt, FinishedAt: rep.FinishedAt,
		ToolVersion: rep.Tool.Version, Parameters: rep.Parameters, ExitCode: code,
	}
	waited := false
	run.BeforeCommit = func() error {
		waited = true
		if err := <-wrote; err != nil {
			return errReportsFailed
		}
		return nil
	}
	if s != nil {
		if s.asOf != "" {
			// A run judged as of a date is filed on that date.
			run.At, _ = time.Parse(time.DateOnly, s.asOf)
		}
		run.ShardIndex, run.ShardCount = s.shardSpec.Index, s.shardSpec.Count
		run.PolicyHash = hashFiles("policies: built-in "+rep.Tool.Version, s.policyDirs)
		run.DataHash = hashFiles("data: built-in "+rep.Tool.Version, s.dataFiles)
	}
	var rec history.Recorded
	var err error
	when := "after the scan"
	if recording := live.finish(e, rep); recording != nil {
		when = "during the scan"
		rec, err = recording.Commit(run)
	} else {
		rec, err = r.store.Record(ctx, run, rep.Controls, rep.EachTenantWithoutEvidence)
	}
	if !waited {
		<-wrote
	}
	if errors.Is(err, errReportsFailed) {
		return err // the reports' own error is the run's
	}
	if err != nil {
		e.log.Error("history not written; the reports are", "error", err)
		return &exitCodeError{code: exitError, err: err}
	}
	e.log.Info("history written", "run", rec.RunID, "seq", rec.Seq, "tenants", rec.Tenants, "changes", rec.Changes, "written", when)
	return result
}

// liveRecord writes the tenants of a scan to the history as they finish
// (history.Recording), from one goroutine fed by the workers, so that by
// the time the reports are written the history mostly is too; only the
// commit waits for the reports. It gives up, and the run is recorded from
// the finished report after the scan instead (as merge records), when two
// snapshots of one tenant id are scanned (the report may keep only the
// newer one: superseded), when another tenantscan holds a SQLite history,
// or when a write fails; the log says which. nil does nothing.
type liveRecord struct {
	tenants chan liveTenant
	done    chan struct{} // closed when the writer goroutine is over

	rec  *history.Recording // used by the writer goroutine only, until finish
	once sync.Once

	mu      sync.Mutex
	written int
	seen    map[string]bool // tenant ids, lower case
	why     string          // why it gave up; "" while it has not
	failed  bool            // it gave up because a write failed
}

// liveTenant is a finished tenant and what the history had of it, read by
// the worker (nil: the writer reads it).
type liveTenant struct {
	t     *report.Tenant
	known *history.Known
}

// startLive begins the run in the history and the writer goroutine; nil
// without a history, or when it cannot begin (the log says why: the run
// is then recorded after the scan).
func (r *historyRun) startLive(ctx context.Context, e *env, s *scanFlags, controls []report.Control) *liveRecord {
	if r == nil || r.err != nil {
		return nil
	}
	at := time.Now()
	if e.now != nil {
		at = e.now()
	}
	if s.asOf != "" {
		at, _ = time.Parse(time.DateOnly, s.asOf)
	}
	rec, err := r.store.Begin(ctx, history.Run{ID: r.flags.runID, At: at, ShardIndex: s.shardSpec.Index, ShardCount: s.shardSpec.Count, NoWait: true}, controls)
	if err != nil {
		e.log.Info("the history is recorded after the scan, not during it", "reason", err)
		return nil
	}
	if r.flags.runID == "" {
		// The run's id from now on, for the record after the scan too.
		r.flags.runID = rec.RunID()
	}
	l := &liveRecord{tenants: make(chan liveTenant), done: make(chan struct{}), rec: rec, seen: map[string]bool{}}
	go l.run()
	return l
}

// add hands a finished tenant to the writer; it is called from the
// workers (scanner.Options.Annotate) and waits while the writer is busy
// with the previous one. The tenant must not change afterwards.
func (l *liveRecord) add(t *report.Tenant, known *history.Known) {
	if l == nil {
		return
	}
	l.mu.Lock()
	key := strings.ToLower(t.TenantID)
	if key != "" && l.seen[key] {
		l.giveUp(fmt.Sprintf("two snapshots of tenant %s were scanned", t.TenantID))
	}
	l.seen[key] = true
	off := l.why != ""
	l.mu.Unlock()
	if !off {
		l.tenants <- liveTenant{t, known}
	}
}

// run is the writer goroutine.
func (l *liveRecord) run() {
	defer close(l.done)
	for lt := range l.tenants {
		l.mu.Lock()
		off := l.why != ""
		l.mu.Unlock()
		if off {
			continue // given up: the workers still hand on what they started to
		}
		err := l.rec.TenantWith(lt.t, lt.known)
		l.mu.Lock()
		if err != nil {
			l.failed = true
			l.giveUp(err.Error())
		} else {
			l.written++
		}
		l.mu.Unlock()
	}
}

// giveUp stops writing during the scan, for the first reason given; l.mu
// is held. The recording is aborted once the writer is over (finish,
// abort): it may be writing now.
func (l *liveRecord) giveUp(why string) {
	if l.why == "" {
		l.why = why
	}
}

// finish ends the writing once the scan is over and returns the recording
// to commit, or nil (given up, or a tenant of the report not written:
// superseded snapshots) after aborting it; then the run is recorded
// from the report.
func (l *liveRecord) finish(e *env, rep *report.Report) *history.Recording {
	if l == nil {
		return nil
	}
	l.stop()
	if len(rep.Superseded) > 0 || l.written != rep.TenantCount() {
		l.giveUp(fmt.Sprintf("%d tenants written during the scan, %d in the report", l.written, rep.TenantCount()))
	}
	if l.why == "" {
		return l.rec
	}
	l.rec.Abort()
	level := slog.LevelInfo
	if l.failed {
		level = slog.LevelWarn // a write failed, not a rule
	}
	e.log.Log(context.Background(), level, "the history is recorded after the scan, not during it", "reason", l.why)
	return nil
}

// stop waits for the writer to finish the tenants it has; no add may
// follow. It is safe to call twice.
func (l *liveRecord) stop() {
	l.once.Do(func() { close(l.tenants) })
	<-l.done
}

// abort drops the run, when the scan failed.
func (l *liveRecord) abort() {
	if l == nil {
		return
	}
	l.stop()
	l.rec.Abort()
}

// hashFiles is the SHA-256 of a label and every file under paths (folders
// walked in name order), names and contents: it changes when a policy or
// data file does.
func hashFiles(label string, paths []string) string {
	h := sha256.New()
	io.WriteString(h, label+"\x00")
	for _, root := range slices.Sorted(slices.Values(paths)) {
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				io.WriteString(h, path+"\x00unreadable\x00")
				return nil
			}
			if d.IsDir() {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				io.WriteString(h, path+"\x00unreadable\x00")
				return nil
			}
			io.WriteString(h, path+"\x00")
			h.Write(data)
			return nil
		})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// firstSeen returns the scan's annotation that gives each finding its
// first-seen date from the history (one query per tenant, as it
// finishes), tonight's date — the run's date: --as-of, else today — for a
// finding the history never saw; nil without a history. A tenant whose
// dates cannot be read is logged and keeps none; record then reports the
// history's failure.
func (r *historyRun) firstSeen(ctx context.Context, e *env, asOf string) func(*report.Tenant) *history.Known {
	if r == nil || r.err != nil {
		return nil
	}
	tonight := time.Now().UTC().Format(time.DateOnly)
	if asOf != "" {
		tonight = asOf
	}
	return func(t *report.Tenant) *history.Known {
		if t.Status == report.TenantError && !hasFindings(t) {
			return nil // nothing to date, and the history leaves its findings as they are
		}
		known, err := r.store.Known(ctx, t.TenantID)
		if err != nil {
			e.log.Warn("no first-seen dates for this tenant", "tenant", t.TenantID, "snapshot", t.Snapshot, "error", err)
			return nil
		}
		for ci := range t.Controls {
			c := &t.Controls[ci]
			for fi := range c.Findings {
				f := &c.Findings[fi]
				f.FirstSeen = known.FirstSeen(report.Fingerprint(t.TenantID, c.ID, f.Resource))
				if f.FirstSeen == "" {
					f.FirstSeen = tonight
				}
			}
		}
		return known
	}
}

func hasFindings(t *report.Tenant) bool {
	for _, c := range t.Controls {
		if len(c.Findings) > 0 {
			return true
		}
	}
	return false
}
