package scanner

import (
	"context"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/snapshot"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// withinTest fails the test when f does not return: a hang is the bug the
// walking and reading rules guard against, and it must fail, not block
// the whole test binary.
func withinTest(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("%s did not return", what)
	}
}

// TestScanReadHonoursContext: a read that never ends (standard input with
// no writer) gives up when the scan's context ends.
func TestScanReadHonoursContext(t *testing.T) {
	t.Parallel()
	e := newTestEngine(t, policy.EngineOptions{})
	r := &silentReader{started: make(chan struct{}), release: make(chan struct{})}
	defer close(r.release)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-r.started // the read has begun and blocks
		cancel()
	}()
	var errMsg string
	withinTest(t, "Scan of a silent standard input", func() {
		rep, err := Scan(ctx, e, []snapshot.Source{{Name: snapshot.StdinName}}, Options{Stdin: r})
		if err != nil {
			t.Error(err)
			return
		}
		defer rep.Close()
		if len(rep.Tenants) == 1 && rep.Tenants[0].Error != nil {
			errMsg = *rep.Tenants[0].Error
		}
	})
	if !strings.Contains(errMsg, "scan cancelled while reading this snapshot") {
		t.Errorf("tenant error = %q, want the scan cancelled", errMsg)
	}
}

// silentReader blocks its first Read until released, as standard input
// does with no writer.
type silentReader struct {
	once             sync.Once
	started, release chan struct{}
}

func (r *silentReader) Read([]byte) (int, error) {
	r.once.Do(func() { close(r.started) })
	<-r.release
	return 0, io.EOF
}
