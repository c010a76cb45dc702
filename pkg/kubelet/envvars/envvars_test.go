package envvars

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"skiff/pkg/kubelet/objects"
)

func testPod() *v1.Pod {
	return &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns", UID: "uid-1",
			Labels: map[string]string{"app": "web", "tier": "fe"}, Annotations: map[string]string{"a": "1"}},
		Spec: v1.PodSpec{NodeName: "n1", ServiceAccountName: "sa", Containers: []v1.Container{{Name: "c",
			Resources: v1.ResourceRequirements{
				Requests: v1.ResourceList{v1.ResourceCPU: resource.MustParse("250m"), v1.ResourceMemory: resource.MustParse("64Mi")},
				Limits:   v1.ResourceList{v1.ResourceMemory: resource.MustParse("128Mi")}}}}},
	}
}

var facts = Facts{HostIP: "10.0.0.1", PodIPs: []string{"10.42.0.5", "fd00::5"},
	NodeAllocatable: v1.ResourceList{v1.ResourceCPU: resource.MustParse("2"), v1.ResourceMemory: resource.MustParse("4Gi")}}

func src() objects.Getter {
	return objects.NewStatic(
		&v1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "cm"}, Data: map[string]string{"B": "cb", "A": "ca"}},
		&v1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "s"}, Data: map[string][]byte{"pw": []byte("hunter2")}},
	)
}

func fieldEnv(name, path string) v1.EnvVar {
	return v1.EnvVar{Name: name, ValueFrom: &v1.EnvVarSource{FieldRef: &v1.ObjectFieldSelector{FieldPath: path}}}
}

func TestBuild(t *testing.T) {
	cmKey := func(name, key string, opt bool) v1.EnvVar {
		return v1.EnvVar{Name: "K", ValueFrom: &v1.EnvVarSource{ConfigMapKeyRef: &v1.ConfigMapKeySelector{
			LocalObjectReference: v1.LocalObjectReference{Name: name}, Key: key, Optional: ptr.To(opt)}}}
	}
	secKey := func(name, key string, opt bool) v1.EnvVar {
		return v1.EnvVar{Name: "S", ValueFrom: &v1.EnvVarSource{SecretKeyRef: &v1.SecretKeySelector{
			LocalObjectReference: v1.LocalObjectReference{Name: name}, Key: key, Optional: ptr.To(opt)}}}
	}
	res := func(name, r, div string) v1.EnvVar {
		sel := &v1.ResourceFieldSelector{Resource: r}
		if div != "" {
			sel.Divisor = resource.MustParse(div)
		}
		return v1.EnvVar{Name: name, ValueFrom: &v1.EnvVarSource{ResourceFieldRef: sel}}
	}
	cases := []struct {
		name    string
		from    []v1.EnvFromSource
		env     []v1.EnvVar
		want    [][2]string
		wantErr string
	}{
		{name: "values and expansion", env: []v1.EnvVar{{Name: "A", Value: "x"}, {Name: "B", Value: "$(A)-$(NOPE)-$$(A)-$$-$(A"}},
			want: [][2]string{{"A", "x"}, {"B", "x-$(NOPE)-$(A)-$-$(A"}}},
		{name: "envFrom with prefix then env override",
			from: []v1.EnvFromSource{{Prefix: "P_", ConfigMapRef: &v1.ConfigMapEnvSource{LocalObjectReference: v1.LocalObjectReference{Name: "cm"}}},
				{SecretRef: &v1.SecretEnvSource{LocalObjectReference: v1.LocalObjectReference{Name: "s"}}}},
			env:  []v1.EnvVar{{Name: "P_A", Value: "over"}, {Name: "X", Value: "$(pw)"}},
			want: [][2]string{{"P_A", "over"}, {"P_B", "cb"}, {"pw", "hunter2"}, {"X", "hunter2"}}},
		{name: "optional envFrom missing",
			from: []v1.EnvFromSource{{ConfigMapRef: &v1.ConfigMapEnvSource{LocalObjectReference: v1.LocalObjectReference{Name: "x"}, Optional: ptr.To(true)}}},
			want: [][2]string{}},
		{name: "envFrom missing", from: []v1.EnvFromSource{{SecretRef: &v1.SecretEnvSource{LocalObjectReference: v1.LocalObjectReference{Name: "x"}}}},
			wantErr: `secret "x" not found`},
		{name: "fieldRefs", env: []v1.EnvVar{fieldEnv("N", "metadata.name"), fieldEnv("NS", "metadata.namespace"), fieldEnv("U", "metadata.uid"),
			fieldEnv("L", "metadata.labels['app']"), fieldEnv("AN", "metadata.annotations['a']"), fieldEnv("LS", "metadata.labels"),
			fieldEnv("NODE", "spec.nodeName"), fieldEnv("SA", "spec.serviceAccountName"), fieldEnv("H", "status.hostIP"),
			fieldEnv("HS", "status.hostIPs"), fieldEnv("IP", "status.podIP"), fieldEnv("IPS", "status.podIPs")},
			want: [][2]string{{"N", "p"}, {"NS", "ns"}, {"U", "uid-1"}, {"L", "web"}, {"AN", "1"}, {"LS", "app=\"web\"\ntier=\"fe\""},
				{"NODE", "n1"}, {"SA", "sa"}, {"H", "10.0.0.1"}, {"HS", "10.0.0.1"}, {"IP", "10.42.0.5"}, {"IPS", "10.42.0.5,fd00::5"}}},
		{name: "bad fieldRef", env: []v1.EnvVar{fieldEnv("X", "spec.bogus")}, wantErr: "unsupported fieldPath: spec.bogus"},
		{name: "resourceFieldRefs", env: []v1.EnvVar{res("RC", "requests.cpu", "1m"), res("RC1", "requests.cpu", ""),
			res("LC", "limits.cpu", ""), res("LM", "limits.memory", "1Mi"), res("RM", "requests.memory", ""), res("LE", "limits.ephemeral-storage", "")},
			want: [][2]string{{"RC", "250"}, {"RC1", "1"}, {"LC", "2"}, {"LM", "128"}, {"RM", "67108864"}, {"LE", "0"}}},
		{name: "configMapKeyRef", env: []v1.EnvVar{cmKey("cm", "A", false)}, want: [][2]string{{"K", "ca"}}},
		{name: "configMapKeyRef missing map", env: []v1.EnvVar{cmKey("x", "A", false)}, wantErr: `configmap "x" not found`},
		{name: "configMapKeyRef missing key", env: []v1.EnvVar{cmKey("cm", "k", false)}, wantErr: "couldn't find key k in ConfigMap ns/cm"},
		{name: "configMapKeyRef optional", env: []v1.EnvVar{cmKey("cm", "k", true), cmKey("x", "k", true)}, want: [][2]string{}},
		{name: "secretKeyRef", env: []v1.EnvVar{secKey("s", "pw", false)}, want: [][2]string{{"S", "hunter2"}}},
		{name: "secretKeyRef missing key", env: []v1.EnvVar{secKey("s", "k", false)}, wantErr: "couldn't find key k in Secret ns/s"},
		{name: "secretKeyRef optional", env: []v1.EnvVar{secKey("x", "pw", true), secKey("s", "k", true)}, want: [][2]string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pod := testPod()
			c := &pod.Spec.Containers[0]
			c.EnvFrom, c.Env = tc.from, tc.env
			kvs, err := Build(pod, c, facts, src())
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := [][2]string{}
			for _, kv := range kvs {
				got = append(got, [2]string{kv.Key, string(kv.Value)})
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("env (-want +got):\n%s", d)
			}
		})
	}
}

func TestResolveResourceFieldRefOtherContainer(t *testing.T) {
	pod := testPod()
	pod.Spec.InitContainers = []v1.Container{{Name: "init"}}
	got, err := ResolveResourceFieldRef(pod, "", &v1.ResourceFieldSelector{ContainerName: "init", Resource: "limits.memory", Divisor: resource.MustParse("1Gi")}, facts)
	if err != nil || got != "4" {
		t.Errorf("init limits.memory = %q, %v", got, err)
	}
	if _, err := ResolveResourceFieldRef(pod, "nope", &v1.ResourceFieldSelector{Resource: "limits.cpu"}, facts); err == nil {
		t.Error("missing container: no error")
	}
	if _, err := ResolveResourceFieldRef(pod, "c", &v1.ResourceFieldSelector{Resource: "limits.gpu"}, facts); err == nil {
		t.Error("unsupported resource: no error")
	}
}
