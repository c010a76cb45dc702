// Package volumes materializes a pod's volumes on the node and turns a container's
// volumeMounts into CRI mounts.
//
// Layout: <rootDir>/<pod-uid>/volumes/<plugin>/<volume-name>, with upstream's plugin names
// (kubernetes.io~empty-dir, ~configmap, ~secret, ~downward-api, ~projected). hostPath volumes
// are used in place. Secret, projected, downwardAPI and medium-Memory emptyDir volumes are
// tmpfs mounts (Teardown unmounts them). configMap, secret, downwardAPI and projected volumes are written with
// upstream's atomic writer layout (see atomic.go), so running containers see updates when
// Setup runs again, except through subPath mounts, which keep the files they started with.
package volumes

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"skiff/pkg/kubelet/envvars"
	"skiff/pkg/kubelet/objects"
)

// Plugin directory names, as upstream.
const (
	PluginEmptyDir    = "kubernetes.io~empty-dir"
	PluginConfigMap   = "kubernetes.io~configmap"
	PluginSecret      = "kubernetes.io~secret"
	PluginDownwardAPI = "kubernetes.io~downward-api"
	PluginProjected   = "kubernetes.io~projected"
)

// Manager sets up and tears down the volumes of the pods on this node. It keeps no state
// besides the files: Setup and Teardown of one pod must not run concurrently, different pods
// may.
type Manager struct {
	root string
	src  objects.Getter
}

// New returns a Manager of the pod directories under rootDir (D/pods) that reads ConfigMaps
// and Secrets from src. It does no I/O.
func New(rootDir string, src objects.Getter) *Manager {
	return &Manager{root: rootDir, src: src}
}

// PodDir is the directory of the pod with uid.
func (m *Manager) PodDir(uid types.UID) string {
	return filepath.Join(m.root, string(uid))
}

// pluginOf names the plugin directory of a volume; "" for hostPath, an error for unsupported
// volume types.
func pluginOf(v *v1.Volume) (string, error) {
	switch {
	case v.EmptyDir != nil:
		return PluginEmptyDir, nil
	case v.ConfigMap != nil:
		return PluginConfigMap, nil
	case v.Secret != nil:
		return PluginSecret, nil
	case v.DownwardAPI != nil:
		return PluginDownwardAPI, nil
	case v.Projected != nil:
		return PluginProjected, nil
	case v.HostPath != nil:
		return "", nil
	}
	return "", fmt.Errorf("volume %q: unsupported volume type", v.Name)
}

// volumePath is where the volume's contents are on the host.
func (m *Manager) volumePath(uid types.UID, v *v1.Volume) (string, error) {
	plugin, err := pluginOf(v)
	if err != nil || plugin == "" {
		if v.HostPath != nil {
			return v.HostPath.Path, nil
		}
		return "", err
	}
	return filepath.Join(m.PodDir(uid), "volumes", plugin, v.Name), nil
}

// Setup materializes every volume of pod; idempotent, and the way configMap, secret,
// downwardAPI and projected volumes follow changes: the kubelet calls it on every pod sync
// and periodically. Errors read like upstream's events
// (`MountVolume.SetUp failed for volume "v" : configmap "x" not found`).
func (m *Manager) Setup(pod *v1.Pod, f envvars.Facts) error {
	for i := range pod.Spec.Volumes {
		v := &pod.Spec.Volumes[i]
		if err := m.setupVolume(pod, v, f); err != nil {
			return fmt.Errorf("MountVolume.SetUp failed for volume %q : %w", v.Name, err)
		}
	}
	return nil
}

func (m *Manager) setupVolume(pod *v1.Pod, v *v1.Volume, f envvars.Facts) error {
	dir, err := m.volumePath(pod.UID, v)
	if err != nil {
		return err
	}
	var payload map[string]file
	switch {
	case v.HostPath != nil:
		return checkHostPath(v.HostPath)
	case v.EmptyDir != nil:
		return setupEmptyDir(dir, v.EmptyDir)
	case v.ConfigMap != nil:
		s := v.ConfigMap
		payload, err = m.configMapPayload(pod.Namespace, &v1.ConfigMapProjection{
			LocalObjectReference: s.LocalObjectReference, Items: s.Items, Optional: s.Optional}, modeOr(s.DefaultMode, defaultMode))
	case v.Secret != nil:
		s := v.Secret
		payload, err = m.secretPayload(pod.Namespace, &v1.SecretProjection{
			LocalObjectReference: v1.LocalObjectReference{Name: s.SecretName}, Items: s.Items, Optional: s.Optional}, modeOr(s.DefaultMode, defaultMode))
	case v.DownwardAPI != nil:
		payload, err = downwardAPIPayload(pod, f, v.DownwardAPI.Items, modeOr(v.DownwardAPI.DefaultMode, defaultMode))
	case v.Projected != nil:
		payload, err = m.projectedPayload(pod, f, v.Projected)
	}
	if err != nil {
		return err
	}
	if v.Secret != nil || v.Projected != nil || v.DownwardAPI != nil {
		if err := ensureTmpfs(dir); err != nil {
			return err
		}
	}
	return writeAtomic(dir, payload)
}

// ensureTmpfs backs dir with a tmpfs, as upstream does for secret, projected and downwardAPI
// volumes so that secrets never reach the disk. Without the privilege to mount (tests as a
// normal user) the directory stays on disk.
func ensureTmpfs(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if isMountPoint(dir) {
		return nil
	}
	err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755")
	if err != nil && !errors.Is(err, unix.EPERM) {
		return fmt.Errorf("mount tmpfs on %s: %w", dir, err)
	}
	return nil
}

// setupEmptyDir creates the directory (mode 0777, as upstream); medium Memory mounts a tmpfs
// there, sized by sizeLimit when set, once.
func setupEmptyDir(dir string, ed *v1.EmptyDirVolumeSource) error {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	if ed.Medium == v1.StorageMediumMemory && !isMountPoint(dir) {
		opts := ""
		if ed.SizeLimit != nil && !ed.SizeLimit.IsZero() {
			opts = "size=" + strconv.FormatInt(ed.SizeLimit.Value(), 10)
		}
		if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, opts); err != nil {
			return fmt.Errorf("mount tmpfs on %s: %w", dir, err)
		}
	}
	return os.Chmod(dir, 0o777)
}

// Teardown unmounts whatever is mounted under the pod's directory (memory emptyDirs) and
// removes the directory. A missing directory is not an error. Nothing is removed while a
// mount remains.
func (m *Manager) Teardown(uid types.UID) error {
	dir := m.PodDir(uid)
	mps, err := mountPoints(dir)
	if err != nil {
		return fmt.Errorf("list mounts: %w", err)
	}
	slices.SortFunc(mps, func(a, b string) int { return len(b) - len(a) }) // deepest first
	for _, mp := range mps {
		if err := unix.Unmount(mp, 0); err != nil && !errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("unmount %s: %w", mp, err)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove pod dir: %w", err)
	}
	return nil
}

// PodUIDs lists the pods that have a directory under the root, for orphan cleanup.
func (m *Manager) PodUIDs() ([]types.UID, error) {
	entries, err := os.ReadDir(m.root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var out []types.UID
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, types.UID(e.Name()))
		}
	}
	return out, nil
}
