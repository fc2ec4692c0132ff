// Package history keeps the run history of tenantscan in a database:
// runs, tenants per run, and each finding as a lifecycle (first seen, last
// seen, resolved, reopened, waived) keyed by its fingerprint. It stores
// changes, not every finding every night: a night where nothing changed
// adds one row per tenant and one per run.
//
// Two databases, one code path: SQLite through a pure-Go driver
// (modernc.org/sqlite, no cgo) for one machine, and PostgreSQL through
// pgx for fleets and dashboards. The SQL is written once, with $N
// placeholders both understand; only the schema's types differ, in one
// migration folder per dialect, embedded and applied with goose.
package history

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations
var migrations embed.FS

// Dialects of history database.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// BusyTimeout is how long a SQLite writer waits for another to finish
// before it fails with "database is locked".
const BusyTimeout = 60 * time.Second

// sqliteConns is the most connections open to a SQLite history: the
// writer of a run and readers beside it.
const sqliteConns = 4

// writerCacheKiB is the page cache of the connection that writes a run
// into a SQLite history, at most (PRAGMA cache_size in KiB, negative).
// 32 MiB was no faster within this machine's noise, and cost 40 MB more.
const writerCacheKiB = 16 << 10

// SQLiteMemory is about what a SQLite history takes outside Go's heap
// while a scan writes a run: the writer's page cache (each 4 KiB page
// takes about twice that in modernc's allocator) and the readers'
// connections; measured on 50 findings-heavy tenants: +37 MB of peak
// RSS. SQLite's soft heap limit is set to it, so that SQLite gives back
// cached pages rather than grow past it; the scan lowers a container's
// memory limit for Go by it.
const SQLiteMemory = 48 << 20

// Store is an open history database. It is safe for concurrent use; Close
// it when done.
type Store struct {
	db      *sql.DB
	dialect string
	where   string // the URL without its password, for messages

	datesMu sync.Mutex
	dates   map[int64]string // runs' dates, by seq (see runDate)
}

// ErrNewerSchema reports a database migrated by a newer tenantscan.
var ErrNewerSchema = errors.New("history database has a newer schema than this tenantscan knows")

// ParseURL splits a history URL into the dialect and the driver's data
// source: sqlite:PATH, a bare PATH (SQLite), or postgres://… /
// postgresql://… (PostgreSQL).
func ParseURL(raw string) (dialect, dsn string, err error) {
	switch {
	case raw == "":
		return "", "", errors.New("history URL is empty")
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return Postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite:"):
		raw = strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
	case strings.Contains(raw, "://"):
		return "", "", fmt.Errorf("history URL %q: want sqlite:PATH, a file path, or postgres://…", redact(raw))
	}
	if raw == "" {
		return "", "", errors.New("history URL sqlite: names no file")
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// A run is one transaction of many multi-row INSERTs. Each INSERT keeps
	// a statement journal (to undo itself alone on a constraint error),
	// and a run's dirty pages outgrow SQLite's default 2 MB page cache:
	// both went to temporary files, a fifth of a first run's time. In
	// memory, bounded: the statement journal holds one INSERT's pages; the
	// writer's connection raises its cache to writerCacheKiB while it
	// writes a run (readers keep the default 2 MB each).
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", fmt.Sprintf("soft_heap_limit(%d)", SQLiteMemory))
	q.Set("_txlock", "immediate") // a writer takes the lock at BEGIN, so it waits rather than fails mid-way
	return SQLite, "file:" + raw + "?" + q.Encode(), nil
}

// redact hides the password of a URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// Open opens the history database at url and applies the migrations it
// lacks. A database with a newer schema than this binary knows is
// ErrNewerSchema.
func Open(ctx context.Context, url string) (*Store, error) {
	s, err := open(url)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// ErrNoHistory is OpenExisting's error for a SQLite file that does not
// exist.
var ErrNoHistory = errors.New("no history there")

// ErrOlderSchema is OpenExisting's error for a database that needs
// migrations this binary has.
var ErrOlderSchema = errors.New("history database has an older schema than this tenantscan")

// OpenExisting opens a history to read it, changing nothing: a SQLite
// file that does not exist is ErrNoHistory (a mistyped path must not look
// like an empty history), and a database at another schema version than
// this binary's is ErrOlderSchema or ErrNewerSchema (migrations are
// applied by the writers: scan, merge, prune and history migrate).
func OpenExisting(ctx context.Context, url string) (*Store, error) {
	dialect, dsn, err := ParseURL(url)
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		path := strings.TrimPrefix(dsn, "file:")
		path = path[:strings.LastIndex(path, "?")]
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("history %s: %w (%v)", redact(url), ErrNoHistory, err)
		}
	}
	s, err := open(url)
	if err != nil {
		return nil, err
	}
	p, err := s.provider()
	if err != nil {
		s.db.Close()
		return nil, fmt.Errorf("history %s: %w", s.where, err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		if !noVersionTable(err) {
			s.db.Close()
			return nil, fmt.Errorf("history %s: read schema version: %w", s.where, err)
		}
		current = 0 // nothing was ever migrated
	}
	switch known := SchemaVersion(); {
	case current > known:
		s.db.Close()
		return nil, fmt.Errorf("history %s: %w (database at version %d, this binary knows %d): upgrade tenantscan", s.where, ErrNewerSchema, current, known)
	case current < known:
		s.db.Close()
		return nil, fmt.Errorf("history %s: %w (database at version %d, this binary's is %d): run tenantscan history migrate, or let the next scan migrate it", s.where, ErrOlderSchema, current, known)
	}
	return s, nil
}

func open(raw string) (*Store, error) {
	dialect, dsn, err := ParseURL(raw)
	if err != nil {
		return nil, err
	}
	driver := map[string]string{SQLite: "sqlite", Postgres: "pgx"}[dialect]
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", redact(raw), err)
	}
	if dialect == SQLite {
		// A few connections: one writes a run (see Recording) while the
		// workers read first-seen dates and baselines on the others,
		// which WAL lets them do, seeing what was committed before it.
		db.SetMaxOpenConns(sqliteConns)
		db.SetMaxIdleConns(sqliteConns)
	}
	return &Store{db: db, dialect: dialect, where: redact(raw)}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Dialect is SQLite or Postgres.
func (s *Store) Dialect() string { return s.dialect }

// provider is the goose migration provider of the store's dialect.
func (s *Store) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+s.dialect)
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Shards of one job migrate at once: one waits for the other.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300)) // retry each second, for 5 minutes
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, s.db, sub, opts...)
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int64 {
	entries, _ := fs.Glob(migrations, "migrations/sqlite/*.sql")
	return int64(len(entries))
}

// Migrate applies the migrations the database lacks and returns the
// schema version it is at. A newer schema than this binary knows is
// ErrNewerSchema, and nothing is changed.
func (s *Store) Migrate(ctx context.Context) (int64, error) {
	p, err := s.provider()
	if err != nil {
		return 0, fmt.Errorf("history %s: %w", s.where, err)
	}
	current, err := p.GetDBVersion(ctx)
	// SQLite answers "database is locked" at once, without its busy
	// timeout, while another process turns a new file to WAL or migrates
	// it: wait for that process (up to the busy timeout), then read again.
	for wait := time.Duration(0); err != nil && isBusy(err) && wait < BusyTimeout; wait += 50 * time.Millisecond {
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("history %s: read schema version: %w", s.where, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
		current, err = p.GetDBVersion(ctx)
	}
	if err != nil && !noVersionTable(err) {
		return 0, fmt.Errorf("history %s: read schema version: %w", s.where, err)
	}
	known := SchemaVersion()
	if current > known {
		return current, fmt.Errorf("history %s: %w (database at version %d, this binary knows %d): upgrade tenantscan", s.where, ErrNewerSchema, current, known)
	}
	if current == known {
		return current, nil // nothing to apply, no lock to take
	}
	// Two processes may migrate one SQLite file at once (PostgreSQL takes
	// a lock): the loser's transaction rolls back, and the schema the
	// winner applied is what counts.
	var upErr error
	for range 3 {
		if _, upErr = p.Up(ctx); upErr == nil {
			break
		}
		if v, err := p.GetDBVersion(ctx); err == nil && v == known {
			upErr = nil
			break
		}
	}
	if upErr != nil {
		return 0, fmt.Errorf("history %s: migrate: %w", s.where, upErr)
	}
	return p.GetDBVersion(ctx)
}

// isBusy reports whether err is SQLite's "database is locked".
// noVersionTable reports goose's error for a database it never migrated.
func noVersionTable(err error) bool {
	return strings.Contains(err.Error(), "no such table") || strings.Contains(err.Error(), "does not exist")
}

func isBusy(err error) bool {
	return strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked")
}

// utc truncates a time to the second, in UTC: how the history stores
// every time, so that SQLite's text times compare in order.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }
