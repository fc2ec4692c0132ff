package snapshot

import (
	"errors"
	"io/fs"
	"os"

	"github.com/tenantscan/tenantscan/internal/safeopen"
)

// openRegular opens a snapshot or export file for reading only if it is a
// regular file, never blocking on a named pipe (see safeopen.Open). The
// caller names the file, so a refusal is returned without the path.
func openRegular(path string) (*os.File, error) {
	f, err := safeopen.Open(path)
	var pe *fs.PathError
	if errors.Is(err, safeopen.ErrNotRegular) && errors.As(err, &pe) {
		return nil, pe.Err
	}
	return f, err
}
