package kubelet

import (
	"context"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"skiff/pkg/kubelet/envvars"
	"skiff/pkg/kubelet/prober"
	"skiff/pkg/kubelet/volumes"
)

// volumeManager materializes pod volumes (pkg/kubelet/volumes implements it).
type volumeManager interface {
	Setup(pod *v1.Pod, f envvars.Facts) error
	Mounts(pod *v1.Pod, c *v1.Container) ([]*runtimeapi.Mount, error)
	Teardown(uid types.UID) error
	PodUIDs() ([]types.UID, error)
}

// probeManager runs probes (pkg/kubelet/prober implements it, adapted by proberAdapter).
type probeManager interface {
	Run(ctx context.Context) error
	Update(pod *v1.Pod, podIP string, statuses []v1.ContainerStatus)
	Remove(uid types.UID)
	State(uid types.UID, container, containerID string) probeResult
}

// proberAdapter adapts *prober.Manager to probeManager.
type proberAdapter struct{ *prober.Manager }

func (p proberAdapter) State(uid types.UID, container, containerID string) probeResult {
	s := p.Manager.State(uid, container, containerID)
	return probeResult{Ready: s.Ready, Started: s.Started, LivenessFailed: s.LivenessFailed}
}

// newDeps builds the volume and probe managers of k; probe results trigger a pod sync.
func newDeps(k *Kubelet) (volumeManager, probeManager) {
	vm := volumes.New(k.cfg.podsDir(), k.objects)
	pm := prober.NewManager(k.rt, k.cfg.Clock, k.recorder, func(uid types.UID) { k.workers.enqueue(uid) })
	return vm, proberAdapter{pm}
}
