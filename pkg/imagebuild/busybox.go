package imagebuild

import (
	"context"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// busyboxFiles puts the static busybox at /bin/busybox with a symlink for every applet at the
// place `busybox --list-full` names (bin/sh, usr/bin/wget, sbin/ip, ...).
func busyboxFiles(ctx context.Context, b *builder) ([]entry, error) {
	data, err := os.ReadFile(b.busybox)
	if err != nil {
		return nil, err
	}
	if err := checkStatic(b.busybox); err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, b.busybox, "--list-full").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --list-full: %w", b.busybox, err)
	}
	entries := append(baseEntries(), dirEntry("bin", 0o755), dirEntry("sbin", 0o755),
		dirEntry("usr", 0o755), dirEntry("usr/bin", 0o755), dirEntry("usr/sbin", 0o755),
		dirEntry("var", 0o755), dirEntry("home", 0o755), fileEntry("bin/busybox", data))
	return append(entries, appletLinks(string(out))...), nil
}

// appletLinks turns `busybox --list-full` output into symlinks to /bin/busybox, skipping
// applets outside bin, sbin, usr/bin and usr/sbin (linuxrc) and busybox itself.
func appletLinks(list string) []entry {
	var links []entry
	for _, p := range strings.Fields(list) {
		dir, base, ok := cutLast(p, "/")
		if !ok || base == "busybox" || !knownDir(dir) {
			continue
		}
		links = append(links, linkEntry(p, "/bin/busybox"))
	}
	return links
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", s, false
	}
	return s[:i], s[i+1:], true
}

func knownDir(dir string) bool {
	switch dir {
	case "bin", "sbin", "usr/bin", "usr/sbin":
		return true
	}
	return false
}

// checkStatic fails when path is a dynamically linked ELF binary: it would not run in an image
// that has no libc.
func checkStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("%s is dynamically linked; install Debian's busybox-static", path)
		}
	}
	return nil
}
