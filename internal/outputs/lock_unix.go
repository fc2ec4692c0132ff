//go:build unix

package outputs

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile is an exclusive flock(2) on a lock file; the kernel releases it
// when the process ends, however it ends.
type lockFile struct {
	f *os.File
}

// acquire takes the lock at path without waiting: another run holding it
// is an error. The lock file is removed on release; a run that took the
// lock on a file another run removed meanwhile tries again on the new one.
func acquire(path string) (*lockFile, error) {
	for range 10 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, fmt.Errorf("another tenantscan run is writing it (it holds %s)", path)
			}
			return nil, fmt.Errorf("cannot lock %s: %s", path, err)
		}
		// Locked: is it still the file at path, or one a run that
		// finished has just removed?
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			return &lockFile{f: f}, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("cannot lock %s: it keeps being replaced", path)
}

// release removes the lock file, then unlocks it.
func (l *lockFile) release() {
	os.Remove(l.f.Name())
	l.f.Close()
}
