package join

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"skiff/pkg/pki"
)

func TestParseToken(t *testing.T) {
	hash := strings.Repeat("ab", 32)
	tests := []struct {
		in      string
		want    Token
		wantErr bool
	}{
		{"K10" + hash + "::server:s3cret", Token{CAHash: hash, Secret: "s3cret"}, false},
		{" K10" + strings.ToUpper(hash) + "::server:s3cret\n", Token{CAHash: hash, Secret: "s3cret"}, false},
		{"s3cret", Token{Secret: "s3cret"}, false},
		{"K10" + hash + "::server:", Token{}, true},
		{"K10nothex::server:x", Token{}, true},
		{"", Token{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseToken(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if err == nil && got.String() != strings.TrimSpace(strings.Replace(tt.in, strings.ToUpper(hash), hash, 1)) {
				t.Errorf("String() = %q", got.String())
			}
		})
	}
}

func TestLoadOrCreateToken(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t)
	first, err := LoadOrCreateToken(dir, ca.CertPEM())
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := CAHash(ca.CertPEM())
	if first.CAHash != hash || len(first.Secret) != 32 {
		t.Errorf("token %+v, want hash %s and a 32-char secret", first, hash)
	}
	again, err := LoadOrCreateToken(dir, ca.CertPEM())
	if err != nil || again != first {
		t.Errorf("second load = %+v, %v; want %+v", again, err, first)
	}
	other := newCA(t)
	rehashed, err := LoadOrCreateToken(dir, other.CertPEM())
	if err != nil || rehashed.Secret != first.Secret || rehashed.CAHash == first.CAHash {
		t.Errorf("after CA change = %+v, %v; want same secret, new hash", rehashed, err)
	}
	info, err := os.Stat(filepath.Join(dir, "token"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("token file mode: %v %v", info, err)
	}
}

func newCA(t *testing.T) *pki.CA {
	t.Helper()
	ca, err := pki.LoadOrCreateCA(t.TempDir(), "test-ca")
	if err != nil {
		t.Fatal(err)
	}
	return ca
}
