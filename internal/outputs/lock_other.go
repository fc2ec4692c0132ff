//go:build !unix

package outputs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// lockFile is a lock file created exclusively: where flock(2) is missing,
// a run killed without cleaning up leaves it, and the error says so.
type lockFile struct {
	path string
}

func acquire(path string) (*lockFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("another tenantscan run is writing it (%s exists; remove it if no run is)", path)
	}
	if err != nil {
		return nil, err
	}
	f.Close()
	return &lockFile{path: path}, nil
}

func (l *lockFile) release() { os.Remove(l.path) }
