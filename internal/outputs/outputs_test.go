package outputs

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func mustWrite(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// listing is the sorted names in dir.
func listing(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "sub"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(dir, "file"), "")
	unwritable := filepath.Join(dir, "ro")
	if err := os.Mkdir(unwritable, 0o500); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		unwritable = "/proc" // root writes anywhere else
	}
	j := func(p string) string { return filepath.Join(dir, p) }
	tests := []struct {
		name  string
		paths []string
		want  string
	}{
		{"the same path twice", []string{j("a.json"), j("a.json")}, j("a.json") + ": given as the output of two formats"},
		{"two spellings of one file", []string{j("a.json"), dir + "/sub/../a.json"}, dir + "/sub/../a.json" + ": is the same file as " + j("a.json")},
		{"a link to the folder", []string{j("sub/a.json"), j("link/a.json")}, j("link/a.json") + ": is the same file as " + j("sub/a.json")},
		{"a missing folder", []string{j("nowhere/a.json")}, j("nowhere/a.json") + ": the folder " + j("nowhere") + " does not exist"},
		{"a file as the folder", []string{j("file/a.json")}, j("file/a.json") + ": " + j("file") + " is not a folder"},
		{"a folder as the target", []string{j("sub")}, j("sub") + ": exists and is not a regular file"},
		{"a device as the target", []string{"/dev/null"}, "/dev/null: exists and is not a regular file"},
		{"an unwritable folder", []string{filepath.Join(unwritable, "a.json")}, filepath.Join(unwritable, "a.json") + ": cannot create a file in " + unwritable + ": "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := listing(t, dir)
			s, err := Open(tc.paths)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded", tc.paths)
			}
			var oe *Error
			if !errors.As(err, &oe) || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("Open error = %v, want it to start with %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "tenantscan-") {
				t.Errorf("the error names a temporary file: %v", err)
			}
			if after := listing(t, dir); !slices.Equal(before, after) {
				t.Errorf("Open left files behind: %q, before %q", after, before)
			}
		})
	}
}

func TestOpenLocks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "r.json")
	first, err := Open([]string{target})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open([]string{filepath.Join(dir, "other.json"), target})
	if err == nil || !strings.Contains(err.Error(), target+": another tenantscan run is writing it (it holds "+filepath.Join(dir, ".r.json.tenantscan.lock")+")") {
		t.Errorf("second Open: %v", err)
	}
	first.Close()
	second, err := Open([]string{target})
	if err != nil {
		t.Fatalf("Open after the first run closed: %v", err)
	}
	second.Close()
	if got := listing(t, dir); len(got) != 0 {
		t.Errorf("left behind: %q", got)
	}
}

func TestOpenRemovesStaleFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{".r.json.tenantscan-123.tmp", ".r.json.4567.tmp", ".other.json.tenantscan-1.tmp", "r.json", ".r.json.tenantscan.lock"} {
		mustWrite(t, filepath.Join(dir, name), "old")
	}
	if err := os.MkdirAll(filepath.Join(dir, ".r.json.tenantscan-89.tmp", "excelize-1"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Open([]string{filepath.Join(dir, "r.json")})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	want := []string{".other.json.tenantscan-1.tmp", "r.json"} // another target's are not ours to remove
	if got := listing(t, dir); !slices.Equal(got, want) {
		t.Errorf("after a run: %q, want %q", got, want)
	}
}

func TestSetIsWrittenWholeOrNotAtAll(t *testing.T) {
	t.Parallel()
	errWriter := errors.New("writer failed")
	tests := []struct {
		name    string
		failing string // the target whose write fails
		cancel  bool   // the context ends during the second write
		wantErr string
	}{
		{name: "all written"},
		{name: "one fails", failing: "b.html", wantErr: "b.html: writer failed"},
		{name: "a failure naming the temporary file", failing: "a.json", wantErr: "a.json: no space left on device"},
		{name: "cancelled", cancel: true, wantErr: "b.html: context canceled"},
		{name: "a writer that panics", failing: "b.html", wantErr: "b.html: internal error: boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.html")
			mustWrite(t, a, "old a")
			mustWrite(t, b, "old b")
			s, err := Open([]string{a, b})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var errs []error
			for _, p := range []string{a, b} {
				errs = append(errs, s.Write(ctx, p, func(w io.Writer) error {
					if tc.cancel && p == b {
						cancel()
					}
					switch {
					case filepath.Base(p) != tc.failing:
					case tc.name == "a writer that panics":
						io.WriteString(w, "half")
						panic("boom")
					case tc.failing == "a.json":
						return &fs.PathError{Op: "write", Path: filepath.Join(dir, ".a.json.tenantscan-1.tmp"), Err: syscall.ENOSPC}
					default:
						return errWriter
					}
					_, err := io.WriteString(w, "new "+filepath.Base(p))
					return err
				}))
			}
			err = errors.Join(errs...)
			if err == nil {
				err = s.Commit()
			}
			s.Close()
			gotA, _ := os.ReadFile(a)
			gotB, _ := os.ReadFile(b)
			if tc.wantErr == "" {
				if err != nil || string(gotA) != "new a.json" || string(gotB) != "new b.html" {
					t.Errorf("err %v, files %q %q", err, gotA, gotB)
				}
			} else {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "tenantscan-") {
					t.Errorf("error = %v, want %q and no temporary name", err, tc.wantErr)
				}
				if string(gotA) != "old a" || string(gotB) != "old b" {
					t.Errorf("a failed set replaced reports: %q %q", gotA, gotB)
				}
				if s.Commit() == nil {
					t.Error("Commit of an incomplete set succeeded")
				}
			}
			if got := listing(t, dir); !slices.Equal(got, []string{"a.json", "b.html"}) {
				t.Errorf("left behind: %q", got)
			}
		})
	}
}
