package imagebuild

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The images' references. Fixed tags, never :latest, which would default to imagePullPolicy
// Always and fail offline.
const (
	PauseImage      = "localhost/pause:3.9"
	BusyboxImage    = "localhost/busybox:1.35"
	TestserverImage = "localhost/testserver:v1"
)

// defaultPath is the PATH of every image.
const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// spec is one image: the tarball's base name, its reference, how to make its files, and its
// entrypoint and command.
type spec struct {
	file, ref  string
	files      func(ctx context.Context, b *builder) ([]entry, error)
	entrypoint []string
	cmd        []string
}

// specs lists the images in build order.
func specs() []spec {
	return []spec{
		{file: "pause.tar", ref: PauseImage, files: goProgramFiles("./cmd/pause", "pause"), entrypoint: []string{"/pause"}},
		{file: "busybox.tar", ref: BusyboxImage, files: busyboxFiles, cmd: []string{"sh"}},
		{file: "testserver.tar", ref: TestserverImage, files: goProgramFiles("./test/images/testserver", "testserver"), entrypoint: []string{"/testserver"}},
	}
}

// goProgramFiles compiles a static Go program into /<bin> on top of the base entries.
func goProgramFiles(pkg, bin string) func(context.Context, *builder) ([]entry, error) {
	return func(ctx context.Context, b *builder) ([]entry, error) {
		data, err := b.goBuild(ctx, pkg)
		if err != nil {
			return nil, err
		}
		return append(baseEntries(), fileEntry(bin, data)), nil
	}
}

// image assembles the image of s from its layer entries.
func image(s spec, entries []entry) (v1.Image, error) {
	layer, err := newLayer(entries)
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS = "amd64", "linux"
	cf.Created = v1.Time{Time: epoch}
	cf.Config.Entrypoint, cf.Config.Cmd = s.entrypoint, s.cmd
	cf.Config.Env = []string{defaultPath}
	cf.Config.WorkingDir = "/"
	return mutate.ConfigFile(img, cf)
}

// writeImage writes img as a docker-archive tarball tagged ref, atomically (temp + rename).
func writeImage(path, ref string, img v1.Image) error {
	tag, err := name.NewTag(ref)
	if err != nil {
		return err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid()) // concurrent builders never share it
	if err := tarball.WriteToFile(tmp, tag, img); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return os.Rename(tmp, path)
}
