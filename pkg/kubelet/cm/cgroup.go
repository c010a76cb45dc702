package cm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	resourcehelper "k8s.io/component-helpers/resource"

	"skiff/pkg/qos"
)

const (
	defaultRoot = "/sys/fs/cgroup"
	defaultTop  = "kubepods"
	podPrefix   = "pod"
)

var qosDirs = [...]string{"guaranteed", "burstable", "besteffort"}

// Manager creates and removes pod cgroups in the cgroup v1 hierarchies mounted under Root.
// The zero value manages /sys/fs/cgroup/<hierarchy>/kubepods. Methods are safe for
// concurrent use on distinct pods; the Manager keeps no state.
type Manager struct {
	// Root holds one directory per mounted v1 hierarchy (symlinks such as cpu -> cpu,cpuacct
	// are followed); "unified" (the v2 hierarchy of a hybrid setup) is skipped.
	// Default /sys/fs/cgroup.
	Root string
	// Top is the top-level cgroup name, default "kubepods". Only tests change it; the CRI
	// CgroupParent from PodCgroupParent always uses "kubepods".
	Top string
}

func (m *Manager) root() string {
	if m.Root == "" {
		return defaultRoot
	}
	return m.Root
}

func (m *Manager) top() string {
	if m.Top == "" {
		return defaultTop
	}
	return m.Top
}

func qosDir(class v1.PodQOSClass) string {
	return strings.ToLower(string(class))
}

func podRelPath(top string, class v1.PodQOSClass, uid types.UID) string {
	return filepath.Join(top, qosDir(class), podPrefix+string(uid))
}

// hierarchies lists the resolved directories of the mounted v1 hierarchies, deduplicated.
func (m *Manager) hierarchies() ([]string, error) {
	entries, err := os.ReadDir(m.root())
	if err != nil {
		return nil, fmt.Errorf("list cgroup hierarchies: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.Name() == "unified" {
			continue
		}
		p, err := filepath.EvalSymlinks(filepath.Join(m.root(), e.Name()))
		if err != nil {
			continue
		}
		if st, err := os.Stat(p); err == nil && st.IsDir() && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// EnsurePod creates pod's cgroup (and the kubepods and QoS levels above it) in every hierarchy,
// copying cpuset.cpus and cpuset.mems down from the parent, and writes the pod-level limits as
// upstream: cpu.shares from the summed requests; CFS quota and memory limit only when every
// container declares the limit (BestEffort pods get 2 shares). Idempotent.
func (m *Manager) EnsurePod(pod *v1.Pod) error {
	hs, err := m.hierarchies()
	if err != nil {
		return err
	}
	class := qos.Class(pod)
	rel, limits := podRelPath(m.top(), class, pod.UID), podLimits(pod, class)
	for _, h := range hs {
		if err := ensureDirs(h, rel); err != nil {
			return fmt.Errorf("pod %s cgroup: %w", pod.UID, err)
		}
		if err := m.ensureQOSLevel(h, class); err != nil {
			return err
		}
		if err := writeLimits(h, filepath.Join(h, rel), limits); err != nil {
			return fmt.Errorf("pod %s cgroup limits: %w", pod.UID, err)
		}
	}
	return nil
}

// ensureDirs creates each level of rel under hierarchy h; in the cpuset hierarchy an empty
// cpuset.cpus or cpuset.mems is copied from the parent, or no task could join.
func ensureDirs(h, rel string) error {
	dir := h
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		parent := dir
		dir = filepath.Join(dir, part)
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
			if err := copyIfEmpty(parent, dir, f); err != nil {
				return err
			}
		}
	}
	return nil
}

func copyIfEmpty(parent, dir, name string) error {
	want, err := os.ReadFile(filepath.Join(parent, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil // not the cpuset hierarchy
	} else if err != nil {
		return err
	}
	have, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if strings.TrimSpace(string(have)) != "" {
		return nil
	}
	return writeFile(filepath.Join(dir, name), strings.TrimSpace(string(want)))
}

// ensureQOSLevel gives the besteffort level the minimum cpu.shares, as upstream.
func (m *Manager) ensureQOSLevel(h string, class v1.PodQOSClass) error {
	if class != v1.PodQOSBestEffort {
		return nil
	}
	dir := filepath.Join(h, m.top(), qosDir(v1.PodQOSBestEffort))
	return writeLimits(h, dir, map[string]int64{"cpu.shares": MinShares})
}

// podLimits are the cgroup files and values of pod's cgroup, pod being of QoS class
// (upstream ResourceConfigForPod).
func podLimits(pod *v1.Pod, class v1.PodQOSClass) map[string]int64 {
	if class == v1.PodQOSBestEffort {
		return map[string]int64{"cpu.shares": MinShares}
	}
	req := resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{})
	lim := resourcehelper.PodLimits(pod, resourcehelper.PodResourcesOptions{})
	out := map[string]int64{"cpu.shares": MilliCPUToShares(req.Cpu().MilliValue())}
	cpuDeclared, memDeclared := limitsDeclared(pod)
	if class == v1.PodQOSGuaranteed || cpuDeclared {
		out["cpu.cfs_period_us"] = QuotaPeriod
		out["cpu.cfs_quota_us"] = MilliCPUToQuota(lim.Cpu().MilliValue(), QuotaPeriod)
	}
	if class == v1.PodQOSGuaranteed || memDeclared {
		out["memory.limit_in_bytes"] = lim.Memory().Value()
	}
	return out
}

// limitsDeclared reports whether every container (init ones included) has a cpu and a memory
// limit; pod-level limits count for all.
func limitsDeclared(pod *v1.Pod) (cpu, mem bool) {
	if r := pod.Spec.Resources; r != nil {
		if !r.Limits.Cpu().IsZero() && !r.Limits.Memory().IsZero() {
			return true, true
		}
	}
	cpu, mem = true, true
	for _, cs := range [][]v1.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for i := range cs {
			cpu = cpu && !cs[i].Resources.Limits.Cpu().IsZero()
			mem = mem && !cs[i].Resources.Limits.Memory().IsZero()
		}
	}
	return cpu, mem
}

// writeLimits writes the values into cgroup dir of hierarchy h, each only where h has that
// file at its root (cpu.* in cpu, memory.* in memory).
func writeLimits(h, dir string, limits map[string]int64) error {
	keys := make([]string, 0, len(limits))
	for k := range limits {
		keys = append(keys, k)
	}
	slices.Sort(keys) // cfs_period_us before cfs_quota_us
	for _, k := range keys {
		if _, err := os.Stat(filepath.Join(h, k)); err != nil {
			continue
		}
		if err := writeFile(filepath.Join(dir, k), strconv.FormatInt(limits[k], 10)); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path, value string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, werr := f.WriteString(value)
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return fmt.Errorf("write %s: %w", path, werr)
	}
	return nil
}

// RemovePod removes the cgroup of the pod with uid from every hierarchy and QoS level,
// children (the runtime's sandbox and container cgroups) first. A missing cgroup is not an
// error; a cgroup that still holds tasks fails with EBUSY and the caller retries later.
func (m *Manager) RemovePod(uid types.UID) error {
	hs, err := m.hierarchies()
	if err != nil {
		return err
	}
	var errs []error
	for _, h := range hs {
		for _, q := range qosDirs {
			dir := filepath.Join(h, m.top(), q, podPrefix+string(uid))
			if err := removeCgroup(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("remove cgroup %s: %w", dir, err))
			}
		}
	}
	return errors.Join(errs...)
}

// removeCgroup rmdirs dir after its subdirectories. cgroupfs removes a cgroup's control files
// with rmdir; a plain directory (tests) needs its files removed first.
func removeCgroup(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			if err := removeCgroup(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	err = unix.Rmdir(dir)
	if errors.Is(err, unix.ENOTEMPTY) || errors.Is(err, unix.EEXIST) {
		return os.RemoveAll(dir)
	}
	return err
}

// PodUIDs lists the UIDs of the pod cgroups that exist in any hierarchy, sorted.
func (m *Manager) PodUIDs() ([]types.UID, error) {
	hs, err := m.hierarchies()
	if err != nil {
		return nil, err
	}
	var out []types.UID
	for _, h := range hs {
		for _, q := range qosDirs {
			entries, err := os.ReadDir(filepath.Join(h, m.top(), q))
			if err != nil {
				continue
			}
			for _, e := range entries {
				uid, ok := strings.CutPrefix(e.Name(), podPrefix)
				if e.IsDir() && ok && !slices.Contains(out, types.UID(uid)) {
					out = append(out, types.UID(uid))
				}
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
