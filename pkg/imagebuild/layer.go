package imagebuild

import (
	"archive/tar"
	"bytes"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// entry is one file system entry of a layer: a directory, a file or a symlink.
type entry struct {
	path string // relative, without a leading slash
	mode int64
	data []byte // file content
	link string // symlink target; set means a symlink
	dir  bool
}

func dirEntry(path string, mode int64) entry   { return entry{path: path, mode: mode, dir: true} }
func fileEntry(path string, data []byte) entry { return entry{path: path, mode: 0o755, data: data} }
func textEntry(path, data string) entry        { return entry{path: path, mode: 0o644, data: []byte(data)} }
func linkEntry(path, target string) entry      { return entry{path: path, mode: 0o777, link: target} }

// epoch is the fixed modification time of every entry, so builds are reproducible.
var epoch = time.Unix(0, 0).UTC()

// tarLayer writes the entries, in order, as one uncompressed tar.
func tarLayer(entries []entry) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.path, Mode: e.mode, ModTime: epoch, Format: tar.FormatPAX}
		switch {
		case e.dir:
			h.Typeflag, h.Name = tar.TypeDir, e.path+"/"
		case e.link != "":
			h.Typeflag, h.Linkname = tar.TypeSymlink, e.link
		default:
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// newLayer makes a gzip-compressed image layer of the entries.
func newLayer(entries []entry) (v1.Layer, error) {
	data, err := tarLayer(entries)
	if err != nil {
		return nil, err
	}
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
}

// baseEntries are the directories and files every image gets: /etc/passwd and /etc/group
// (root and nobody), /tmp, /root.
func baseEntries() []entry {
	return []entry{
		dirEntry("etc", 0o755),
		textEntry("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
		textEntry("etc/group", "root:x:0:\nnogroup:x:65534:\n"),
		dirEntry("tmp", 0o1777),
		dirEntry("root", 0o700),
	}
}
