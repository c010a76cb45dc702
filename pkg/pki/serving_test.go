package pki

import (
	"crypto/x509"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestEnsureServingCert(t *testing.T) {
	initial := []string{"localhost", "127.0.0.1", "skiff.example"}
	tests := []struct {
		name        string
		between     func(t *testing.T, ca *CA, clock *fakeClock) *CA // returns the CA for the second call
		hosts       []string
		wantReissue bool
	}{
		{"same hosts reuse", keepCA, initial, false},
		{"subset of hosts reuse", keepCA, []string{"skiff.example"}, false},
		{"IPv4 written differently reuse", keepCA, []string{"::ffff:127.0.0.1"}, false},
		{"added DNS name reissues", keepCA, append(initial, "api.example"), true},
		{"added IP reissues", keepCA, append(initial, "10.0.0.7"), true},
		{"near expiry reissues", advance(leafValidity - 10*24*time.Hour), initial, true},
		{"not near expiry reuse", advance(leafValidity - 60*24*time.Hour), initial, false},
		{"expired reissues", advance(leafValidity + time.Hour), initial, true},
		{"other CA reissues", otherCA, initial, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ca, clock, dir := newTestCA(t)
			certFile, keyFile, err := ca.EnsureServingCert(dir, "apiserver", initial)
			if err != nil {
				t.Fatalf("first EnsureServingCert: %v", err)
			}
			before := readCert(t, certFile)
			ca2 := tt.between(t, ca, clock)
			certFile2, keyFile2, err := ca2.EnsureServingCert(dir, "apiserver", tt.hosts)
			if err != nil {
				t.Fatalf("second EnsureServingCert: %v", err)
			}
			if diff := cmp.Diff([]string{certFile, keyFile}, []string{certFile2, keyFile2}); diff != "" {
				t.Errorf("paths changed (-first +second):\n%s", diff)
			}
			after := readCert(t, certFile2)
			if reissued := before.SerialNumber.Cmp(after.SerialNumber) != 0; reissued != tt.wantReissue {
				t.Errorf("reissued = %v, want %v", reissued, tt.wantReissue)
			}
			for _, h := range tt.hosts {
				if !certCovers(after, h) {
					t.Errorf("certificate misses host %q", h)
				}
			}
			verifyServing(t, ca2, clock.now(), after, "skiff.example")
		})
	}
}

func keepCA(t *testing.T, ca *CA, _ *fakeClock) *CA { return ca }

func advance(d time.Duration) func(*testing.T, *CA, *fakeClock) *CA {
	return func(_ *testing.T, ca *CA, clock *fakeClock) *CA {
		clock.t = clock.t.Add(d)
		return ca
	}
}

func otherCA(t *testing.T, _ *CA, clock *fakeClock) *CA {
	ca, err := loadOrCreateCA(t.TempDir(), "other-ca", clock.now)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

// verifyServing checks cert is a server cert from ca valid for host at now.
func verifyServing(t *testing.T, ca *CA, now time.Time, cert *x509.Certificate, host string) {
	t.Helper()
	_, err := cert.Verify(x509.VerifyOptions{
		Roots:       ca.Pool(),
		DNSName:     host,
		CurrentTime: now,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		t.Errorf("verify serving certificate: %v", err)
	}
}

func TestEnsureServingCertFiles(t *testing.T) {
	ca, _, dir := newTestCA(t)
	certFile, _, err := ca.EnsureServingCert(dir, "serving", []string{"localhost", "10.1.2.3", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	cert := readCert(t, certFile)
	type props struct {
		CertMode, KeyMode os.FileMode
		DNS               []string
		IPs               []string
		OneYear           bool
	}
	var ips []string
	for _, ip := range cert.IPAddresses {
		ips = append(ips, ip.String())
	}
	got := props{fileMode(t, dir, "serving.crt"), fileMode(t, dir, "serving.key"), cert.DNSNames, ips,
		cert.NotAfter.Sub(cert.NotBefore) >= leafValidity && cert.NotAfter.Sub(cert.NotBefore) < leafValidity+time.Hour}
	want := props{0o644, 0o600, []string{"localhost"}, []string{"10.1.2.3", "::1"}, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("serving cert (-want +got):\n%s", diff)
	}
	if _, _, err := ca.EnsureServingCert(dir, "serving", nil); err == nil {
		t.Error("EnsureServingCert without hosts: want error")
	}
}

func TestIssueServingCert(t *testing.T) {
	ca, _, _ := newTestCA(t)
	certPEM, keyPEM, err := ca.IssueServingCert("node-1", []string{"node-1", "10.0.0.7"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := loadLeaf(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if d := cert.NotAfter.Sub(cert.NotBefore); d != time.Hour+backdate {
		t.Errorf("validity %s, want 1h plus backdate", d)
	}
	if !certCovers(cert, "node-1") || !certCovers(cert, "10.0.0.7") || certCovers(cert, "other") {
		t.Errorf("SANs: %v %v", cert.DNSNames, cert.IPAddresses)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, DNSName: "node-1"}); err != nil {
		t.Errorf("verify: %v", err)
	}
	if _, _, err := ca.IssueServingCert("x", nil, time.Hour); err == nil {
		t.Error("no hosts: want error")
	}
}
