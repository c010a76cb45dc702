package kubelet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"skiff/pkg/kubelet/cm"
	"skiff/pkg/kubelet/envvars"
)

// startContainer pulls c's image, creates and starts it in sb, and runs its postStart hook.
// On failure it returns the container's waiting reason and when to retry (0: next sync).
func (k *Kubelet) startContainer(ctx context.Context, pod *v1.Pod, sb *startedSandbox, c *v1.Container, rt *podRuntime) (*waiting, time.Duration) {
	if w, retry := k.ensureImage(ctx, pod, c); w != nil {
		return w, retry
	}
	restartCount := 0
	if last := rt.latest(c.Name); last != nil {
		restartCount = last.RestartCount + 1
		if last.Exited() {
			k.crashBackoff.Next(backoffKey(pod, c.Name), k.cfg.Clock.Now())
		}
	}
	cfg, err := k.containerConfig(pod, c, sb, restartCount)
	if err != nil {
		k.recorder.Eventf(pod, v1.EventTypeWarning, "Failed", "Error: %v", err)
		return &waiting{"CreateContainerConfigError", err.Error()}, 0
	}
	resp, err := k.rt.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{PodSandboxId: sb.ID, Config: cfg, SandboxConfig: sb.Config})
	if err != nil {
		k.recorder.Eventf(pod, v1.EventTypeWarning, "Failed", "Error: %v", grpcMessage(err))
		return &waiting{"CreateContainerError", grpcMessage(err)}, 0
	}
	k.recorder.Eventf(pod, v1.EventTypeNormal, "Created", "Created container %s", c.Name)
	if _, err := k.rt.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: resp.ContainerId}); err != nil {
		k.recorder.Eventf(pod, v1.EventTypeWarning, "Failed", "Error: %v", grpcMessage(err))
		return &waiting{"RunContainerError", grpcMessage(err)}, 0
	}
	k.recorder.Eventf(pod, v1.EventTypeNormal, "Started", "Started container %s", c.Name)
	if c.Lifecycle != nil && c.Lifecycle.PostStart != nil {
		k.postStart(ctx, pod, c, resp.ContainerId, sb)
	}
	return nil, 0
}

// postStart runs c's postStart hook; a failure kills the container (it restarts per policy).
func (k *Kubelet) postStart(ctx context.Context, pod *v1.Pod, c *v1.Container, id string, sb *startedSandbox) {
	err := k.runHook(ctx, pod, c, id, c.Lifecycle.PostStart, firstIP(sb.IPs, k.cfg.NodeIP), gracePeriod(pod))
	if err == nil {
		return
	}
	k.recorder.Eventf(pod, v1.EventTypeWarning, "FailedPostStartHook", "PostStartHook failed: %v", err)
	st := &containerState{ID: id, Name: c.Name, State: runtimeapi.ContainerState_CONTAINER_RUNNING}
	k.killContainer(ctx, pod, st, gracePeriod(pod), fmt.Sprintf("FailedPostStartHook: container %s", c.Name))
}

func firstIP(ips []string, fallback string) string {
	if len(ips) > 0 {
		return ips[0]
	}
	return fallback
}

// containerConfig is the CRI config of c's restartCount-th instance in sb.
func (k *Kubelet) containerConfig(pod *v1.Pod, c *v1.Container, sb *startedSandbox, restartCount int) (*runtimeapi.ContainerConfig, error) {
	ips := sb.IPs
	if pod.Spec.HostNetwork {
		ips = []string{k.cfg.NodeIP}
	}
	env, err := envvars.Build(pod, c, envvars.Facts{HostIP: k.cfg.NodeIP, PodIPs: ips, NodeAllocatable: k.nodeAllocatable()}, k.objects)
	if err != nil {
		return nil, err
	}
	mounts, err := k.mounts(pod, c, ips, restartCount)
	if err != nil {
		return nil, err
	}
	return &runtimeapi.ContainerConfig{
		Metadata:    &runtimeapi.ContainerMetadata{Name: c.Name, Attempt: uint32(restartCount)},
		Image:       &runtimeapi.ImageSpec{Image: c.Image, UserSpecifiedImage: c.Image},
		Command:     c.Command,
		Args:        c.Args,
		WorkingDir:  c.WorkingDir,
		Envs:        env,
		Mounts:      mounts,
		Labels:      containerLabels(pod, c),
		Annotations: withPolicy(containerAnnotations(pod, c, restartCount), c),
		LogPath:     filepath.Join(c.Name, strconv.Itoa(restartCount)+".log"),
		Stdin:       c.Stdin,
		StdinOnce:   c.StdinOnce,
		Tty:         c.TTY,
		Linux: &runtimeapi.LinuxContainerConfig{
			Resources:       cm.ContainerResources(pod, c),
			SecurityContext: containerSecurity(pod, c),
		},
	}, nil
}

// annotationMessagePolicy records c's terminationMessagePolicy for reading the message later.
const annotationMessagePolicy = "io.kubernetes.container.terminationMessagePolicy"

func withPolicy(a map[string]string, c *v1.Container) map[string]string {
	a[annotationMessagePolicy] = string(c.TerminationMessagePolicy)
	return a
}

// mounts are c's volume mounts plus the managed /etc/hosts and the termination message file.
func (k *Kubelet) mounts(pod *v1.Pod, c *v1.Container, ips []string, restartCount int) ([]*runtimeapi.Mount, error) {
	out, err := k.volumes.Mounts(pod, c)
	if err != nil {
		return nil, err
	}
	if !hasMount(out, "/etc/hosts") {
		hosts, err := k.writeHostsFile(pod, ips)
		if err != nil {
			return nil, fmt.Errorf("write hosts file: %w", err)
		}
		out = append(out, &runtimeapi.Mount{ContainerPath: "/etc/hosts", HostPath: hosts})
	}
	if c.TerminationMessagePath != "" && !hasMount(out, c.TerminationMessagePath) {
		path := terminationMessageFile(k.cfg.podsDir(), pod.UID, c.Name, restartCount)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, nil, 0o666); err != nil {
			return nil, err
		}
		out = append(out, &runtimeapi.Mount{ContainerPath: c.TerminationMessagePath, HostPath: path})
	}
	return out, nil
}

func hasMount(ms []*runtimeapi.Mount, path string) bool {
	for _, m := range ms {
		if m.ContainerPath == path {
			return true
		}
	}
	return false
}

// terminationMessageFile is the host file mounted at a container instance's
// terminationMessagePath.
func terminationMessageFile(podsDir string, uid types.UID, name string, restartCount int) string {
	return filepath.Join(podsDir, string(uid), "containers", name, strconv.Itoa(restartCount))
}

func containerSecurity(pod *v1.Pod, c *v1.Container) *runtimeapi.LinuxContainerSecurityContext {
	sc := &runtimeapi.LinuxContainerSecurityContext{NamespaceOptions: namespaces(pod)}
	if psc := pod.Spec.SecurityContext; psc != nil {
		if psc.RunAsUser != nil {
			sc.RunAsUser = &runtimeapi.Int64Value{Value: *psc.RunAsUser}
		}
		if psc.RunAsGroup != nil {
			sc.RunAsGroup = &runtimeapi.Int64Value{Value: *psc.RunAsGroup}
		}
		sc.SupplementalGroups = psc.SupplementalGroups
	}
	csc := c.SecurityContext
	if csc == nil {
		return sc
	}
	if csc.RunAsUser != nil {
		sc.RunAsUser = &runtimeapi.Int64Value{Value: *csc.RunAsUser}
	}
	if csc.RunAsGroup != nil {
		sc.RunAsGroup = &runtimeapi.Int64Value{Value: *csc.RunAsGroup}
	}
	if csc.Privileged != nil {
		sc.Privileged = *csc.Privileged
	}
	if csc.ReadOnlyRootFilesystem != nil {
		sc.ReadonlyRootfs = *csc.ReadOnlyRootFilesystem
	}
	if csc.AllowPrivilegeEscalation != nil {
		sc.NoNewPrivs = !*csc.AllowPrivilegeEscalation
	}
	if caps := csc.Capabilities; caps != nil {
		sc.Capabilities = &runtimeapi.Capability{}
		for _, c := range caps.Add {
			sc.Capabilities.AddCapabilities = append(sc.Capabilities.AddCapabilities, string(c))
		}
		for _, c := range caps.Drop {
			sc.Capabilities.DropCapabilities = append(sc.Capabilities.DropCapabilities, string(c))
		}
	}
	return sc
}
