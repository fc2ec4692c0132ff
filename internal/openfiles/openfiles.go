// Package openfiles lists the files this process holds open under a
// folder, for tests that check a temporary file was closed even when it
// was unlinked at creation (so the folder looks empty either way).
package openfiles

import (
	"os"
	"path/filepath"
	"strings"
)

// Under returns the files this process holds open whose path is under dir
// (an unlinked one ends in " (deleted)"). ok is false where the system
// does not tell (it reads /proc/self/fd, which Linux has).
func Under(dir string) (paths []string, ok bool) {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return nil, false
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	prefix := strings.TrimSuffix(dir, string(filepath.Separator)) + string(filepath.Separator)
	for _, e := range entries {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if err == nil && strings.HasPrefix(target, prefix) {
			paths = append(paths, target)
		}
	}
	return paths, true
}
