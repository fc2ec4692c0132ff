package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

func TestBuildVersion(t *testing.T) {
	t.Parallel()
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: "2026-12-01T22:54:00Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	const rev = "85732c2d9f0e1a2b3c4d5e6f708192a3b4c5d6e7"
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build information", nil, "dev"},
		{"go install of a release", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
		{"a checkout, Go 1.24+ stamps a pseudo-version",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201225400-85732c2d9f0e+dirty"}, Settings: vcs(rev, "true")},
			"v0.0.0-20261201225400-85732c2d9f0e+dirty"},
		{"devel with a clean revision", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "false")}, "dev+85732c2d9f0e"},
		{"devel with a modified tree", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "true")}, "dev+85732c2d9f0e.dirty"},
		{"a short revision", &debug.BuildInfo{Settings: vcs("abc123", "false")}, "dev+abc123"},
		{"-buildvcs=false", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := buildVersion(tc.bi); got != tc.want {
				t.Errorf("buildVersion = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestInstalledVersion builds tenantscan the two ways a user does without
// make — `go install <module>/cmd/tenantscan@<version>` from a module proxy
// (here a file:// proxy serving the committed tree as that version) and
// `go build` in a git checkout — and checks that `tenantscan version` shows
// the module version, then the VCS pseudo-version, never "dev". It also
// catches what breaks `go install …@version` for everyone, such as a
// replace directive in go.mod.
func TestInstalledVersion(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds tenantscan twice")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output(); err != nil || len(bytes.TrimSpace(out)) == 0 {
		t.Skip("not a git checkout")
	}
	goEnv := func(name string) string {
		out, err := exec.Command(goBin, "env", name).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", name, err)
		}
		return strings.TrimSpace(string(out))
	}
	modCache := goEnv("GOMODCACHE")

	// The module proxy: the committed tree (what a tag would serve) zipped
	// under a version of its own, the dependencies from the local module
	// cache (already verified against go.sum, so no checksum database is
	// asked): nothing is downloaded. The builds use the flags of make build
	// (CGO_ENABLED=0, -trimpath) and the usual module cache, so the
	// dependencies come from the build cache make test's vet filled; only
	// tenantscan's own packages are compiled.
	const modulePath = "github.com/tenantscan/tenantscan"
	modVersion := fmt.Sprintf("v0.0.1-installtest.r%d", time.Now().UnixNano())
	proxy := t.TempDir()
	vdir := filepath.Join(proxy, filepath.FromSlash(modulePath), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		t.Fatal(err)
	}
	tree := t.TempDir()
	if err := extractHEAD(root, tree); err != nil {
		t.Fatal(err)
	}
	var zbuf bytes.Buffer
	if err := modzip.CreateFromDir(&zbuf, module.Version{Path: modulePath, Version: modVersion}, tree); err != nil {
		t.Fatal(err)
	}
	gomod, err := readZipFile(zbuf.Bytes(), modulePath+"@"+modVersion+"/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"list":               []byte(modVersion + "\n"),
		modVersion + ".info": []byte(`{"Version":"` + modVersion + `","Time":"2026-12-01T00:00:00Z"}`),
		modVersion + ".mod":  gomod,
		modVersion + ".zip":  zbuf.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(vdir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { // tenantscan's own entries leave the module cache
		for _, d := range []string{
			filepath.Join(modCache, filepath.FromSlash(modulePath)+"@"+modVersion),
			filepath.Join(modCache, "cache", "download", filepath.FromSlash(modulePath)),
		} {
			_ = filepath.WalkDir(d, func(p string, _ os.DirEntry, _ error) error { return os.Chmod(p, 0o755) })
			_ = os.RemoveAll(d)
		}
	})

	gobin := t.TempDir()
	install := exec.Command(goBin, "install", modulePath+"/cmd/tenantscan@"+modVersion)
	install.Env = append(os.Environ(), "GOBIN="+gobin, "GOSUMDB=off", "GOTOOLCHAIN=local", "CGO_ENABLED=0", "GOFLAGS=-trimpath",
		"GOPROXY=file://"+filepath.ToSlash(proxy)+",file://"+filepath.ToSlash(filepath.Join(modCache, "cache", "download")))
	install.Dir = t.TempDir()
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	if got := runVersion(t, filepath.Join(gobin, "tenantscan")); got != "tenantscan "+modVersion {
		t.Errorf("go install …@%s: version says %q", modVersion, got)
	}

	// A build in a clone records the commit whatever GOFLAGS says. (Not in
	// this tree itself: the go command finds no repository in a git
	// worktree, whose .git is a file.)
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	rev := strings.TrimSpace(string(head))
	clone := filepath.Join(t.TempDir(), "tenantscan")
	for _, args := range [][]string{
		{"clone", "-q", "--shared", "--no-checkout", root, clone},
		{"-C", clone, "checkout", "-q", rev},
	} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	bin := filepath.Join(t.TempDir(), "tenantscan")
	build := exec.Command(goBin, "build", "-buildvcs=true", "-o", bin, "./cmd/tenantscan")
	build.Dir = clone
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-trimpath")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if got := runVersion(t, bin); !strings.HasPrefix(got, "tenantscan v") || !strings.Contains(got, rev[:12]) {
		t.Errorf("go build in a clone: version says %q, want the version of commit %s", got, rev[:12])
	}
}

func runVersion(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s version: %v\n%s", bin, err, out)
	}
	return strings.TrimSpace(string(out))
}

// extractHEAD writes the tree of the commit checked out in repo to dir
// (git archive, so that it works in a worktree too, where .git is a file).
func extractHEAD(repo, dir string) error {
	out, err := exec.Command("git", "-C", repo, "archive", "--format=tar", "HEAD").Output()
	if err != nil {
		return fmt.Errorf("git archive HEAD: %w", err)
	}
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		path := filepath.Join(dir, filepath.FromSlash(h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(path, 0o755)
		case tar.TypeReg:
			if err = os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
				var f *os.File
				if f, err = os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, h.FileInfo().Mode()); err == nil {
					_, err = io.Copy(f, tr)
					if cerr := f.Close(); err == nil {
						err = cerr
					}
				}
			}
		}
		if err != nil {
			return err
		}
	}
}

func readZipFile(data []byte, name string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			var b bytes.Buffer
			_, err = b.ReadFrom(rc)
			return b.Bytes(), err
		}
	}
	return nil, os.ErrNotExist
}
