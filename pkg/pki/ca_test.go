package pki

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLoadOrCreateCACreatesThenReuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "tls")
	first, err := LoadOrCreateCA(dir, "skiff-ca")
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	second, err := LoadOrCreateCA(dir, "other-name-ignored")
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	if diff := cmp.Diff(string(first.CertPEM()), string(second.CertPEM())); diff != "" {
		t.Errorf("reloaded CA differs (-first +second):\n%s", diff)
	}
	cert := mustParseCert(t, second.CertPEM())
	type caProps struct {
		CN          string
		IsCA        bool
		KeyMode     os.FileMode
		TenYearLife bool
	}
	got := caProps{cert.Subject.CommonName, cert.IsCA, fileMode(t, dir, "ca.key"),
		cert.NotAfter.Sub(cert.NotBefore) >= caValidity}
	want := caProps{CN: "skiff-ca", IsCA: true, KeyMode: 0o600, TenYearLife: true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CA properties (-want +got):\n%s", diff)
	}
	if !cert.Equal(mustParseCert(t, first.CertPEM())) || cert.SerialNumber.Sign() <= 0 {
		t.Errorf("serial %v not stable/positive", cert.SerialNumber)
	}
}

func TestLoadOrCreateCARejectsBrokenState(t *testing.T) {
	_, _, otherDir := newTestCA(t)
	otherKey, err := os.ReadFile(filepath.Join(otherDir, "ca.key"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string)
		now     time.Time
		wantErr string
	}{
		{
			name: "certificate without key",
			setup: func(t *testing.T, dir string) {
				mustRemove(t, filepath.Join(dir, "ca.key"))
			},
			now:     time.Now(),
			wantErr: "incomplete key pair",
		},
		{
			name: "key of another CA",
			setup: func(t *testing.T, dir string) {
				mustWrite(t, filepath.Join(dir, "ca.key"), otherKey)
			},
			now:     time.Now(),
			wantErr: "key does not match",
		},
		{
			name:    "expired",
			setup:   func(t *testing.T, dir string) {},
			now:     time.Now().Add(caValidity + time.Hour),
			wantErr: "expired",
		},
		{
			name: "garbage certificate",
			setup: func(t *testing.T, dir string) {
				mustWrite(t, filepath.Join(dir, "ca.crt"), []byte("not pem"))
			},
			now:     time.Now(),
			wantErr: "parse certificate",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, dir := newTestCA(t)
			tt.setup(t, dir)
			_, err := loadOrCreateCA(dir, "test-ca", func() time.Time { return tt.now })
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func mustRemove(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
