package scanner

import (
	"context"
	"testing"

	"github.com/tenantscan/tenantscan/policy"
)

func newTestEngine(t testing.TB, opts policy.EngineOptions) *policy.Engine {
	t.Helper()
	e, err := policy.NewEngine(context.Background(), opts)
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	return e
}
