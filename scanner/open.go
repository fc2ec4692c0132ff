package scanner

import (
	"os"
)

// openRegular opens a file for reading only if it is a regular file. It
// opens without blocking (O_NONBLOCK on Unix: opening a named pipe with no
// writer would otherwise wait forever) and checks the type of what it
// opened, so a file swapped for a pipe after the folder was walked is
// refused too.
func openRegular(path string) (*os.File, error) {
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
		return nil, notRegular(info.Mode())
	}
	return f, nil
}
