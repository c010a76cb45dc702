package containerd

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// importTimeout bounds the import of one tarball.
const importTimeout = 5 * time.Minute

// importImages imports every D/images/*.tar into the CRI namespace. A tarball that fails is
// logged and skipped: the node still runs, and pods using its images report the pull error.
func (s *Supervisor) importImages(ctx context.Context) {
	files, _ := filepath.Glob(filepath.Join(s.l.ImagesDir, "*.tar"))
	for _, f := range files {
		start := time.Now()
		if err := ImportTarball(ctx, s.cfg.Ctr, s.l.Socket, f); err != nil {
			s.log.Error("import image tarball", "file", f, "err", err)
			continue
		}
		s.log.Info("imported image tarball", "file", f, "duration", time.Since(start).Round(time.Millisecond))
	}
}

// ImportTarball imports an image tarball (docker archive or OCI layout tar) into the "k8s.io"
// namespace of the containerd at socket with ctr, unpacked for the overlayfs snapshotter, so
// that CRI lists it by its tags. It blocks until ctr returns.
func ImportTarball(ctx context.Context, ctr, socket, file string) error {
	ctx, cancel := context.WithTimeout(ctx, importTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, ctr, "--address", socket, "--namespace", "k8s.io",
		"images", "import", "--snapshotter", "overlayfs", file)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("ctr images import %s: %w: %s", file, err, strings.TrimSpace(string(out)))
	}
	return nil
}
