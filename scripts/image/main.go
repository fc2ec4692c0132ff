// Command image builds the tenantscan container image without a Docker
// daemon: it lays a static tenantscan binary, the CA certificates and the
// files of rootfs/ into one layer and writes a tarball that `docker load`
// and `podman load` read (make image-tar). The image is the one the
// Dockerfile describes: the same files, user, entrypoint and environment
// (TestDockerfileMatches keeps the two together).
//
//	go run ./scripts/image -binary bin/tenantscan -version v1.2.3 -out bin/tenantscan-image.tar
//
// The layer is reproducible: every file has the time SOURCE_DATE_EPOCH
// (default 0) and root or nonroot ownership, whatever the build machine.
package main

import (
	"archive/tar"
	"bytes"
	"embed"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The image's settings; the Dockerfile's last stage states the same.
const (
	binaryPath = "/usr/local/bin/tenantscan"
	caPath     = "/etc/ssl/certs/ca-certificates.crt"
	homeDir    = "/home/nonroot"
	uid        = 65532 // the user "nonroot" of rootfs/etc/passwd
	user       = "65532:65532"
)

var (
	entrypoint = []string{binaryPath}
	cmd        = []string{"--help"}
	env        = []string{"PATH=/usr/local/bin", "SSL_CERT_FILE=" + caPath}
)

//go:embed rootfs
var rootfs embed.FS

// options say what goes into the image.
type options struct {
	binary   string // a static tenantscan for the image's platform
	caBundle string // PEM bundle of CA certificates
	version  string // the image's version label
	arch     string // GOARCH of the binary
	epoch    time.Time
}

func main() {
	var o options
	var out, tag string
	flag.StringVar(&o.binary, "binary", "bin/tenantscan", "static tenantscan binary (CGO_ENABLED=0, GOOS=linux)")
	flag.StringVar(&o.caBundle, "ca", "/etc/ssl/certs/ca-certificates.crt", "CA certificate bundle to include")
	flag.StringVar(&o.version, "version", "dev", "version label")
	flag.StringVar(&o.arch, "arch", runtime.GOARCH, "architecture of the binary")
	flag.StringVar(&out, "out", "bin/tenantscan-image.tar", "image tarball to write")
	flag.StringVar(&tag, "tag", "tenantscan:dev", "name and tag the tarball loads as")
	flag.Parse()
	o.epoch = time.Unix(0, 0).UTC()
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			fail(fmt.Errorf("SOURCE_DATE_EPOCH %q: %w", s, err))
		}
		o.epoch = time.Unix(sec, 0).UTC()
	}
	ref, err := name.NewTag(tag)
	if err != nil {
		fail(fmt.Errorf("-tag %q: %w", tag, err))
	}
	img, err := build(o)
	if err != nil {
		fail(err)
	}
	if err := tarball.WriteToFile(out, ref, img); err != nil {
		fail(fmt.Errorf("write %s: %w", out, err))
	}
	fmt.Printf("wrote %s (%s); load it with: docker load -i %s\n", out, tag, out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "image:", err)
	os.Exit(1)
}

// build assembles the image: one layer, and a config with the user,
// entrypoint and environment above.
func build(o options) (v1.Image, error) {
	layerTar, err := layer(o)
	if err != nil {
		return nil, err
	}
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	})
	if err != nil {
		return nil, fmt.Errorf("layer: %w", err)
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{
		Layer: l,
		History: v1.History{
			Created:   v1.Time{Time: o.epoch},
			CreatedBy: "scripts/image: tenantscan " + o.version,
		},
	})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", o.arch
	cf.Created = v1.Time{Time: o.epoch}
	cf.Config = v1.Config{
		User:       user,
		WorkingDir: homeDir,
		Entrypoint: entrypoint,
		Cmd:        cmd,
		Env:        env,
		Labels: map[string]string{
			"org.opencontainers.image.title":    "tenantscan",
			"org.opencontainers.image.version":  o.version,
			"org.opencontainers.image.licenses": "Apache-2.0",
			"org.opencontainers.image.source":   "https://github.com/tenantscan/tenantscan",
		},
	}
	return mutate.ConfigFile(img, cf)
}

// layer is the image's file system as an uncompressed tar: directories
// first, each file owned by root and read-only for others, except the home
// folder (nonroot's) and /tmp (anyone's, sticky).
func layer(o options) ([]byte, error) {
	bin, err := os.ReadFile(o.binary)
	if err != nil {
		return nil, fmt.Errorf("binary: %w", err)
	}
	ca, err := os.ReadFile(o.caBundle)
	if err != nil {
		return nil, fmt.Errorf("CA certificates: %w", err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dir := func(path string, mode int64, owner int) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: path + "/", Mode: mode, Uid: owner, Gid: owner, ModTime: o.epoch, Format: tar.FormatPAX})
	}
	file := func(path string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: path, Mode: mode, Size: int64(len(data)), ModTime: o.epoch, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	for _, d := range []string{"etc", "etc/ssl", "etc/ssl/certs", "home", "usr", "usr/local", "usr/local/bin"} {
		if err := dir(d, 0o755, 0); err != nil {
			return nil, err
		}
	}
	if err := dir("home/nonroot", 0o700, uid); err != nil {
		return nil, err
	}
	if err := dir("tmp", 0o1777, 0); err != nil {
		return nil, err
	}
	err = fs.WalkDir(rootfs, "rootfs", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := rootfs.ReadFile(path)
		if err != nil {
			return err
		}
		return file(path[len("rootfs/"):], 0o644, data)
	})
	if err != nil {
		return nil, err
	}
	if err := file(caPath[1:], 0o644, ca); err != nil {
		return nil, err
	}
	if err := file(binaryPath[1:], 0o755, bin); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
