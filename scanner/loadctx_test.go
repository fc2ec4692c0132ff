package scanner

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/tenantscan/tenantscan/internal/hangcheck"
	"github.com/tenantscan/tenantscan/policy"
	"github.com/tenantscan/tenantscan/snapshot"
)

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
	hangcheck.Within(t, "Scan of a silent standard input", func() {
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
