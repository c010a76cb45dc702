package volumes

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The atomic writer layout, as upstream's pkg/volume/util/atomic_writer.go: the files live in
// a timestamped directory "..2006_01_02_15_04_05.NNNN", the "..data" symlink points to it and
// each top-level name is a symlink "name -> ..data/name". An update writes a new timestamped
// directory and renames a fresh "..data_tmp" symlink over "..data", so readers see either the
// old or the new set of files, never a mix.
const (
	dataDirName    = "..data"
	newDataDirName = "..data_tmp"
)

// file is one entry of a volume's payload.
type file struct {
	Data []byte
	Mode os.FileMode
}

// writeAtomic makes dir hold exactly payload (keyed by relative path). It does nothing when
// the current contents already match.
func writeAtomic(dir string, payload map[string]file) error {
	if err := validatePayload(payload); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := os.Readlink(filepath.Join(dir, dataDirName))
	if old != "" && sameContents(filepath.Join(dir, old), payload) {
		return nil
	}
	ts, err := writeTimestampedDir(dir, payload)
	if err != nil {
		return err
	}
	if err := swapDataLink(dir, ts); err != nil {
		_ = os.RemoveAll(filepath.Join(dir, ts))
		return err
	}
	if err := syncVisibleLinks(dir, payload); err != nil {
		return err
	}
	if old != "" && old != ts {
		return os.RemoveAll(filepath.Join(dir, old))
	}
	return nil
}

// validatePayload rejects absolute paths and paths that leave the volume or shadow the
// writer's own names.
func validatePayload(payload map[string]file) error {
	for p := range payload {
		clean := filepath.Clean(p)
		switch {
		case p == "" || filepath.IsAbs(p):
			return fmt.Errorf("invalid path %q: must be relative", p)
		case clean != p && clean+"/" != p:
			return fmt.Errorf("invalid path %q: must be clean", p)
		case strings.HasPrefix(p, ".."):
			return fmt.Errorf("invalid path %q: must not start with '..'", p)
		case slices.Contains(strings.Split(p, "/"), ".."):
			return fmt.Errorf("invalid path %q: must not contain '..'", p)
		}
	}
	return nil
}

// sameContents reports whether the timestamped dir holds exactly payload with the same modes.
func sameContents(tsDir string, payload map[string]file) bool {
	n := 0
	err := filepath.WalkDir(tsDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(tsDir, path)
		want, ok := payload[rel]
		info, ierr := d.Info()
		if !ok || ierr != nil || info.Mode().Perm() != want.Mode.Perm() {
			return errors.New("differs")
		}
		have, rerr := os.ReadFile(path)
		if rerr != nil || !bytes.Equal(have, want.Data) {
			return errors.New("differs")
		}
		n++
		return nil
	})
	return err == nil && n == len(payload)
}

// writeTimestampedDir writes payload into a new "..<timestamp>" dir of dir; returns its name.
func writeTimestampedDir(dir string, payload map[string]file) (string, error) {
	ts, err := os.MkdirTemp(dir, time.Now().UTC().Format("..2006_01_02_15_04_05."))
	if err != nil {
		return "", err
	}
	if err := os.Chmod(ts, 0o755); err != nil {
		return "", err
	}
	for rel, f := range payload {
		p := filepath.Join(ts, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, f.Data, f.Mode); err != nil {
			return "", err
		}
		if err := os.Chmod(p, f.Mode); err != nil { // the umask applied to WriteFile
			return "", err
		}
	}
	return filepath.Base(ts), nil
}

// swapDataLink points ..data at ts atomically (rename of a temporary symlink).
func swapDataLink(dir, ts string) error {
	tmp := filepath.Join(dir, newDataDirName)
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Symlink(ts, tmp); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, dataDirName))
}

// syncVisibleLinks creates "name -> ..data/name" for each top-level name of payload and
// removes the links of names no longer in it.
func syncVisibleLinks(dir string, payload map[string]file) error {
	top := map[string]bool{}
	for rel := range payload {
		top[strings.SplitN(rel, "/", 2)[0]] = true
	}
	for name := range top {
		link := filepath.Join(dir, name)
		if _, err := os.Lstat(link); err == nil {
			continue
		}
		if err := os.Symlink(filepath.Join(dataDirName, name), link); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "..") && !top[e.Name()] && e.Type()&fs.ModeSymlink != 0 {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
