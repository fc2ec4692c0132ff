package scanner

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/sourcegraph/conc/pool"

	"github.com/tenantscan/tenantscan/baseline"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/report"
	"github.com/tenantscan/tenantscan/snapshot"
	"github.com/tenantscan/tenantscan/waiver"
)

// Options configures a scan.
type Options struct {
	// Parallel is the number of snapshots evaluated at once; 0 means
	// GOMAXPROCS, which since Go 1.25 follows a container's CPU limit (a
	// pod limited to 2 CPUs on a 64-core node runs 2 workers, not 64, each
	// holding a snapshot in memory).
	Parallel int
	// Limits bound what one snapshot may hold; the zero value means
	// DefaultLimits.
	Limits snapshot.Limits
	// Stdin is read for the source "-".
	Stdin io.Reader
	// ToolVersion is recorded in the report.
	ToolVersion string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Waivers are applied to the findings; their expiry is judged on
	// Today's date (the zero value means the day the scan starts).
	Waivers []report.Waiver
	Today   time.Time
	// SnapshotTimeout bounds the evaluation of one snapshot; 0 means none.
	SnapshotTimeout time.Duration
	// Shard, when Count > 1, keeps only the tenants of shard Index (1 to
	// Count): those whose tenant id hashes there (ShardOf, so the split is
	// stable across runs and machines). Ownership is decided right after
	// decoding, so another shard's snapshot costs only its decoding. A
	// snapshot without a readable tenant id is placed by its path.
	Shard Shard
	// Progress, when set, is called once per snapshot done — scanned, or
	// left to another shard (a tenant with only Snapshot set) — from the
	// workers, so it must be safe for concurrent use.
	Progress func(report.Tenant)
	// Baseline, when set, marks every finding as new or unchanged as its
	// tenant finishes, and the report lists the resolved findings.
	Baseline *baseline.Baseline
	// Annotate, when set, is called with every tenant the report keeps,
	// after the baseline marked it and before the report holds it (the
	// run history fills each finding's first-seen date), from the
	// workers, so it must be safe for concurrent use.
	Annotate func(*report.Tenant)
	// MemoryTenants is the most tenants a report keeps in memory: a scan
	// of more sources spools every finished tenant to a temporary file in
	// SpoolDir ("" means the system's, $TMPDIR on Unix), so memory stays
	// flat however many tenants there are. 0 means DefaultMemoryTenants; a
	// negative value never spools.
	MemoryTenants int
	SpoolDir      string
	// MaxAge is the age past which a snapshot is stale (report.Age), as
	// of the scan's start; 0 never calls a snapshot stale (ages are still
	// reported).
	MaxAge time.Duration
}

// DefaultMemoryTenants is the default of Options.MemoryTenants: a scan of
// more than one snapshot spools. Deciding by tenant count let 50
// findings-heavy tenants (2,300 findings each) hold 270 MB of results;
// spooling costs one JSON encoding per tenant in the workers and one
// decoding per reader, which did not show in the scan's time (heavy
// corpus, 10 tenants: the same CPU time within the machine's noise), so
// every multi-snapshot scan spools and memory never depends on how many
// tenants or findings a run has.
const DefaultMemoryTenants = 1

// Shard selects one part of the inputs.
type Shard struct{ Index, Count int }

// Owns reports whether the shard scans a tenant (or, without a tenant id,
// a snapshot path). The assignment is stable and documented: the first
// eight bytes of the SHA-256 of the lower-case tenant id (else the snapshot
// path), as a big-endian number, modulo Count, plus one, is the tenant's
// shard. SHA-256 spreads any id pattern (sequential, GUIDs, names) as
// evenly as chance allows.
func (s Shard) Owns(tenantID, snapshot string) bool {
	if s.Count <= 1 {
		return true
	}
	return ShardOf(tenantID, snapshot, s.Count) == s.Index
}

// ShardOf is the shard (1 to count) that scans a tenant.
func ShardOf(tenantID, snapshot string, count int) int {
	key := strings.ToLower(tenantID)
	if key == "" {
		key = snapshot
	}
	h := sha256.Sum256([]byte(key))
	return int(binary.BigEndian.Uint64(h[:8])%uint64(count)) + 1
}

// Scan loads every source and evaluates it with the engine, from a pool of
// workers. A snapshot that cannot be loaded or evaluated becomes a tenant
// with status error; the others are scanned all the same. Tenants come in
// the order of the sources. The summary is counted as tenants finish; a
// large scan keeps the tenants on disk (see Options.MemoryTenants), so
// the caller must Close the report. An error (the spool, the baseline)
// means no report.
func Scan(ctx context.Context, engine *policy.Engine, sources []snapshot.Source, opts Options) (*report.Report, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if opts.Limits == (snapshot.Limits{}) {
		opts.Limits = snapshot.DefaultLimits()
	}
	workers := opts.Parallel
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "tenantscan", Version: opts.ToolVersion},
		StartedAt:     now().UTC(),
		Controls:      engine.Controls(),
		Resolved:      []report.Finding{},
	}
	today := opts.Today
	if today.IsZero() {
		today = rep.StartedAt
	}
	waivers := waiver.NewSet(opts.Waivers, today)
	results, err := newCollector(len(sources), rep.Controls, opts)
	if err != nil {
		return nil, err
	}
	p := pool.New().WithMaxGoroutines(workers)
	for i, src := range sources {
		p.Go(func() {
			t, used, exportedAt, owned := scanOne(ctx, engine, src, opts, waivers)
			owned = owned && opts.Shard.Owns(t.TenantID, t.Snapshot)
			if opts.Progress != nil {
				if !owned {
					t = report.Tenant{Snapshot: src.Name}
				}
				opts.Progress(t)
			}
			if !owned {
				return
			}
			if opts.Baseline != nil {
				opts.Baseline.Mark(&t)
			}
			report.SetAge(&t, rep.StartedAt, opts.MaxAge)
			if opts.Annotate != nil {
				opts.Annotate(&t)
			}
			results.add(i, &t, used, exportedAt)
		})
	}
	p.Wait()
	matched, err := results.fill(rep, opts)
	if err != nil {
		return nil, err
	}
	for i, w := range opts.Waivers {
		if !matched[i] {
			rep.UnusedWaivers = append(rep.UnusedWaivers, w)
		}
	}
	if opts.Baseline != nil {
		if err := listResolved(rep, opts); err != nil {
			rep.Close()
			return nil, err
		}
	}
	if len(opts.Waivers) > 0 {
		if rep.Waivers, err = report.ListWaivers(rep, rep.UnusedWaivers, today.UTC().Format(time.DateOnly)); err != nil {
			rep.Close()
			return nil, err
		}
	}
	rep.FinishedAt = now().UTC()
	rep.Summary = results.tally.Summary(rep.ResolvedCount(), rep.UnusedWaivers)
	return rep, nil
}

// listResolved puts the baseline's resolved findings into the report, as
// they come (one tenant id's at a time): spooled in opts.SpoolDir when the
// report spools its tenants, so that a night that resolves most of a large
// baseline holds none of them in memory; in memory otherwise (a scan of
// one snapshot resolves at most its own tenant id's findings, and a
// negative MemoryTenants asks for memory).
func listResolved(rep *report.Report, opts Options) error {
	if !rep.Spooled() {
		return opts.Baseline.Resolved(func(f *report.Finding) error {
			rep.Resolved = append(rep.Resolved, *f)
			return nil
		})
	}
	s, err := report.NewFindingSpool(opts.SpoolDir)
	if err != nil {
		return err
	}
	rep.UseResolvedSpool(s) // the report owns it: Close removes it
	return opts.Baseline.Resolved(s.Put)
}

// scanOne loads and evaluates one snapshot and applies the waivers,
// returning the indexes of the waivers that matched and the snapshot's
// exportedAt ("" when it could not be loaded); it never panics. With a
// shard, a snapshot of another shard's tenant is decoded only: owned is
// false, and nothing else is done.
func scanOne(ctx context.Context, engine *policy.Engine, src snapshot.Source, opts Options, waivers *waiver.Set) (t report.Tenant, used []int, exportedAt string, owned bool) {
	t = report.Tenant{Snapshot: src.Name}
	owned = true
	defer func() {
		if r := recover(); r != nil {
			t = errorTenant(t, engine, fmt.Sprintf("internal error while scanning: %v\n%s", r, debug.Stack()))
		}
	}()
	if err := ctx.Err(); err != nil {
		t.Unread = true
		return errorTenant(t, engine, "scan cancelled before this snapshot: "+err.Error()), nil, "", true
	}
	var owns func(string) bool
	if opts.Shard.Count > 1 {
		owns = func(id string) bool { return opts.Shard.Owns(id, src.Name) }
	}
	snap, err := loadContext(ctx, src, opts.Stdin, opts.Limits, owns)
	if errors.Is(err, snapshot.ErrNotOwned) {
		return t, nil, "", false
	}
	if err != nil {
		le, ok := err.(*snapshot.LoadError)
		if ok {
			t.TenantID, t.DisplayName, t.ExportedAt = le.TenantID, le.DisplayName, le.ExportedAt
		}
		t.Unread = !ok || !le.Read
		return errorTenant(t, engine, err.Error()), nil, "", true
	}
	t.TenantID, t.DisplayName = snap.TenantID, snap.DisplayName
	t.Warnings = exporterWarnings(snap.Doc)
	exportedAt, _ = snap.Doc["exportedAt"].(string)
	t.ExportedAt, _ = snap.Doc["exportedAt"].(string)
	input, err := ast.InterfaceToValue(snap.Doc)
	if err != nil {
		return errorTenant(t, engine, fmt.Sprintf("%s: convert snapshot: %v", src.Name, err)), nil, "", true
	}
	evalCtx := ctx
	if opts.SnapshotTimeout > 0 {
		var cancel context.CancelFunc
		evalCtx, cancel = context.WithTimeout(ctx, opts.SnapshotTimeout)
		defer cancel()
	}
	results, nothingInScope, err := engine.EvaluateScope(evalCtx, input)
	if err == nil && evalCtx.Err() != nil {
		// OPA checks cancellation now and then; a deadline that passed
		// during a short evaluation still counts.
		err = evalCtx.Err()
	}
	if err != nil {
		if errors.Is(evalCtx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			err = fmt.Errorf("evaluation ran past the per-snapshot deadline of %s", opts.SnapshotTimeout)
		}
		return errorTenant(t, engine, fmt.Sprintf("%s: %v", src.Name, err)), nil, "", true
	}
	t.Controls = results
	used = waivers.Apply(&t)
	finishTenant(&t, engine.Controls(), nothingInScope)
	return t, used, exportedAt, true
}

// errorTenant marks a tenant whose snapshot could not be evaluated: status
// error, and every control in error with the same reason, so that every
// control still appears once per tenant.
func errorTenant(t report.Tenant, engine *policy.Engine, msg string) report.Tenant {
	t.Status = report.TenantError
	t.Error = &msg
	t.Readiness = report.Readiness{Ready: false, State: report.ReadinessNotEvaluated, Reason: msg, Blocking: []string{}}
	reason := "the snapshot could not be evaluated"
	t.Controls = make([]report.ControlResult, 0, len(engine.Controls()))
	for _, c := range engine.Controls() {
		t.Controls = append(t.Controls, report.ControlResult{
			ID: c.ID, Status: report.StatusError, Reason: &reason, Findings: []report.Finding{},
		})
	}
	return t
}

// notApplicableReason is why a tenant without an instance in scope is not
// applicable.
const notApplicableReason = "no Dynamics 365 instance uses Office 365 Groups (usesGroups: true): nothing was assessed"

// finishTenant sets the tenant's status and readiness from its controls.
// Readiness is blocked by a critical or high control that fails and by any
// control in error (what could not be evaluated cannot be called ready). A
// tenant whose instances are listed and none uses Groups (nothingInScope)
// is never pass or ready: its status is notApplicable unless a tenant-wide
// control fails or errors, and its readiness is notApplicable.
func finishTenant(t *report.Tenant, controls []report.Control, nothingInScope bool) {
	byID := make(map[string]report.Control, len(controls))
	for _, c := range controls {
		byID[c.ID] = c
	}
	t.Status = report.TenantPass
	var errIDs, errs []string
	var blocking []report.Control
	for _, r := range t.Controls {
		c := byID[r.ID]
		switch r.Status {
		case report.StatusError:
			reason := ""
			if r.Reason != nil {
				reason = *r.Reason
			}
			errIDs = append(errIDs, r.ID)
			errs = append(errs, r.ID+": "+reason)
		case report.StatusFail:
			if t.Status == report.TenantPass {
				t.Status = report.TenantFail
			}
		}
		if r.Status == report.StatusError || (r.Status == report.StatusFail && report.SeverityRank(c.Severity) >= report.SeverityRank(report.SeverityHigh)) {
			blocking = append(blocking, c)
		}
	}
	if len(errs) > 0 {
		t.Status = report.TenantError
		msg := fmt.Sprintf("%s: %s could not be evaluated\n%s", t.Snapshot, strings.Join(errIDs, ", "), strings.Join(errs, "\n"))
		t.Error = &msg
	}
	sort.SliceStable(blocking, func(i, j int) bool {
		pi, pj := policy.PhaseRank(blocking[i].Phase), policy.PhaseRank(blocking[j].Phase)
		if pi != pj {
			return pi < pj
		}
		return blocking[i].ID < blocking[j].ID
	})
	t.Readiness = report.Readiness{Ready: len(blocking) == 0, State: report.ReadinessReady, Blocking: []string{}}
	if len(blocking) > 0 {
		t.Readiness.State = report.ReadinessNotReady
	}
	for _, c := range blocking {
		t.Readiness.Blocking = append(t.Readiness.Blocking, c.ID)
	}
	if nothingInScope {
		if t.Status == report.TenantPass {
			t.Status = report.TenantNotApplicable
		}
		t.Readiness.Ready = false
		t.Readiness.State = report.ReadinessNotApplicable
		t.Readiness.Reason = notApplicableReason
	}
}

// exporterWarnings reads what the snapshot says about its own export: each
// exporter.warnings entry, and how many records an import left out (their
// list is in exporter.leftOut and printed by tenantscan import).
func exporterWarnings(doc map[string]any) []string {
	exp, _ := doc["exporter"].(map[string]any)
	var out []string
	if ws, ok := exp["warnings"].([]any); ok {
		for _, w := range ws {
			if s, ok := w.(string); ok {
				out = append(out, s)
			}
		}
	}
	if left, ok := exp["leftOut"].([]any); ok && len(left) > 0 {
		out = append(out, fmt.Sprintf("the import left out %d record(s) (system, support and application users, rows without a principal name …); tenantscan import lists them", len(left)))
	}
	return out
}
