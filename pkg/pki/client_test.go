package pki

import (
	"crypto/tls"
	"crypto/x509"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestIssueClientCert(t *testing.T) {
	ca, _, _ := newTestCA(t)
	tests := []struct {
		name     string
		user     string
		groups   []string
		validity time.Duration
		wantErr  bool
	}{
		{"admin", "admin", []string{"system:masters"}, time.Hour, false},
		{"several groups", "alice", []string{"dev", "ops"}, 24 * time.Hour, false},
		{"no groups", "bob", nil, time.Hour, false},
		{"empty user", "", nil, time.Hour, true},
		{"zero validity", "carol", nil, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certPEM, keyPEM, err := ca.IssueClientCert(tt.user, tt.groups, tt.validity)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
				t.Fatalf("cert and key do not pair: %v", err)
			}
			cert := mustParseCert(t, certPEM)
			if diff := cmp.Diff([]string{tt.user}, []string{cert.Subject.CommonName}); diff != "" {
				t.Errorf("CN (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.groups, cert.Subject.Organization); diff != "" {
				t.Errorf("O (-want +got):\n%s", diff)
			}
			if got := cert.NotAfter.Sub(cert.NotBefore); got < tt.validity || got > tt.validity+time.Hour {
				t.Errorf("lifetime = %s, want about %s", got, tt.validity)
			}
			if err := verifyUsage(ca, cert, x509.ExtKeyUsageClientAuth); err != nil {
				t.Errorf("verify as client: %v", err)
			}
			if err := verifyUsage(ca, cert, x509.ExtKeyUsageServerAuth); err == nil {
				t.Error("client certificate verified for server auth")
			}
		})
	}
}

func TestIssueClientCertRejectedByOtherCA(t *testing.T) {
	ca, _, _ := newTestCA(t)
	other, _, _ := newTestCA(t)
	certPEM, _, err := ca.IssueClientCert("admin", nil, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyUsage(other, mustParseCert(t, certPEM), x509.ExtKeyUsageClientAuth); err == nil {
		t.Error("certificate verified against an unrelated CA")
	}
}

func verifyUsage(ca *CA, cert *x509.Certificate, usage x509.ExtKeyUsage) error {
	_, err := cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{usage}})
	return err
}

func TestEnsureClientCert(t *testing.T) {
	tests := []struct {
		name        string
		advance     time.Duration
		user        string
		groups      []string
		wantReissue bool
	}{
		{"same identity reuse", 0, "admin", []string{"system:masters", "x"}, false},
		{"groups reordered reuse", 0, "admin", []string{"x", "system:masters"}, false},
		{"group added reissues", 0, "admin", []string{"system:masters", "x", "y"}, true},
		{"user changed reissues", 0, "root", []string{"system:masters", "x"}, true},
		{"near expiry reissues", leafValidity - 29*24*time.Hour, "admin", []string{"system:masters", "x"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ca, clock, dir := newTestCA(t)
			first, _, err := ca.EnsureClientCert(dir, "admin", "admin", []string{"system:masters", "x"})
			if err != nil {
				t.Fatal(err)
			}
			clock.t = clock.t.Add(tt.advance)
			second, key, err := ca.EnsureClientCert(dir, "admin", tt.user, tt.groups)
			if err != nil {
				t.Fatal(err)
			}
			if reissued := string(first) != string(second); reissued != tt.wantReissue {
				t.Errorf("reissued = %v, want %v", reissued, tt.wantReissue)
			}
			if onDisk := readCert(t, filepath.Join(dir, "admin.crt")); !onDisk.Equal(mustParseCert(t, second)) {
				t.Error("returned certificate is not the one on disk")
			}
			if _, err := tls.X509KeyPair(second, key); err != nil {
				t.Errorf("returned pair does not match: %v", err)
			}
			if got := fileMode(t, dir, "admin.key"); got != 0o600 {
				t.Errorf("key mode = %v, want 0600", got)
			}
		})
	}
}
