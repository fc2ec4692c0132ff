// Package dbtest gives tests a fresh history database of each kind: a
// SQLite file in the test's temporary folder, and a new database on the
// PostgreSQL server named by $TENANTSCAN_TEST_POSTGRES (started by
// .ci/run). Without that variable the PostgreSQL case is skipped, saying
// so.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// EnvPostgres names the variable holding the test server's URL.
const EnvPostgres = "TENANTSCAN_TEST_POSTGRES"

// Kinds are the database kinds every history test runs against.
var Kinds = []string{"sqlite", "postgres"}

var counter atomic.Int64

// URL returns the history URL of a fresh, empty database of kind, or
// skips the test (postgres without $TENANTSCAN_TEST_POSTGRES).
func URL(t testing.TB, kind string) string {
	t.Helper()
	if kind == "sqlite" {
		return "sqlite:" + filepath.Join(t.TempDir(), "history.db")
	}
	server := os.Getenv(EnvPostgres)
	if server == "" {
		t.Skipf("PostgreSQL tests skipped: set %s to a server URL (.ci/run starts one)", EnvPostgres)
	}
	name := fmt.Sprintf("ts_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, counter.Add(1))
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("open %s: %v", EnvPostgres, err)
	}
	defer admin.Close()
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database on %s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	u.Path = "/" + strings.TrimPrefix(name, "/")
	return u.String()
}
