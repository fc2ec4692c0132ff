//go:build unix

package safeopen

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRefusesAFIFO: a named pipe with no writer is refused at once, not
// waited on; a regular file reads.
func TestRefusesAFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "waivers.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadFile(fifo); done <- err }()
	err := <-done // a blocking open would hang here, and the test time out
	if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "named pipe (FIFO)") || !strings.Contains(err.Error(), fifo) {
		t.Errorf("ReadFile(FIFO) = %v, want a not-regular error naming the path", err)
	}
	file := filepath.Join(dir, "ok.yaml")
	if err := os.WriteFile(file, []byte("a: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadFile(file); err != nil || string(data) != "a: 1\n" {
		t.Errorf("ReadFile(regular) = %q, %v", data, err)
	}
	if _, err := ReadFile(dir); !errors.Is(err, ErrNotRegular) {
		t.Errorf("ReadFile(folder) = %v, want not regular", err)
	}
}
