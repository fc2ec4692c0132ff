package main

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestConfigHistoryPaths: in a config file, "baseline: history" is the
// history, not a file next to the config, and a SQLite history path is
// relative to the config's folder like any other path.
func TestConfigHistoryPaths(t *testing.T) {
	t.Parallel()
	dir := filepath.FromSlash("/etc/tenantscan")
	for _, tc := range []struct{ key, value, want string }{
		{"baseline", "history", "history"},
		{"baseline", "last.json", filepath.Join(dir, "last.json")},
		{"history", "history.db", filepath.Join(dir, "history.db")},
		{"history", "sqlite:db/history.db", "sqlite:" + filepath.Join(dir, "db/history.db")},
		{"history", "postgres://u@db/h?sslmode=disable", "postgres://u@db/h?sslmode=disable"},
		{"history", filepath.FromSlash("/var/lib/history.db"), filepath.FromSlash("/var/lib/history.db")},
	} {
		if got := relativeTo(dir, tc.key, []string{tc.value}); !slices.Equal(got, []string{tc.want}) {
			t.Errorf("%s: %s: got %q, want %q", tc.key, tc.value, got, tc.want)
		}
	}
}
