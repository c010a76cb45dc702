package volumes

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	v1 "k8s.io/api/core/v1"
)

// checkHostPath applies a hostPath volume's type, as upstream: the *OrCreate types create a
// missing directory (0755) or empty file (0644, in an existing parent); the others require
// the path to exist with that type. An unset or empty type checks nothing.
func checkHostPath(hp *v1.HostPathVolumeSource) error {
	if hp.Type == nil || *hp.Type == v1.HostPathUnset {
		return nil
	}
	path := hp.Path
	st, err := os.Stat(path)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	mode := fs.FileMode(0)
	if exists {
		mode = st.Mode()
	}
	switch t := *hp.Type; t {
	case v1.HostPathDirectoryOrCreate, v1.HostPathDirectory:
		if !exists && t == v1.HostPathDirectoryOrCreate {
			return os.MkdirAll(path, 0o755)
		}
		return typeCheck(exists && mode.IsDir(), path, "a directory")
	case v1.HostPathFileOrCreate, v1.HostPathFile:
		if !exists && t == v1.HostPathFileOrCreate {
			return createFile(path)
		}
		return typeCheck(exists && mode.IsRegular(), path, "a file")
	case v1.HostPathSocket:
		return typeCheck(mode&fs.ModeSocket != 0, path, "a socket file")
	case v1.HostPathCharDev:
		return typeCheck(mode&fs.ModeCharDevice != 0, path, "a character device")
	case v1.HostPathBlockDev:
		return typeCheck(mode&fs.ModeDevice != 0 && mode&fs.ModeCharDevice == 0, path, "a block device")
	default:
		return fmt.Errorf("%s is an invalid volume type", t)
	}
}

func typeCheck(ok bool, path, what string) error {
	if ok {
		return nil
	}
	return fmt.Errorf("hostPath type check failed: %s is not %s", path, what)
}

func createFile(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}
