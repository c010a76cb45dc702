package imagebuild

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// formatVersion changes whenever this package changes what it writes, to invalidate old builds.
const formatVersion = "imagebuild/1"

// stampFile in OutDir records the sources the tarballs there were built from.
const stampFile = "sources.sha256"

// sourceDirs are the module directories whose Go files go into the images.
var sourceDirs = []string{"cmd/pause", "test/images/testserver"}

// Ensure builds the tarballs into opts.OutDir unless the ones there were built from the same
// sources (Go files of the programs, go.sum, the busybox binary): tests call it to build the
// images at most once per source version, whatever the number of test processes. It blocks and
// returns the tarballs' paths.
func Ensure(ctx context.Context, opts Options) ([]string, error) {
	b, err := newBuilder(ctx, opts)
	if err != nil {
		return nil, err
	}
	os.RemoveAll(b.tmp)
	sum, err := sourceSum(b)
	if err != nil {
		return nil, err
	}
	stamp := filepath.Join(opts.OutDir, stampFile)
	if old, err := os.ReadFile(stamp); err == nil && string(old) == sum && allExist(opts.OutDir) {
		return tarballs(opts.OutDir), nil
	}
	paths, err := Build(ctx, b.Options)
	if err != nil {
		return nil, err
	}
	return paths, os.WriteFile(stamp, []byte(sum), 0o644)
}

// CacheDir is where tests keep the images they build with Ensure, shared by every test process
// of the machine: <tmp>/skiff-test-images.
func CacheDir() string { return filepath.Join(os.TempDir(), "skiff-test-images") }

// tarballs lists the image tarball paths Build writes into dir.
func tarballs(dir string) []string {
	var paths []string
	for _, s := range specs() {
		paths = append(paths, filepath.Join(dir, s.file))
	}
	return paths
}

func allExist(dir string) bool {
	for _, p := range tarballs(dir) {
		if _, err := os.Stat(p); err != nil {
			return false
		}
	}
	return true
}

// sourceSum hashes everything the images are built from.
func sourceSum(b *builder) (string, error) {
	files := []string{filepath.Join(b.ModuleDir, "go.sum"), b.busybox}
	for _, d := range sourceDirs {
		m, err := filepath.Glob(filepath.Join(b.ModuleDir, d, "*.go"))
		if err != nil {
			return "", err
		}
		for _, f := range m {
			if !strings.HasSuffix(f, "_test.go") {
				files = append(files, f)
			}
		}
	}
	sort.Strings(files[2:])
	h := sha256.New()
	io.WriteString(h, formatVersion)
	for _, f := range files {
		if err := hashFile(h, f); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	io.WriteString(w, path+"\x00")
	_, err = io.Copy(w, f)
	return err
}
