//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestNamedPipesAsInputs: a named pipe given as a waivers, baseline,
// config, data or merge input is refused at once (exit 2, naming it), never
// waited on.
func TestNamedPipesAsInputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := func(name string) string {
		p := filepath.Join(dir, name)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("no FIFO here: %v", err)
		}
		return p
	}
	snap := filepath.Join("..", "..", "fixtures", "contoso-compliant.yaml")
	cases := map[string][]string{
		"waivers":  {"scan", "-q", "--waivers", fifo("w.yaml"), snap},
		"baseline": {"scan", "-q", "--baseline", fifo("b.json"), snap},
		"config":   {"scan", "-q", "--config", fifo("c.yaml"), snap},
		"data":     {"scan", "-q", "--data", fifo("d.yaml"), snap},
		"merge":    {"merge", fifo("s1.json")},
		"diff":     {"diff", fifo("old.json"), fifo("new.json")},
	}
	for name, args := range cases {
		done := make(chan result, 1)
		go func() { done <- runCLI(t, "", args...) }()
		r := <-done // a blocking open would hang here until the test times out
		if r.code != 2 || !strings.Contains(r.stderr, "named pipe (FIFO)") {
			t.Errorf("%s: exit %d, stderr %q; want 2 naming the named pipe", name, r.code, r.stderr)
		}
	}
}
