package pki

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fakeClock is a settable clock for tests.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// newTestCA creates a CA in a fresh temp dir with a settable clock.
func newTestCA(t *testing.T) (*CA, *fakeClock, string) {
	t.Helper()
	clock := &fakeClock{t: time.Now()}
	dir := t.TempDir()
	ca, err := loadOrCreateCA(dir, "test-ca", clock.now)
	if err != nil {
		t.Fatalf("loadOrCreateCA: %v", err)
	}
	return ca, clock, dir
}

// readCert parses the certificate in file.
func readCert(t *testing.T, file string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	cert, err := parseCert(data)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	return cert
}

// mustParseCert parses PEM data or fails the test.
func mustParseCert(t *testing.T, data []byte) *x509.Certificate {
	t.Helper()
	cert, err := parseCert(data)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}
	return cert
}

// fileMode returns the permission bits of dir/name.
func fileMode(t *testing.T, dir, name string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("stat: %v", err)
	}
	return fi.Mode().Perm()
}
