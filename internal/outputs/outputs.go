// Package outputs writes the output files of one run as a set: checked and
// claimed before the run does its work, written to temporary files, and
// renamed over the targets together at the end, so a set of reports is
// never half old and half new.
//
// Beside each target NAME, in its folder, a run uses:
//
//   - .NAME.tenantscan.lock, locked (flock) for the whole run, so two runs
//     cannot write NAME at once; removed at the end.
//   - .NAME.tenantscan-RANDOM.tmp, the file being written (and, for
//     writers that need scratch space, a folder of the same pattern);
//     renamed over NAME or removed at the end.
//
// A run killed with SIGKILL leaves these behind; the next run writing
// NAME, once it holds the lock, removes every .NAME.tenantscan-*.tmp (and
// the .NAME.NNNN.tmp files of earlier versions).
package outputs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// Set is the output files of one run. Open it before the work, Write each
// file, Commit when all were written, and always Close. A Set is not safe
// for concurrent use.
type Set struct {
	files []*file
	byKey map[string]*file
}

type file struct {
	path    string // as the user gave it
	dir     string
	base    string
	lock    *lockFile
	tmp     *os.File // the temporary file, open until written
	written bool
	scratch []string // scratch folders
}

// Error is a target that cannot be written, found before the run: the
// message names the user's path, never a temporary file.
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string { return e.Path + ": " + e.Msg }

// Open checks every target and claims it: the folder exists and takes a
// new file, the target is not a folder or a special file, no two targets
// are the same file (whatever links or spellings lead there), and no other
// run holds its lock. Stale temporary files of killed runs are removed.
// On error nothing is left behind.
func Open(paths []string) (_ *Set, err error) {
	s := &Set{byKey: map[string]*file{}}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	seen := map[string]string{}
	for _, p := range paths {
		f, key, err := check(p)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[key]; dup {
			if first == p {
				return nil, &Error{Path: p, Msg: "given as the output of two formats"}
			}
			return nil, &Error{Path: p, Msg: "is the same file as " + first + ": give each format its own file"}
		}
		seen[key] = p
		if f.lock, err = acquire(filepath.Join(f.dir, "."+f.base+".tenantscan.lock")); err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) { // the lock file could not be created
				return nil, &Error{Path: p, Msg: "cannot create a file in " + f.dir + ": " + reason(err)}
			}
			return nil, &Error{Path: p, Msg: err.Error()}
		}
		s.files = append(s.files, f)
		s.byKey[p] = f
		removeStale(f.dir, f.base)
		tmp, err := os.CreateTemp(f.dir, "."+f.base+".tenantscan-*.tmp")
		if err != nil {
			return nil, &Error{Path: p, Msg: "cannot create a file in " + f.dir + ": " + reason(err)}
		}
		f.tmp = tmp
	}
	return s, nil
}

// check resolves one target; key is one name per file, links resolved.
func check(p string) (*file, string, error) {
	f := &file{path: p, dir: filepath.Dir(p), base: filepath.Base(p)}
	info, err := os.Stat(f.dir)
	if err != nil {
		return nil, "", &Error{Path: p, Msg: "the folder " + f.dir + " " + missing(err)}
	}
	if !info.IsDir() {
		return nil, "", &Error{Path: p, Msg: f.dir + " is not a folder"}
	}
	realDir, err := filepath.EvalSymlinks(f.dir)
	if err != nil {
		return nil, "", &Error{Path: p, Msg: reason(err)}
	}
	if realDir, err = filepath.Abs(realDir); err != nil {
		return nil, "", &Error{Path: p, Msg: reason(err)}
	}
	key := filepath.Join(realDir, f.base)
	if info, err := os.Stat(p); err == nil {
		if !info.Mode().IsRegular() {
			return nil, "", &Error{Path: p, Msg: "exists and is not a regular file (a report replaces a file; leave out =FILE to write to standard output)"}
		}
		if real, err := filepath.EvalSymlinks(p); err == nil {
			if abs, err := filepath.Abs(real); err == nil {
				key = abs
			}
		}
	}
	return f, key, nil
}

func missing(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "does not exist"
	}
	return "cannot be read: " + reason(err)
}

// reason is the cause of an error without the path it names (which may
// be a temporary file's).
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return err.Error()
}

// staleName matches the temporary files of this and earlier versions:
// .NAME.tenantscan-RANDOM.tmp, and .NAME.DIGITS.tmp.
var staleName = regexp.MustCompile(`^\.(.+)\.(?:tenantscan-[0-9]+|[0-9]+)\.tmp$`)

// removeStale removes the temporary files and folders of killed runs that
// wrote base in dir. It must be called with base's lock held.
func removeStale(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if m := staleName.FindStringSubmatch(e.Name()); m != nil && m[1] == base {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

func (s *Set) file(path string) (*file, error) {
	f, ok := s.byKey[path]
	if !ok {
		return nil, fmt.Errorf("outputs: %s was not opened", path)
	}
	return f, nil
}

// ScratchDir returns a new folder for the temporary files of the writer of
// path (a workbook's spill files), beside the target and named like its
// temporary file, so that a killed run's scratch is found and removed like
// the rest. Close removes it.
func (s *Set) ScratchDir(path string) (string, error) {
	f, err := s.file(path)
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp(f.dir, "."+f.base+".tenantscan-*.tmp")
	if err != nil {
		return "", fmt.Errorf("write %s: scratch folder: %s", path, reason(err))
	}
	f.scratch = append(f.scratch, dir)
	return dir, nil
}

// Write streams what write produces into the temporary file of path, and
// syncs it. It stops with ctx: every write checks ctx first. Errors name
// path, not the temporary file. A panic in write is an error.
func (s *Set) Write(ctx context.Context, path string, write func(io.Writer) error) (err error) {
	f, err := s.file(path)
	if err != nil {
		return err
	}
	if f.tmp == nil {
		return fmt.Errorf("write %s: written already", path)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write %s: internal error: %v", path, p)
		}
	}()
	fail := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("write %s: %w", path, ctx.Err())
		}
		return fmt.Errorf("write %s: %s", path, reason(err))
	}
	w := bufio.NewWriterSize(&ctxWriter{ctx: ctx, w: f.tmp}, 1<<20)
	if err := write(w); err != nil {
		return fail(err)
	}
	if err := w.Flush(); err != nil {
		return fail(err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	if err := f.tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := f.tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Chmod(f.tmp.Name(), 0o644); err != nil {
		return fail(err)
	}
	f.written = true
	return nil
}

// Commit renames every temporary file over its target, in the order the
// targets were given. It refuses when a target was not written. A rename
// that fails does not stop the others; the error lists every failure.
func (s *Set) Commit() error {
	for _, f := range s.files {
		if !f.written {
			return fmt.Errorf("write %s: not written, no report replaced", f.path)
		}
	}
	var errs []error
	for _, f := range s.files {
		if err := os.Rename(f.tmp.Name(), f.path); err != nil {
			errs = append(errs, fmt.Errorf("write %s: %s", f.path, reason(err)))
			continue
		}
		f.tmp = nil
	}
	syncDirs(s.files)
	return errors.Join(errs...)
}

// syncDirs makes the renames durable.
func syncDirs(files []*file) {
	done := map[string]bool{}
	for _, f := range files {
		if done[f.dir] {
			continue
		}
		done[f.dir] = true
		if d, err := os.Open(f.dir); err == nil {
			d.Sync()
			d.Close()
		}
	}
}

// Close removes every temporary file and scratch folder not committed and
// releases the locks. It is safe to call more than once.
func (s *Set) Close() {
	for _, f := range s.files {
		if f.tmp != nil {
			f.tmp.Close()
			os.Remove(f.tmp.Name())
			f.tmp = nil
		}
		for _, d := range f.scratch {
			os.RemoveAll(d)
		}
		f.scratch = nil
		if f.lock != nil {
			f.lock.release()
			f.lock = nil
		}
	}
}

// ctxWriter fails once its context is done, so a writer stops within one
// write of a signal.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Paths lists the targets, as given.
func (s *Set) Paths() []string {
	out := make([]string, len(s.files))
	for i, f := range s.files {
		out[i] = f.path
	}
	return out
}
