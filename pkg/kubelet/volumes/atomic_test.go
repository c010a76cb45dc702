package volumes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readLinkTarget(t *testing.T, p string) string {
	t.Helper()
	s, err := os.Readlink(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWriteAtomic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vol")
	p1 := map[string]file{"a": {Data: []byte("1"), Mode: 0o644}, "sub/b": {Data: []byte("2"), Mode: 0o400}}
	if err := writeAtomic(dir, p1); err != nil {
		t.Fatal(err)
	}
	ts1 := readLinkTarget(t, filepath.Join(dir, "..data"))
	if !strings.HasPrefix(ts1, "..20") {
		t.Errorf("..data -> %q, want a timestamped dir", ts1)
	}
	if got := readLinkTarget(t, filepath.Join(dir, "a")); got != "..data/a" {
		t.Errorf("a -> %q", got)
	}
	if got := readLinkTarget(t, filepath.Join(dir, "sub")); got != "..data/sub" {
		t.Errorf("sub -> %q", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "sub/b")); string(b) != "2" {
		t.Errorf("sub/b = %q", b)
	}
	if st, _ := os.Stat(filepath.Join(dir, "sub/b")); st.Mode().Perm() != 0o400 {
		t.Errorf("sub/b mode %v", st.Mode())
	}
	// unchanged: no swap
	if err := writeAtomic(dir, p1); err != nil {
		t.Fatal(err)
	}
	if got := readLinkTarget(t, filepath.Join(dir, "..data")); got != ts1 {
		t.Errorf("rewrite of same payload swapped %s -> %s", ts1, got)
	}
	// update: new key, dropped key, changed value
	p2 := map[string]file{"a": {Data: []byte("changed"), Mode: 0o644}, "c": {Data: []byte("3"), Mode: 0o644}}
	if err := writeAtomic(dir, p2); err != nil {
		t.Fatal(err)
	}
	if got := readLinkTarget(t, filepath.Join(dir, "..data")); got == ts1 {
		t.Error("update did not swap")
	}
	if _, err := os.Stat(filepath.Join(dir, ts1)); !os.IsNotExist(err) {
		t.Errorf("old dir kept: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "sub")); !os.IsNotExist(err) {
		t.Errorf("stale link kept: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a")); string(b) != "changed" {
		t.Errorf("a = %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 { // ..data, ..<ts>, a, c
		t.Errorf("entries %v", entries)
	}
}

func TestWriteAtomicRejectsBadPaths(t *testing.T) {
	for _, p := range []string{"/abs", "../x", "a/../../x", "..data", "a//b"} {
		if err := writeAtomic(t.TempDir(), map[string]file{p: {}}); err == nil {
			t.Errorf("path %q accepted", p)
		}
	}
}

func TestUnescapeOctal(t *testing.T) {
	if got := unescapeOctal(`/a\040b\134c`); got != `/a b\c` {
		t.Errorf("unescape = %q", got)
	}
}
