package volumes

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	v1 "k8s.io/api/core/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"skiff/pkg/kubelet/envvars"
)

// Mounts returns the CRI mounts of c's volumeMounts. Setup must have run. configMap, secret,
// downwardAPI and projected volumes are always read-only, as upstream. A subPath mount is the
// path resolved now (symlinks followed, so for atomic-writer volumes it names the current
// timestamped file, which later updates do not change, as upstream); a missing subPath
// directory is created, and a subPath that resolves outside its volume is an error.
// subPathExpr is expanded with c's literal and fieldRef env values.
func (m *Manager) Mounts(pod *v1.Pod, c *v1.Container) ([]*runtimeapi.Mount, error) {
	var out []*runtimeapi.Mount
	for _, vm := range c.VolumeMounts {
		v := findVolume(pod, vm.Name)
		if v == nil {
			return nil, fmt.Errorf("cannot find volume %q to mount into container %q", vm.Name, c.Name)
		}
		host, err := m.volumePath(pod.UID, v)
		if err != nil {
			return nil, err
		}
		sub := vm.SubPath
		if vm.SubPathExpr != "" {
			sub = expandSubPath(vm.SubPathExpr, pod, c)
		}
		if sub != "" {
			if host, err = resolveSubPath(host, sub); err != nil {
				return nil, fmt.Errorf("volume %q subPath %q: %w", vm.Name, sub, err)
			}
		}
		out = append(out, &runtimeapi.Mount{
			ContainerPath: vm.MountPath,
			HostPath:      host,
			Readonly:      vm.ReadOnly || isAtomicVolume(v),
			Propagation:   propagation(vm.MountPropagation),
		})
	}
	return out, nil
}

func findVolume(pod *v1.Pod, name string) *v1.Volume {
	for i := range pod.Spec.Volumes {
		if pod.Spec.Volumes[i].Name == name {
			return &pod.Spec.Volumes[i]
		}
	}
	return nil
}

func isAtomicVolume(v *v1.Volume) bool {
	return v.ConfigMap != nil || v.Secret != nil || v.DownwardAPI != nil || v.Projected != nil
}

func propagation(p *v1.MountPropagationMode) runtimeapi.MountPropagation {
	switch {
	case p == nil:
		return runtimeapi.MountPropagation_PROPAGATION_PRIVATE
	case *p == v1.MountPropagationHostToContainer:
		return runtimeapi.MountPropagation_PROPAGATION_HOST_TO_CONTAINER
	case *p == v1.MountPropagationBidirectional:
		return runtimeapi.MountPropagation_PROPAGATION_BIDIRECTIONAL
	}
	return runtimeapi.MountPropagation_PROPAGATION_PRIVATE
}

// resolveSubPath is sub under volume with symlinks resolved; it must stay inside the volume.
func resolveSubPath(volume, sub string) (string, error) {
	if filepath.IsAbs(sub) || strings.HasPrefix(filepath.Clean(sub), "..") {
		return "", fmt.Errorf("must be a relative path inside the volume")
	}
	p := filepath.Join(volume, sub)
	if _, err := os.Lstat(p); os.IsNotExist(err) {
		if err := os.MkdirAll(p, 0o755); err != nil {
			return "", err
		}
	}
	base, err := filepath.EvalSymlinks(volume)
	if err != nil {
		return "", err
	}
	resolved, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	if resolved != base && !strings.HasPrefix(resolved, base+string(filepath.Separator)) {
		return "", fmt.Errorf("resolves to %s, outside the volume", resolved)
	}
	return resolved, nil
}

// expandSubPath expands $(VAR) in a subPathExpr with c's env: literal values and fieldRef
// values (metadata.name and the like); other valueFrom sources are not resolved here and an
// unknown reference stays as written.
func expandSubPath(expr string, pod *v1.Pod, c *v1.Container) string {
	vars := map[string]string{}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			vars[e.Name] = envvars.Expand(e.Value, envvars.Mapping(vars))
		case e.ValueFrom.FieldRef != nil:
			if val, err := envvars.ResolveFieldRef(pod, envvars.Facts{}, e.ValueFrom.FieldRef.FieldPath); err == nil {
				vars[e.Name] = val
			}
		}
	}
	return envvars.Expand(expr, envvars.Mapping(vars))
}
