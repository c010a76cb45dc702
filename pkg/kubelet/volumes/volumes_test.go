package volumes

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
	"k8s.io/utils/ptr"

	"skiff/pkg/kubelet/envvars"
	"skiff/pkg/kubelet/objects"
)

func newPod(vols ...v1.Volume) *v1.Pod {
	return &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "uid-1", Labels: map[string]string{"app": "web"}},
		Spec:       v1.PodSpec{Volumes: vols, Containers: []v1.Container{{Name: "c"}}},
	}
}

func source() *objects.Static {
	return objects.NewStatic(
		&v1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "cm"}, Data: map[string]string{"k1": "v1", "k2": "v2"},
			BinaryData: map[string][]byte{"bin": {0, 1}}},
		&v1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "s"}, Data: map[string][]byte{"user": []byte("admin")}},
	)
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSetupAndMounts(t *testing.T) {
	root := t.TempDir()
	hostDir := filepath.Join(t.TempDir(), "made")
	src := source()
	m := New(root, src)
	t.Cleanup(func() { _ = m.Teardown("uid-1") })
	pod := newPod(
		v1.Volume{Name: "scratch", VolumeSource: v1.VolumeSource{EmptyDir: &v1.EmptyDirVolumeSource{}}},
		v1.Volume{Name: "host", VolumeSource: v1.VolumeSource{HostPath: &v1.HostPathVolumeSource{Path: hostDir, Type: ptr.To(v1.HostPathDirectoryOrCreate)}}},
		v1.Volume{Name: "conf", VolumeSource: v1.VolumeSource{ConfigMap: &v1.ConfigMapVolumeSource{LocalObjectReference: v1.LocalObjectReference{Name: "cm"}}}},
		v1.Volume{Name: "items", VolumeSource: v1.VolumeSource{ConfigMap: &v1.ConfigMapVolumeSource{LocalObjectReference: v1.LocalObjectReference{Name: "cm"},
			Items: []v1.KeyToPath{{Key: "k1", Path: "dir/one", Mode: ptr.To(int32(0o600))}}, DefaultMode: ptr.To(int32(0o444))}}},
		v1.Volume{Name: "sec", VolumeSource: v1.VolumeSource{Secret: &v1.SecretVolumeSource{SecretName: "s", DefaultMode: ptr.To(int32(0o400))}}},
		v1.Volume{Name: "opt", VolumeSource: v1.VolumeSource{Secret: &v1.SecretVolumeSource{SecretName: "absent", Optional: ptr.To(true)}}},
		v1.Volume{Name: "info", VolumeSource: v1.VolumeSource{DownwardAPI: &v1.DownwardAPIVolumeSource{Items: []v1.DownwardAPIVolumeFile{
			{Path: "labels", FieldRef: &v1.ObjectFieldSelector{FieldPath: "metadata.labels"}},
			{Path: "mem", ResourceFieldRef: &v1.ResourceFieldSelector{ContainerName: "c", Resource: "limits.memory", Divisor: resource.MustParse("1Mi")}}}}}},
		v1.Volume{Name: "all", VolumeSource: v1.VolumeSource{Projected: &v1.ProjectedVolumeSource{Sources: []v1.VolumeProjection{
			{ConfigMap: &v1.ConfigMapProjection{LocalObjectReference: v1.LocalObjectReference{Name: "cm"}, Items: []v1.KeyToPath{{Key: "k2", Path: "k2"}}}},
			{Secret: &v1.SecretProjection{LocalObjectReference: v1.LocalObjectReference{Name: "s"}}},
			{DownwardAPI: &v1.DownwardAPIProjection{Items: []v1.DownwardAPIVolumeFile{{Path: "name", FieldRef: &v1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}},
			{ServiceAccountToken: &v1.ServiceAccountTokenProjection{Path: "token"}},
		}}}},
	)
	facts := envvars.Facts{NodeAllocatable: v1.ResourceList{v1.ResourceMemory: resource.MustParse("2Gi")}}
	for range 2 {
		if err := m.Setup(pod, facts); err != nil {
			t.Fatal(err)
		}
	}
	vol := func(plugin, name string) string { return filepath.Join(root, "uid-1", "volumes", plugin, name) }
	checks := map[string]string{
		vol(PluginConfigMap, "conf") + "/k1":       "v1",
		vol(PluginConfigMap, "conf") + "/bin":      "\x00\x01",
		vol(PluginConfigMap, "items") + "/dir/one": "v1",
		vol(PluginSecret, "sec") + "/user":         "admin",
		vol(PluginDownwardAPI, "info") + "/labels": `app="web"`,
		vol(PluginDownwardAPI, "info") + "/mem":    "2048",
		vol(PluginProjected, "all") + "/k2":        "v2",
		vol(PluginProjected, "all") + "/user":      "admin",
		vol(PluginProjected, "all") + "/name":      "p",
	}
	for p, want := range checks {
		if got := readFile(t, p); got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	modes := map[string]os.FileMode{
		vol(PluginConfigMap, "conf") + "/k1":       0o644,
		vol(PluginConfigMap, "items") + "/dir/one": 0o600,
		vol(PluginSecret, "sec") + "/user":         0o400,
		vol(PluginEmptyDir, "scratch"):             0o777 | os.ModeDir,
		hostDir:                                    0o755 | os.ModeDir,
	}
	for p, want := range modes {
		if st, err := os.Stat(p); err != nil || st.Mode() != want {
			t.Errorf("%s mode = %v (%v), want %v", p, st.Mode(), err, want)
		}
	}
	if _, err := os.Stat(vol(PluginProjected, "all") + "/token"); !os.IsNotExist(err) {
		t.Errorf("token written: %v", err)
	}

	// the ConfigMap changes: the next Setup swaps the files
	src.ConfigMaps["ns/cm"] = &v1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "cm"}, Data: map[string]string{"k1": "new", "k2": "v2"}}
	c := &pod.Spec.Containers[0]
	c.VolumeMounts = []v1.VolumeMount{
		{Name: "scratch", MountPath: "/scratch"},
		{Name: "host", MountPath: "/host", ReadOnly: true, MountPropagation: ptr.To(v1.MountPropagationHostToContainer)},
		{Name: "conf", MountPath: "/etc/k1", SubPath: "k1"},
		{Name: "sec", MountPath: "/secret"},
		{Name: "scratch", MountPath: "/data", SubPathExpr: "$(POD)/x"},
	}
	c.Env = []v1.EnvVar{{Name: "POD", ValueFrom: &v1.EnvVarSource{FieldRef: &v1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}
	mounts, err := m.Mounts(pod, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Setup(pod, facts); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, vol(PluginConfigMap, "conf")+"/k1"); got != "new" {
		t.Errorf("after update k1 = %q", got)
	}
	if !strings.HasPrefix(mounts[2].HostPath, vol(PluginConfigMap, "conf")+"/..20") {
		t.Errorf("subPath mount %s does not name the timestamped file", mounts[2].HostPath)
	}
	private := runtimeapi.MountPropagation_PROPAGATION_PRIVATE
	want := []*runtimeapi.Mount{
		{ContainerPath: "/scratch", HostPath: vol(PluginEmptyDir, "scratch"), Propagation: private},
		{ContainerPath: "/host", HostPath: hostDir, Readonly: true, Propagation: runtimeapi.MountPropagation_PROPAGATION_HOST_TO_CONTAINER},
		{ContainerPath: "/etc/k1", HostPath: mounts[2].HostPath, Readonly: true, Propagation: private},
		{ContainerPath: "/secret", HostPath: vol(PluginSecret, "sec"), Readonly: true, Propagation: private},
		{ContainerPath: "/data", HostPath: vol(PluginEmptyDir, "scratch") + "/p/x", Propagation: private},
	}
	if d := cmp.Diff(want, mounts, protocmp.Transform()); d != "" {
		t.Errorf("mounts (-want +got):\n%s", d)
	}

	uids, err := m.PodUIDs()
	if err != nil || !cmp.Equal(uids, []types.UID{"uid-1"}) {
		t.Errorf("PodUIDs = %v, %v", uids, err)
	}
	if err := m.Teardown("uid-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "uid-1")); !os.IsNotExist(err) {
		t.Errorf("pod dir kept: %v", err)
	}
	if _, err := os.Stat(hostDir); err != nil {
		t.Errorf("hostPath removed: %v", err)
	}
}

func TestSetupErrors(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(tmp, "s.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	hp := func(path string, typ v1.HostPathType) v1.Volume {
		return v1.Volume{Name: "h", VolumeSource: v1.VolumeSource{HostPath: &v1.HostPathVolumeSource{Path: path, Type: &typ}}}
	}
	cases := []struct {
		vol     v1.Volume
		wantErr string
	}{
		{v1.Volume{Name: "c", VolumeSource: v1.VolumeSource{ConfigMap: &v1.ConfigMapVolumeSource{LocalObjectReference: v1.LocalObjectReference{Name: "x"}}}},
			`MountVolume.SetUp failed for volume "c" : configmap "x" not found`},
		{v1.Volume{Name: "c", VolumeSource: v1.VolumeSource{ConfigMap: &v1.ConfigMapVolumeSource{LocalObjectReference: v1.LocalObjectReference{Name: "cm"},
			Items: []v1.KeyToPath{{Key: "nope", Path: "n"}}}}},
			`MountVolume.SetUp failed for volume "c" : configmap references non-existent config key: nope`},
		{v1.Volume{Name: "s", VolumeSource: v1.VolumeSource{Secret: &v1.SecretVolumeSource{SecretName: "s", Items: []v1.KeyToPath{{Key: "nope", Path: "n"}}}}},
			`MountVolume.SetUp failed for volume "s" : references non-existent secret key: nope`},
		{hp(file, v1.HostPathDirectory), "hostPath type check failed: " + file + " is not a directory"},
		{hp(tmp, v1.HostPathFile), "hostPath type check failed: " + tmp + " is not a file"},
		{hp(filepath.Join(tmp, "none"), v1.HostPathSocket), "is not a socket file"},
		{hp(sock, v1.HostPathSocket), ""},
		{hp(file, v1.HostPathFile), ""},
		{hp(filepath.Join(tmp, "new"), v1.HostPathFileOrCreate), ""},
		{hp("/dev/null", v1.HostPathCharDev), ""},
		{hp(file, v1.HostPathBlockDev), "is not a block device"},
		{v1.Volume{Name: "pvc", VolumeSource: v1.VolumeSource{PersistentVolumeClaim: &v1.PersistentVolumeClaimVolumeSource{ClaimName: "x"}}}, "unsupported volume type"},
	}
	for _, tc := range cases {
		m := New(t.TempDir(), source())
		pod := newPod(tc.vol)
		t.Cleanup(func() { _ = m.Teardown(pod.UID) })
		err := m.Setup(pod, envvars.Facts{})
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.vol.Name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: err = %v, want %q", tc.vol.Name, err, tc.wantErr)
		}
	}
	if st, err := os.Stat(filepath.Join(tmp, "new")); err != nil || !st.Mode().IsRegular() {
		t.Errorf("FileOrCreate: %v", err)
	}
}

func TestMountsErrors(t *testing.T) {
	m := New(t.TempDir(), source())
	pod := newPod(v1.Volume{Name: "e", VolumeSource: v1.VolumeSource{EmptyDir: &v1.EmptyDirVolumeSource{}}})
	if err := m.Setup(pod, envvars.Facts{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(m.PodDir(pod.UID), "volumes", PluginEmptyDir, "e")
	if err := os.Symlink("/etc", filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	for _, vm := range []v1.VolumeMount{{Name: "missing", MountPath: "/x"}, {Name: "e", MountPath: "/x", SubPath: "../x"}, {Name: "e", MountPath: "/x", SubPath: "escape"}} {
		c := &v1.Container{Name: "c", VolumeMounts: []v1.VolumeMount{vm}}
		if _, err := m.Mounts(pod, c); err == nil {
			t.Errorf("mount %+v: no error", vm)
		}
	}
}

func TestMemoryEmptyDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount tmpfs")
	}
	m := New(t.TempDir(), source())
	pod := newPod(v1.Volume{Name: "mem", VolumeSource: v1.VolumeSource{EmptyDir: &v1.EmptyDirVolumeSource{
		Medium: v1.StorageMediumMemory, SizeLimit: ptr.To(resource.MustParse("1Mi"))}}})
	for range 2 {
		if err := m.Setup(pod, envvars.Facts{}); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(m.PodDir(pod.UID), "volumes", PluginEmptyDir, "mem")
	mps, err := mountPoints(m.PodDir(pod.UID))
	if err != nil || len(mps) != 1 || mps[0] != dir {
		t.Fatalf("mounts = %v, %v", mps, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "big"), make([]byte, 2<<20), 0o644); err == nil {
		t.Error("wrote 2Mi into a 1Mi tmpfs")
	}
	if err := m.Teardown(pod.UID); err != nil {
		t.Fatal(err)
	}
	if mps, _ := mountPoints(m.PodDir(pod.UID)); len(mps) != 0 {
		t.Errorf("still mounted: %v", mps)
	}
}
