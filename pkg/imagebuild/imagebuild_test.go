package imagebuild

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func TestAppletLinks(t *testing.T) {
	tests := []struct {
		name string
		list string
		want []string
	}{
		{name: "places kept", list: "bin/sh\nusr/bin/wget\nsbin/ip\nusr/sbin/httpd\n", want: []string{"bin/sh", "usr/bin/wget", "sbin/ip", "usr/sbin/httpd"}},
		{name: "odd entries skipped", list: "linuxrc\nbin/busybox\nopt/x/y\n", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range appletLinks(tt.list) {
				if e.link != "/bin/busybox" {
					t.Errorf("%s links to %s", e.path, e.link)
				}
				got = append(got, e.path)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Error(diff)
			}
		})
	}
}

func TestTarLayer(t *testing.T) {
	data, err := tarLayer([]entry{dirEntry("tmp", 0o1777), textEntry("etc/passwd", "root"), linkEntry("bin/sh", "/bin/busybox")})
	if err != nil {
		t.Fatal(err)
	}
	type hdr struct {
		Name, Link string
		Type       byte
		Mode       int64
		Size       int64
	}
	var got []hdr
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, hdr{h.Name, h.Linkname, h.Typeflag, h.Mode, h.Size})
	}
	want := []hdr{
		{"tmp/", "", tar.TypeDir, 0o1777, 0},
		{"etc/passwd", "", tar.TypeReg, 0o644, 4},
		{"bin/sh", "/bin/busybox", tar.TypeSymlink, 0o777, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestImageConfig(t *testing.T) {
	for _, s := range specs() {
		t.Run(s.ref, func(t *testing.T) {
			img, err := image(s, baseEntries())
			if err != nil {
				t.Fatal(err)
			}
			cf, err := img.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			if cf.Architecture != "amd64" || cf.OS != "linux" || len(cf.Config.Env) != 1 {
				t.Errorf("config %+v", cf)
			}
			if diff := cmp.Diff(s.entrypoint, cf.Config.Entrypoint); diff != "" {
				t.Error(diff)
			}
		})
	}
}

// TestEnsure builds the real images once and checks that a second call reuses them.
func TestEnsure(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles Go programs")
	}
	if _, err := os.Stat("/usr/bin/busybox"); err != nil {
		t.Skip("busybox not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	paths, err := Ensure(ctx, Options{OutDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range specs() {
		checkTarball(t, paths[i], s)
	}
	before, _ := os.Stat(paths[0])
	if _, err := Ensure(ctx, Options{OutDir: dir}); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.Stat(paths[0]); !after.ModTime().Equal(before.ModTime()) {
		t.Error("second Ensure rebuilt unchanged images")
	}
}

func checkTarball(t *testing.T, path string, s spec) {
	t.Helper()
	if filepath.Base(path) != s.file {
		t.Errorf("path %s, want %s", path, s.file)
	}
	tag, _ := name.NewTag(s.ref)
	img, err := tarball.ImageFromPath(path, &tag)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%s: %d layers, %v", path, len(layers), err)
	}
	size, _ := layers[0].Size()
	t.Logf("%s: %s, layer %d bytes compressed", path, s.ref, size)
}

func TestPush(t *testing.T) {
	dir := t.TempDir()
	s := specs()[0]
	img, err := image(s, baseEntries())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, s.file)
	if err := writeImage(path, s.ref, img); err != nil {
		t.Fatal(err)
	}
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	ctx := context.Background()
	if err := Push(ctx, path, reg.URL, "library/pause", "3.9"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(reg.URL + "/v2/library/pause/manifests/3.9")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("manifest after push: %v %v", resp.Status, err)
	}
	resp.Body.Close()
}
