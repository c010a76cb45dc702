package openapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/merge"
	"sigs.k8s.io/structured-merge-diff/v6/typed"
)

func testPodSpec() corev1.PodSpec {
	return corev1.PodSpec{
		Containers: []corev1.Container{{
			Name:  "web",
			Image: "busybox:1.36",
			Env:   []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}},
			Ports: []corev1.ContainerPort{{ContainerPort: 80, Protocol: corev1.ProtocolTCP}, {ContainerPort: 80, Protocol: corev1.ProtocolUDP}},
			Resources: corev1.ResourceRequirements{
				Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("64Mi")},
			},
			VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
			LivenessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
				HTTPGet: &corev1.HTTPGetAction{Port: intstr.FromString("http")},
			}},
		}},
		Volumes:      []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		NodeSelector: map[string]string{"disk": "ssd"},
	}
}

func TestTypeConverterConvertsObjects(t *testing.T) {
	tc := mustSpec(t).TypeConverter()
	replicas := int32(3)
	now := metav1.Now()
	tests := []struct {
		name string
		obj  runtime.Object
	}{
		{"pod", &corev1.Pod{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
			ObjectMeta: metav1.ObjectMeta{Name: "p", CreationTimestamp: now, Finalizers: []string{"a", "b"}},
			Spec:       testPodSpec(),
		}},
		{"deployment", &appsv1.Deployment{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
			ObjectMeta: metav1.ObjectMeta{Name: "d", Labels: map[string]string{"app": "web"}},
			Spec: appsv1.DeploymentSpec{
				Replicas: &replicas,
				Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
				Template: corev1.PodTemplateSpec{Spec: testPodSpec()},
			},
		}},
		{"service", &corev1.Service{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
			Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{
				{Port: 53, Protocol: corev1.ProtocolTCP}, {Port: 53, Protocol: corev1.ProtocolUDP},
			}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tv, err := tc.ObjectToTyped(tt.obj)
			if err != nil {
				t.Fatalf("ObjectToTyped: %v", err)
			}
			back, err := tc.TypedToObject(tv)
			if err != nil {
				t.Fatalf("TypedToObject: %v", err)
			}
			want, err := runtime.DefaultUnstructuredConverter.ToUnstructured(tt.obj)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, back.(*unstructured.Unstructured).Object); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

// sameVersion is the converter of a single-version updater.
type sameVersion struct{}

func (sameVersion) Convert(v *typed.TypedValue, _ fieldpath.APIVersion) (*typed.TypedValue, error) {
	return v, nil
}

func (sameVersion) IsMissingVersionError(error) bool { return false }

// applyConfig builds an apply configuration of a Deployment from its
// containers, as a client would send it: no protocol on ports.
func applyConfig(containers ...map[string]any) *unstructured.Unstructured {
	list := make([]any, 0, len(containers))
	for _, c := range containers {
		list = append(list, c)
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "d"},
		"spec":     map[string]any{"template": map[string]any{"spec": map[string]any{"containers": list}}},
	}}
}

func TestServerSideApplyMergesContainerLists(t *testing.T) {
	tc := mustSpec(t).TypeConverter()
	typedOf := func(u *unstructured.Unstructured) *typed.TypedValue {
		t.Helper()
		tv, err := tc.ObjectToTyped(u)
		if err != nil {
			t.Fatalf("ObjectToTyped: %v", err)
		}
		return tv
	}
	updater := (&merge.UpdaterBuilder{Converter: sameVersion{}}).BuildUpdater()
	version := fieldpath.APIVersion("apps/v1")
	live := typedOf(applyConfig())
	managers := fieldpath.ManagedFields{}

	web := map[string]any{"name": "web", "image": "web:1", "ports": []any{map[string]any{"containerPort": int64(80)}},
		"env": []any{map[string]any{"name": "A", "value": "1"}}}
	live, managers, err := updater.Apply(live, typedOf(applyConfig(web)), version, managers, "alice", false)
	if err != nil {
		t.Fatalf("alice apply: %v", err)
	}
	sidecar := map[string]any{"name": "sidecar", "image": "side:1"}
	live, managers, err = updater.Apply(live, typedOf(applyConfig(sidecar)), version, managers, "bob", false)
	if err != nil {
		t.Fatalf("bob apply: %v", err)
	}
	got, _ := tc.TypedToObject(live)
	containers, _, _ := unstructured.NestedSlice(got.(*unstructured.Unstructured).Object, "spec", "template", "spec", "containers")
	var names []string
	for _, c := range containers {
		names = append(names, c.(map[string]any)["name"].(string))
	}
	if diff := cmp.Diff([]string{"web", "sidecar"}, names); diff != "" {
		t.Errorf("containers after two managers applied (-want +got):\n%s", diff)
	}
	if len(managers) != 2 {
		t.Errorf("managers = %v, want alice and bob", managers)
	}

	// Bob setting alice's image conflicts unless forced.
	stolen := map[string]any{"name": "web", "image": "web:2"}
	_, _, err = updater.Apply(live, typedOf(applyConfig(sidecar, stolen)), version, managers, "bob", false)
	if _, ok := err.(merge.Conflicts); !ok {
		t.Fatalf("bob taking alice's image: err = %v, want conflicts", err)
	}
	if _, _, err := updater.Apply(live, typedOf(applyConfig(sidecar, stolen)), version, managers, "bob", true); err != nil {
		t.Fatalf("forced apply: %v", err)
	}
}
