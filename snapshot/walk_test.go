//go:build unix

// Special files (FIFOs) and symbolic links are Unix behaviour; Windows builds
// vet and compile without these tests.

package snapshot

import (
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/tenantscan/tenantscan/internal/hangcheck"
)

func touch(t *testing.T, path string, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// walked lists the sources as path relative to dir, with " ! error" when
// the source carries one.
func walked(dir string, sources []Source) []string {
	var out []string
	for _, s := range sources {
		name := strings.TrimPrefix(s.Name, dir+"/")
		if s.Err != nil {
			name += " ! " + s.Err.Error()
		}
		out = append(out, name)
	}
	return out
}

func TestWalkSpecialFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	touch(t, filepath.Join(dir, "a.yaml"), "")
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A unix socket path must stay short: listen from inside the folder.
	sock := filepath.Join(dir, "s.yaml")
	if len(sock) < 100 {
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe-not-a-snapshot"), 0o644); err != nil {
		t.Fatal(err)
	}
	var sources []Source
	hangcheck.Within(t, "Walk", func() { sources, _ = Walk([]string{dir, filepath.Join(dir, "fifo.json")}) })
	got := walked(dir, sources)
	want := []string{
		"a.yaml",
		"fifo.json ! not a regular file: a named pipe (FIFO); only regular files are read as snapshots",
	}
	if len(sock) < 100 {
		want = append(want, "s.yaml ! not a regular file: a socket; only regular files are read as snapshots")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Walk =\n%q\nwant\n%q", got, want)
	}
	// Load opens without blocking and checks what it opened: a pipe put
	// where a file was walked is refused, not waited on.
	var err error
	hangcheck.Within(t, "Load of a named pipe", func() {
		_, err = Load(Source{Name: filepath.Join(dir, "fifo.json")}, nil, DefaultLimits())
	})
	if err == nil || !strings.Contains(err.Error(), "fifo.json: not a regular file: a named pipe") {
		t.Errorf("Load of a named pipe: %v", err)
	}
	hangcheck.Within(t, "Load of /dev/zero", func() {
		_, err = Load(Source{Name: "/dev/zero"}, nil, DefaultLimits())
	})
	if err == nil || !strings.Contains(err.Error(), "not a regular file: a character device") {
		t.Errorf("Load of /dev/zero: %v", err)
	}
}

func TestWalkSymlinks(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "root")
	outside := t.TempDir()
	touch(t, filepath.Join(dir, "real", "a.yaml"), "")
	touch(t, filepath.Join(outside, "b.yaml"), "")
	symlink(t, filepath.Join(dir, "real"), filepath.Join(dir, "same"))     // a second name for real/
	symlink(t, dir, filepath.Join(dir, "real", "loop"))                    // back to the root
	symlink(t, filepath.Join(dir, "gone"), filepath.Join(dir, "dangling")) // leads nowhere
	symlink(t, outside, filepath.Join(dir, "linked"))                      // a folder elsewhere: followed
	symlink(t, filepath.Join(outside, "b.yaml"), filepath.Join(dir, "z.yaml"))
	symlink(t, filepath.Join(outside, "b.yaml"), filepath.Join(dir, "notes")) // not a snapshot name

	sources, notes := Walk([]string{dir})
	got := walked(dir, sources)
	want := []string{
		"dangling ! symbolic link leads nowhere: stat: no such file or directory",
		"linked/b.yaml",
		"real/a.yaml",
		"real/loop ! symbolic link loop: leads back to " + dir + ", which is being walked",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Walk =\n%q\nwant\n%q", got, want)
	}
	wantNotes := []string{
		dir + "/same is the same folder as " + dir + "/real: scanned once",
		dir + "/z.yaml is the same file as " + dir + "/linked/b.yaml: scanned once",
	}
	if !reflect.DeepEqual(notes, wantNotes) {
		t.Errorf("notes =\n%q\nwant\n%q", notes, wantNotes)
	}
}
