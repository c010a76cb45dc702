package kubelet

import (
	"context"
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/types"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// observer reads pod state from CRI. It caches container and sandbox statuses per (ID, state),
// so a relist costs two list calls plus one status call per state change.
type observer struct {
	rt      runtimeapi.RuntimeServiceClient
	podsDir string // for termination message files

	mu         sync.Mutex
	containers map[string]*containerState // by ID; valid while the listed state matches
	sandboxes  map[string]*sandboxState
}

func newObserver(rt runtimeapi.RuntimeServiceClient, podsDir string) *observer {
	return &observer{rt: rt, podsDir: podsDir, containers: map[string]*containerState{}, sandboxes: map[string]*sandboxState{}}
}

// pod returns the CRI state of the pod with uid (an empty podRuntime when CRI has nothing).
func (o *observer) pod(ctx context.Context, uid types.UID) (*podRuntime, error) {
	sel := map[string]string{LabelPodUID: string(uid)}
	pods, err := o.list(ctx, &runtimeapi.PodSandboxFilter{LabelSelector: sel}, &runtimeapi.ContainerFilter{LabelSelector: sel})
	if err != nil {
		return nil, err
	}
	if r, ok := pods[uid]; ok {
		return r, nil
	}
	return &podRuntime{UID: uid}, nil
}

// all returns the CRI state of every pod that has a sandbox or container, by UID.
func (o *observer) all(ctx context.Context) (map[types.UID]*podRuntime, error) {
	pods, err := o.list(ctx, nil, nil)
	if err == nil {
		o.forgetExcept(pods)
	}
	return pods, err
}

func (o *observer) list(ctx context.Context, sf *runtimeapi.PodSandboxFilter, cf *runtimeapi.ContainerFilter) (map[types.UID]*podRuntime, error) {
	sbs, err := o.rt.ListPodSandbox(ctx, &runtimeapi.ListPodSandboxRequest{Filter: sf})
	if err != nil {
		return nil, fmt.Errorf("list sandboxes: %w", err)
	}
	cs, err := o.rt.ListContainers(ctx, &runtimeapi.ListContainersRequest{Filter: cf})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	pods := map[types.UID]*podRuntime{}
	get := func(l map[string]string) *podRuntime {
		uid := types.UID(l[LabelPodUID])
		if pods[uid] == nil {
			pods[uid] = &podRuntime{UID: uid, Name: l[LabelPodName], Namespace: l[LabelPodNamespace]}
		}
		return pods[uid]
	}
	for _, sb := range sbs.Items {
		if sb.Labels[LabelPodUID] == "" {
			continue
		}
		st, err := o.sandbox(ctx, sb)
		if err != nil {
			return nil, err
		}
		r := get(sb.Labels)
		r.Sandboxes = append(r.Sandboxes, st)
	}
	for _, c := range cs.Containers {
		if c.Labels[LabelPodUID] == "" || c.Labels[LabelContainerName] == "" {
			continue
		}
		st, err := o.container(ctx, c)
		if err != nil {
			return nil, err
		}
		if st == nil {
			continue // removed meanwhile
		}
		r := get(c.Labels)
		r.Containers = append(r.Containers, st)
	}
	for _, r := range pods {
		r.sortNewestFirst()
	}
	return pods, nil
}

func (o *observer) sandbox(ctx context.Context, sb *runtimeapi.PodSandbox) (*sandboxState, error) {
	ready := sb.State == runtimeapi.PodSandboxState_SANDBOX_READY
	o.mu.Lock()
	cached := o.sandboxes[sb.Id]
	o.mu.Unlock()
	if cached != nil && cached.Ready == ready {
		return cached, nil
	}
	st := &sandboxState{ID: sb.Id, Attempt: sb.Metadata.GetAttempt(), Ready: ready, CreatedAt: nanoTime(sb.CreatedAt)}
	if ready {
		resp, err := o.rt.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: sb.Id})
		if err != nil {
			return nil, fmt.Errorf("sandbox status %s: %w", sb.Id, err)
		}
		st.IPs = sandboxIPs(resp.Status)
	}
	o.mu.Lock()
	o.sandboxes[sb.Id] = st
	o.mu.Unlock()
	return st, nil
}

// sandboxIPs are the IPs of a sandbox's network, primary first (none without a primary IP).
func sandboxIPs(st *runtimeapi.PodSandboxStatus) []string {
	n := st.GetNetwork()
	if n == nil || n.Ip == "" {
		return nil
	}
	ips := []string{n.Ip}
	for _, ip := range n.AdditionalIps {
		ips = append(ips, ip.Ip)
	}
	return ips
}

func (o *observer) container(ctx context.Context, c *runtimeapi.Container) (*containerState, error) {
	o.mu.Lock()
	cached := o.containers[c.Id]
	o.mu.Unlock()
	if cached != nil && cached.State == c.State {
		return cached, nil
	}
	resp, err := o.rt.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: c.Id})
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("container status %s: %w", c.Id, err)
	}
	st := newContainerState(resp.Status, c.PodSandboxId)
	if st.Exited() && st.Message == "" {
		st.Message = terminationMessage(o.podsDir, resp.Status, st)
	}
	o.mu.Lock()
	o.containers[c.Id] = st
	o.mu.Unlock()
	return st, nil
}

// forgetExcept drops cached statuses of objects not in pods.
func (o *observer) forgetExcept(pods map[types.UID]*podRuntime) {
	keepC, keepS := map[string]bool{}, map[string]bool{}
	for _, r := range pods {
		for _, c := range r.Containers {
			keepC[c.ID] = true
		}
		for _, s := range r.Sandboxes {
			keepS[s.ID] = true
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for id := range o.containers {
		if !keepC[id] {
			delete(o.containers, id)
		}
	}
	for id := range o.sandboxes {
		if !keepS[id] {
			delete(o.sandboxes, id)
		}
	}
}
