package main

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

var repoRoot = filepath.Join("..", "..")

// TestDockerfileMatches reads the last stage of the Dockerfile and checks
// that it states what this builder builds: an empty base, no RUN (there is
// no shell), and the same user, folder, entrypoint, command and
// environment.
func TestDockerfileMatches(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var last []string // instructions of the last stage
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "FROM ") {
			last = nil
		}
		last = append(last, line)
	}
	entry, _ := json.Marshal(entrypoint)
	command, _ := json.Marshal(cmd)
	want := []string{
		"FROM scratch",
		"COPY --from=build /rootfs/ /",
		"ENV " + strings.Join(env, " "),
		"USER " + user,
		"WORKDIR " + homeDir,
		"ENTRYPOINT " + string(entry),
		"CMD " + string(command),
	}
	if !slices.Equal(last, want) {
		t.Errorf("the Dockerfile's last stage is\n  %s\nwant (as scripts/image builds)\n  %s", strings.Join(last, "\n  "), strings.Join(want, "\n  "))
	}
	for _, path := range []string{"scripts/image/rootfs/etc/passwd", "scripts/image/rootfs/etc/group", "/etc/ssl/certs/ca-certificates.crt", "/rootfs/usr/local/bin/tenantscan"} {
		if !strings.Contains(string(data), path) {
			t.Errorf("the Dockerfile's build stage does not mention %s", path)
		}
	}
}

// imageFixture is an image built once for the tests of this package, read
// back from its tarball, and its file system extracted to rootfs.
type imageFixture struct {
	img    v1.Image
	rootfs string
}

// builtImage is the image tarball, built once for the tests of this
// package (in a folder TestMain removes).
var (
	imageDir   string
	builtImage = sync.OnceValues(func() (string, error) {
		goBin, err := exec.LookPath("go")
		if err != nil {
			return "", err
		}
		bin := filepath.Join(imageDir, "tenantscan")
		// The flags of make build, so that make test's build cache serves it.
		gobuild := exec.Command(goBin, "build", "-trimpath", "-ldflags", "-s -w -buildid= -X main.version=v0.0.0-imagetest", "-o", bin, "./cmd/tenantscan")
		gobuild.Dir = repoRoot
		gobuild.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := gobuild.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build: %w\n%s", err, out)
		}
		ca := filepath.Join(imageDir, "ca.crt")
		if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"), 0o644); err != nil {
			return "", err
		}
		img, err := build(options{binary: bin, caBundle: ca, version: "v0.0.0-imagetest", arch: runtime.GOARCH, epoch: time.Unix(0, 0)})
		if err != nil {
			return "", err
		}
		tarPath := filepath.Join(imageDir, "image.tar")
		return tarPath, tarball.WriteToFile(tarPath, testTag, img)
	})
	testTag, _ = name.NewTag("tenantscan:test")
)

func TestMain(m *testing.M) {
	var err error
	if imageDir, err = os.MkdirTemp("", "tenantscan-image-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(imageDir)
	os.Exit(code)
}

// buildImage builds the image tarball as `make image-tar` does (once for
// all tests), reads it back and extracts its file system for this test.
func buildImage(t *testing.T) imageFixture {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the image is linux; its binary runs only on linux")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	tarPath, err := builtImage()
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := tarball.ImageFromPath(tarPath, &testTag)
	if err != nil {
		t.Fatalf("read the tarball back: %v", err)
	}
	root := filepath.Join(t.TempDir(), "rootfs")
	if err := extract(loaded, root); err != nil {
		t.Fatal(err)
	}
	return imageFixture{img: loaded, rootfs: root}
}

// extract writes an image's flattened file system to dir with its modes,
// and, when run as root, its owners.
func extract(img v1.Image, dir string) error {
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	asRoot := os.Geteuid() == 0
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
			var f *os.File
			if f, err = os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600); err == nil {
				_, err = io.Copy(f, tr)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
		default:
			err = errors.New("unexpected entry type in the image: " + h.Name)
		}
		if err == nil {
			err = os.Chmod(path, os.FileMode(h.Mode&0o777)|modeBits(h.Mode))
		}
		if err == nil && asRoot {
			err = os.Lchown(path, h.Uid, h.Gid)
		}
		if err != nil {
			return err
		}
	}
}

func modeBits(m int64) os.FileMode {
	var fm os.FileMode
	if m&0o1000 != 0 {
		fm |= os.ModeSticky
	}
	return fm
}

// TestImage and TestKubernetesExamples do not run in parallel: one writing
// the binary while the other forks could make the exec fail with "text
// file busy" (the forked child holds the file open until it execs).
func TestImage(t *testing.T) {
	f := buildImage(t)
	cf, err := f.img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.Config.User != "65532:65532" || !slices.Equal(cf.Config.Entrypoint, []string{"/usr/local/bin/tenantscan"}) || cf.OS != "linux" {
		t.Errorf("image config: user %q, entrypoint %q, os %q", cf.Config.User, cf.Config.Entrypoint, cf.OS)
	}
	for _, shell := range []string{"bin/sh", "bin/bash", "bin/busybox"} {
		if _, err := os.Stat(filepath.Join(f.rootfs, shell)); err == nil {
			t.Errorf("the image has /%s", shell)
		}
	}
	if fi, err := os.Stat(filepath.Join(f.rootfs, "tmp")); err != nil || fi.Mode()&os.ModeSticky == 0 || fi.Mode().Perm() != 0o777 {
		t.Errorf("/tmp in the image: %v %v", fi.Mode(), err)
	}

	out, code := f.run(t, nil, "version")
	if code != 0 || strings.TrimSpace(out) != "tenantscan v0.0.0-imagetest" {
		t.Errorf("version in the image: exit %d, %q", code, out)
	}
	// The user is not root: the root file system is not writable, /tmp is.
	copyFixture(t, filepath.Join(repoRoot, "fixtures", "contoso-compliant.yaml"), filepath.Join(f.rootfs, "snapshots", "contoso.yaml"))
	out, code = f.run(t, nil, "scan", "--quiet", "--output", "json=/tmp/report.json", "/snapshots")
	if code != 0 {
		t.Errorf("scan in the image: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(f.rootfs, "tmp", "report.json")); err != nil {
		t.Errorf("scan in the image wrote no /tmp/report.json: %v", err)
	}
	out, code = f.run(t, nil, "scan", "--quiet", "--output", "json=/report.json", "/snapshots")
	if code != 2 || !strings.Contains(out, "permission denied") {
		t.Errorf("writing to / as the image's user: exit %d, %q; want 2 and permission denied", code, out)
	}
}

func copyFixture(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
