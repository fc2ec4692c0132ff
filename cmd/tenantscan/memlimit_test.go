package main

import (
	"os"
	"runtime/debug"
	"testing"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// TestMemoryLimitFollowsTheContainer: the runtime's soft limit becomes 90 %
// of the container's memory limit, and GOMEMLIMIT, when set, wins. (Not
// parallel: it changes the process's limit, and restores it.)
func TestMemoryLimitFollowsTheContainer(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(prev)
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("AUTOMEMLIMIT", "") // restored after the test
	os.Unsetenv("AUTOMEMLIMIT")
	setMemoryLimit(memlimit.Limit(1 << 30))
	ratio := memoryLimitRatio
	if got, want := debug.SetMemoryLimit(-1), int64(float64(1<<30)*ratio); got != want {
		t.Errorf("soft memory limit %d, want %d (%.0f%% of a 1 GiB container)", got, want, memoryLimitRatio*100)
	}
	debug.SetMemoryLimit(prev)
	t.Setenv("GOMEMLIMIT", "512MiB")
	setMemoryLimit(memlimit.Limit(1 << 30))
	if got := debug.SetMemoryLimit(-1); got != prev {
		t.Errorf("with GOMEMLIMIT set, the limit changed to %d", got)
	}
}
