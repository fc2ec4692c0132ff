//go:build !linux

package main

import "testing"

// run needs chroot, which only the linux build of this test has; buildImage
// skips before it is reached elsewhere.
func (f imageFixture) run(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	t.Skip("running the image's binary needs linux")
	return "", 0
}
