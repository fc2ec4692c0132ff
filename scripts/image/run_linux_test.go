//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"testing"
)

// run runs the image's entrypoint with args as a container runtime would:
// inside its file system (chroot) as its user. It needs root; without it
// the test is skipped.
func (f imageFixture) run(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("running the image's binary as its user in its file system (chroot) needs root")
	}
	cf, err := f.img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	var uid, gid uint32
	if _, err := fmt.Sscanf(cf.Config.User, "%d:%d", &uid, &gid); err != nil {
		t.Fatalf("image user %q: %v", cf.Config.User, err)
	}
	argv := append(slices.Clone(cf.Config.Entrypoint), args...)
	c := exec.Command(argv[0], argv[1:]...)
	c.Path = argv[0]
	c.Env = append(slices.Clone(cf.Config.Env), env...)
	c.Dir = cf.Config.WorkingDir
	c.SysProcAttr = &syscall.SysProcAttr{Chroot: f.rootfs, Credential: &syscall.Credential{Uid: uid, Gid: gid}}
	out, err := c.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v in the image: %v", argv, err)
	}
	return string(out), 0
}
