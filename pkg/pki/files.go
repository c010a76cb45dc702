package pki

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File modes for what this package writes.
const (
	keyMode  os.FileMode = 0o600
	certMode os.FileMode = 0o644
	dirMode  os.FileMode = 0o700
)

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so readers see either the old content or the new, never a mix.
// It creates missing parent directories.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("create directory %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file for %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if err := writeAndSync(tmp, data, mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename into %s: %w", path, err)
	}
	return nil
}

// writeAndSync sets mode, writes data, syncs and closes f.
func writeAndSync(f *os.File, data []byte, mode os.FileMode) error {
	err := f.Chmod(mode)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// readPair reads a certificate and key file. ok is false (with a nil error)
// when neither exists; a pair with one half missing is an error.
func readPair(certFile, keyFile string) (certPEM, keyPEM []byte, ok bool, err error) {
	certPEM, certErr := os.ReadFile(certFile)
	keyPEM, keyErr := os.ReadFile(keyFile)
	certMissing := errors.Is(certErr, fs.ErrNotExist)
	keyMissing := errors.Is(keyErr, fs.ErrNotExist)
	switch {
	case certMissing && keyMissing:
		return nil, nil, false, nil
	case certMissing != keyMissing:
		return nil, nil, false, fmt.Errorf("incomplete key pair: %s and %s must both exist", certFile, keyFile)
	case certErr != nil || keyErr != nil:
		return nil, nil, false, errors.Join(certErr, keyErr)
	}
	return certPEM, keyPEM, true, nil
}

// writePair writes the key first and the certificate second, so a reader that
// finds the certificate also finds its key.
func writePair(certFile, keyFile string, certPEM, keyPEM []byte) error {
	if err := writeFileAtomic(keyFile, keyPEM, keyMode); err != nil {
		return err
	}
	return writeFileAtomic(certFile, certPEM, certMode)
}

// pairPaths returns <dir>/<name>.crt and <dir>/<name>.key.
func pairPaths(dir, name string) (certFile, keyFile string) {
	return filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
}
