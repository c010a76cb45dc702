package containerd

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"skiff/pkg/imagebuild"
)

// TestRegistryMirrorPull pulls through CRI an image of a host that does not exist, which only
// succeeds through the plain-HTTP mirror that registries.yaml names: the certs.d translation
// works with a real containerd.
func TestRegistryMirrorPull(t *testing.T) {
	requireRuntime(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := testDataDir(t, ctx, "pause.tar")
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	if err := imagebuild.Push(ctx, testImages(t, ctx)["busybox.tar"], reg.URL, "tools/busybox", "1.35"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "registries.yaml"), fmt.Sprintf("mirrors:\n  registry.invalid:\n    endpoint: [%q]\n", reg.URL))

	s, stop := startSupervisor(t, dir)
	defer stop()
	_, img := criClient(t, s)
	const ref = "registry.invalid/tools/busybox:1.35"
	if _, err := img.PullImage(ctx, &runtimeapi.PullImageRequest{Image: &runtimeapi.ImageSpec{Image: ref}}); err != nil {
		t.Fatalf("PullImage %s through the mirror: %v", ref, err)
	}
	requireImages(t, ctx, img, ref)
}
