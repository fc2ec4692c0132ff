package snapshot

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tenantscan/tenantscan/internal/safeopen"
)

// Walk expands paths into snapshot sources, and says what it left out on
// purpose. The rules:
//
//   - "-" is standard input; any other path is a file or a folder, symbolic
//     links resolved.
//   - A folder is walked recursively in lexical order. Its .yaml, .yml and
//     .json entries are snapshots, other names are not; hidden entries
//     (starting with ".") are skipped, and so is a folder's content when
//     the folder is a raw export (then the folder is one source).
//   - Symbolic links are followed, to files and to folders. A link to a
//     folder that is being walked (a loop) and a link that leads nowhere
//     are error sources naming the link; a folder or file reached a second
//     time through another link is scanned once, under its first name, and
//     noted.
//   - Only regular files are snapshots: a named pipe, socket or device
//     with a snapshot name is an error source saying what it is (Load
//     checks again when it opens the file, so a file swapped meanwhile is
//     caught too).
//   - A path or folder that cannot be read is an error source, so the scan
//     reports it and goes on with the others.
//
// Notes are one sentence each, naming the path.
func Walk(paths []string) (sources []Source, notes []string) {
	w := &walker{seen: map[string]string{}}
	for _, p := range paths {
		if p == StdinName {
			w.add(Source{Name: StdinName}, StdinName)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			w.add(Source{Name: p, Err: err}, "")
			continue
		}
		real, err := realPath(p)
		if err != nil {
			w.add(Source{Name: p, Err: err}, "")
			continue
		}
		if info.IsDir() {
			w.dir(filepath.Clean(p), real, true)
			continue
		}
		w.file(filepath.Clean(p), real, info)
	}
	return w.sources, w.notes
}

// Discover is Walk without the notes.
func Discover(paths []string) []Source {
	sources, _ := Walk(paths)
	return sources
}

// walker holds the state of one Walk.
type walker struct {
	sources []Source
	notes   []string
	// seen maps the real path of every source and walked folder to the
	// name it was first reached by.
	seen map[string]string
	// walking holds the real paths of the folders being walked (the
	// current chain from a root), to tell a loop from a second visit.
	walking []string
}

// add appends a source unless its real path was already added; key ""
// means the source has no real path (an error), and the name is the key.
func (w *walker) add(s Source, key string) {
	if key == "" {
		key = "\x00" + s.Name
	}
	if first, dup := w.seen[key]; dup {
		if first != s.Name && !strings.HasPrefix(key, "\x00") {
			w.note("%s is the same file as %s: scanned once", s.Name, first)
		}
		return
	}
	w.seen[key] = s.Name
	w.sources = append(w.sources, s)
}

func (w *walker) note(format string, args ...any) {
	w.notes = append(w.notes, fmt.Sprintf(format, args...))
}

// file adds a file given by name or found in a folder.
func (w *walker) file(name, real string, info fs.FileInfo) {
	if !info.Mode().IsRegular() {
		w.add(Source{Name: name, Err: notRegular(info.Mode())}, real)
		return
	}
	w.add(Source{Name: name}, real)
}

// dir walks one folder; root is true for a path given by the user.
func (w *walker) dir(name, real string, root bool) {
	for _, r := range w.walking {
		if r == real {
			w.add(Source{Name: name, Err: fmt.Errorf("symbolic link loop: leads back to %s, which is being walked", w.seen[real])}, "")
			return
		}
	}
	if first, dup := w.seen[real]; dup {
		if first != name {
			w.note("%s is the same folder as %s: scanned once", name, first)
		}
		return
	}
	if IsExportFolder(name) {
		w.add(Source{Name: name, Export: true}, real)
		return
	}
	w.seen[real] = name
	entries, err := os.ReadDir(name)
	if err != nil {
		w.add(Source{Name: name, Err: err}, "")
		// ReadDir returns the entries it read before the error: walk them.
	}
	w.walking = append(w.walking, real)
	defer func() { w.walking = w.walking[:len(w.walking)-1] }()
	for _, d := range entries {
		if strings.HasPrefix(d.Name(), ".") {
			continue
		}
		path := filepath.Join(name, d.Name())
		entryReal := filepath.Join(real, d.Name())
		isSnapshotName := snapshotExtensions[strings.ToLower(filepath.Ext(d.Name()))]
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			info, err := os.Stat(path)
			if err != nil {
				// A dangling link may have been a folder of snapshots:
				// say so whatever its name.
				w.add(Source{Name: path, Err: fmt.Errorf("symbolic link leads nowhere: %s", DescribeOSError(err))}, "")
				continue
			}
			target, err := realPath(path)
			if err != nil {
				w.add(Source{Name: path, Err: err}, "")
				continue
			}
			if info.IsDir() {
				w.dir(path, target, false)
			} else if isSnapshotName {
				w.file(path, target, info)
			}
		case d.IsDir():
			w.dir(path, entryReal, false)
		case isSnapshotName:
			info, err := d.Info()
			if err != nil {
				w.add(Source{Name: path, Err: err}, "")
				continue
			}
			w.file(path, entryReal, info)
		}
	}
}

// realPath is the absolute path of p with every symbolic link resolved: one
// name per file or folder, whatever links lead to it.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// errNotRegular is wrapped by the error of a source that is not a regular
// file.
var errNotRegular = safeopen.ErrNotRegular

// notRegular describes a source that is not a regular file.
func notRegular(m fs.FileMode) error {
	return fmt.Errorf("%w as snapshots", safeopen.NotRegular(m))
}

// ExtraFile is the file of an export folder holding the facts no API
// returns (instance deployment and scope, Groups settings, connectors,
// record sensitivity, PSTN use).
const ExtraFile = "tenantscan-extra.yaml"

// IsExportFolder reports whether dir is a raw export folder (it has a
// graph/ or dataverse/ folder, or the extra file) rather than a folder of
// snapshots.
func IsExportFolder(dir string) bool {
	for _, name := range []string{"graph", "dataverse"} {
		if info, err := os.Stat(filepath.Join(dir, name)); err == nil && info.IsDir() {
			return true
		}
	}
	_, err := os.Stat(filepath.Join(dir, ExtraFile))
	return err == nil
}
