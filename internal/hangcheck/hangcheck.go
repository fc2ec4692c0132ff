// Package hangcheck fails a test whose code under test does not return,
// instead of letting it block the whole test binary.
package hangcheck

import (
	"testing"
	"time"
)

// Limit is how long Within waits.
const Limit = time.Minute

// Within runs f and fails the test when it has not returned within Limit:
// a hang is the bug the walking and reading rules guard against, and it
// must fail, not block.
func Within(t testing.TB, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(Limit):
		t.Fatalf("%s did not return", what)
	}
}
