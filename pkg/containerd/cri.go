package containerd

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// criPollInterval is how often waitCRI asks a starting containerd for its version.
const criPollInterval = 100 * time.Millisecond

// Version asks the CRI runtime at the unix socket path for its version. It blocks for at most
// the context's deadline.
func Version(ctx context.Context, socket string) (*runtimeapi.VersionResponse, error) {
	conn, err := grpc.NewClient("unix://"+socket, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return runtimeapi.NewRuntimeServiceClient(conn).Version(ctx, &runtimeapi.VersionRequest{})
}

// waitCRI polls the CRI until it answers (nil), containerd exits (exited is closed) or ctx ends.
func waitCRI(ctx context.Context, socket string, exited <-chan struct{}) error {
	t := time.NewTicker(criPollInterval)
	defer t.Stop()
	for {
		vctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := Version(vctx, socket)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-exited:
			return fmt.Errorf("containerd exited before its CRI answered: %w", err)
		case <-t.C:
		}
	}
}
