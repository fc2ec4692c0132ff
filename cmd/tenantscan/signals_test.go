//go:build unix

package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalsLeaveTheReports runs the built binary and signals it at each
// phase — compiling the policies, evaluating, writing, merging — when the
// phase logs its start. Each run must stop with exit 2 ("interrupted"),
// leave the previous reports byte-identical, and leave nothing in the
// output folder or $TMPDIR. A run killed with SIGKILL while writing leaves
// only files of the documented temporary pattern, which the next run
// removes. How long each run took to stop is logged, not asserted.
func TestSignalsLeaveTheReports(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and scans a generated corpus")
	}
	t.Parallel()
	work := t.TempDir()
	bin := filepath.Join(work, "tenantscan")
	corpus := filepath.Join(work, "corpus")
	for _, args := range [][]string{
		{"build", "-o", bin, "."},
		{"run", "../../fixtures/gen", "-tenants", "8", "-users", "1000", "-out", corpus},
	} {
		if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	out := filepath.Join(work, "out")
	tmp := filepath.Join(work, "tmp")
	for _, d := range []string{out, tmp} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	o := func(name string) string { return filepath.Join(out, name) }
	scan := []string{"scan", "--output", "json=" + o("r.json"), "--output", "xlsx=" + o("r.xlsx"),
		"--output", "html=" + o("r.html"), "--output", "table=" + o("r.txt"), "--metrics-file", o("r.prom"), corpus}
	merge := []string{"merge", "--output", "json=" + o("m.json"), "--output", "xlsx=" + o("m.xlsx"), "--output", "html=" + o("m.html"),
		o("s1.json"), o("s2.json")}
	// The previous reports.
	for _, args := range [][]string{
		scan,
		{"scan", "--shard", "1/2", "--output", "json=" + o("s1.json"), corpus},
		{"scan", "--shard", "2/2", "--output", "json=" + o("s2.json"), corpus},
		merge,
	} {
		if code, stderr := runBinary(t, bin, tmp, args, "", nil); code > 1 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
	}
	before := snapshotFolder(t, out)

	tests := []struct {
		name  string
		args  []string
		when  string // the log message that starts the phase
		sig   syscall.Signal
		level string
	}{
		{"compiling", scan, "compiling policies", syscall.SIGTERM, "info"},
		{"evaluating", scan, "snapshot scanned", syscall.SIGINT, "debug"},
		{"writing", scan, "writing reports", syscall.SIGTERM, "info"},
		{"merging", merge, "merge started", syscall.SIGINT, "info"},
		{"writing the merge", merge, "writing reports", syscall.SIGTERM, "info"},
	}
	for _, tc := range tests {
		code, stderr := runBinary(t, bin, tmp, append([]string{"--log-level", tc.level}, tc.args...), tc.when, func(p *os.Process) {
			p.Signal(tc.sig)
		})
		if code != exitError || !strings.Contains(stderr, "interrupted") {
			t.Errorf("%s: exit %d, want 2 and \"interrupted\"\n%s", tc.name, code, lastLines(stderr, 5))
		}
		if after := snapshotFolder(t, out); !equalFolders(before, after) {
			t.Errorf("%s: the output folder changed: %v", tc.name, diffFolders(before, after))
		}
		if left := snapshotFolder(t, tmp); len(left) > 0 {
			t.Errorf("%s: left in $TMPDIR: %v", tc.name, keys(left))
		}
	}

	// SIGKILL while writing: only recognisable leftovers, cleaned by the
	// next run.
	runBinary(t, bin, tmp, append([]string{"--log-level", "info"}, scan...), "writing reports", func(p *os.Process) {
		time.Sleep(100 * time.Millisecond) // let the writers create their files
		p.Kill()
	})
	leftover := regexp.MustCompile(`^\.(r\.(json|xlsx|html|txt|prom))\.(tenantscan-[0-9]+\.tmp|tenantscan\.lock)$`)
	for name := range snapshotFolder(t, out) {
		if _, old := before[name]; !old && !leftover.MatchString(name) {
			t.Errorf("SIGKILL left %s, which matches no documented pattern", name)
		}
	}
	if code, stderr := runBinary(t, bin, tmp, scan, "", nil); code > 1 {
		t.Fatalf("the run after SIGKILL: exit %d\n%s", code, stderr)
	}
	if after := snapshotFolder(t, out); !sameNames(before, after) {
		t.Errorf("after SIGKILL and a good run the folder holds %v, want %v", keys(after), keys(before))
	}
}

// runBinary runs the binary with $TMPDIR set to tmp; when a line of its
// stderr contains when, it calls signal (once). It returns the exit code
// (-1 when killed) and stderr.
func runBinary(t *testing.T, bin, tmp string, args []string, when string, signal func(*os.Process)) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	sc := bufio.NewScanner(stderr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var signalled time.Time
	for sc.Scan() {
		line := sc.Text()
		log.WriteString(line + "\n")
		if when != "" && signalled.IsZero() && strings.Contains(line, when) {
			signalled = time.Now()
			signal(cmd.Process)
		}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("%v did not stop", args)
	}
	if !signalled.IsZero() {
		t.Logf("%s … on %q: stopped %s after the signal", args[0:3], when, time.Since(signalled).Round(time.Millisecond))
	} else if when != "" {
		t.Errorf("%v never logged %q", args, when)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), log.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, log.String()
}

// snapshotFolder maps each name in dir to its content.
func snapshotFolder(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		out[e.Name()] = data
	}
	return out
}

func equalFolders(a, b map[string][]byte) bool {
	if !sameNames(a, b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func sameNames(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

func diffFolders(a, b map[string][]byte) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			out = append(out, "removed "+k)
		} else if !bytes.Equal(v, w) {
			out = append(out, "changed "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, "added "+k)
		}
	}
	return out
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
