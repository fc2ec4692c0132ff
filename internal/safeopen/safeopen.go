// Package safeopen opens the files tenantscan reads — snapshots, reports,
// baselines, waivers, configuration, policies and policy data — only when
// they are regular files, without ever blocking on a named pipe or a
// device: a FIFO named like an input is refused at once, with its kind.
package safeopen

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is wrapped by the error for anything but a regular file.
var ErrNotRegular = errors.New("not a regular file")

// Open opens path for reading if it is a regular file. It opens without
// blocking (O_NONBLOCK on Unix) and checks the type of what it opened, so a
// file swapped for a pipe after it was listed is refused too.
func Open(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: NotRegular(info.Mode())}
	}
	return f, nil
}

// ReadFile reads a whole regular file, as os.ReadFile does.
func ReadFile(path string) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// NotRegular describes a file mode that is not a regular file.
func NotRegular(m fs.FileMode) error {
	kind := "special file"
	switch {
	case m&fs.ModeNamedPipe != 0:
		kind = "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		kind = "socket"
	case m&fs.ModeCharDevice != 0:
		kind = "character device"
	case m&fs.ModeDevice != 0:
		kind = "block device"
	case m.IsDir():
		kind = "folder"
	case m&fs.ModeIrregular != 0:
		kind = "file of unknown type"
	}
	return fmt.Errorf("%w: a %s; only regular files are read", ErrNotRegular, kind)
}
