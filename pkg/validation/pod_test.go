package validation

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

func podSpec() corev1.PodSpec {
	return corev1.PodSpec{
		Containers: []corev1.Container{{
			Name: "app", Image: "registry.local/app:v1",
			Ports:        []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
			VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
		}},
		Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
	}
}

func validPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default", ResourceVersion: "1"},
		Spec:       podSpec(),
	}
}

func httpProbe(port intstr.IntOrString) *corev1.Probe {
	return &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: port, Scheme: corev1.URISchemeHTTP}},
		TimeoutSeconds: 1, PeriodSeconds: 10, SuccessThreshold: 1, FailureThreshold: 3}
}

func TestValidatePodContainers(t *testing.T) {
	c0 := "spec.containers[0]"
	runCreate(t, validPod, true, []createCase[*corev1.Pod]{
		{name: "valid"},
		{name: "no containers", mutate: func(p *corev1.Pod) { p.Spec.Containers = nil },
			want: []string{"FieldValueRequired spec.containers"}},
		{name: "image required", mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Image = "" },
			want: []string{"FieldValueRequired " + c0 + ".image"}},
		{name: "image whitespace", mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Image = " app " },
			want: []string{"FieldValueInvalid " + c0 + ".image"}},
		{name: "container name not a label", mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Name = "App_1" },
			want: []string{"FieldValueInvalid " + c0 + ".name"}},
		{name: "duplicate name with init container", mutate: func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{p.Spec.Containers[0]}
		}, want: []string{"FieldValueDuplicate " + c0 + ".name"}},
		{name: "port out of range", mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Ports[0].ContainerPort = 70000 },
			want: []string{"FieldValueInvalid " + c0 + ".ports[0].containerPort"}},
		{name: "bad protocol", mutate: func(p *corev1.Pod) { p.Spec.Containers[0].Ports[0].Protocol = "ICMP" },
			want: []string{"FieldValueNotSupported " + c0 + ".ports[0].protocol"}},
		{name: "bad and duplicate port names", mutate: func(p *corev1.Pod) {
			p.Spec.Containers[0].Ports = []corev1.ContainerPort{
				{Name: "http", ContainerPort: 80, Protocol: "TCP"}, {Name: "http", ContainerPort: 81, Protocol: "TCP"},
				{Name: "Not_IANA", ContainerPort: 82, Protocol: "TCP"}}
		}, want: []string{"FieldValueDuplicate " + c0 + ".ports[1].name", "FieldValueInvalid " + c0 + ".ports[2].name"}},
		{name: "env names", mutate: func(p *corev1.Pod) {
			p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "OK_1"}, {Name: ""}, {Name: "A=B"}}
		}, want: []string{"FieldValueRequired " + c0 + ".env[1].name", "FieldValueInvalid " + c0 + ".env[2].name"}},
		{name: "env value and valueFrom", mutate: func(p *corev1.Pod) {
			p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "X", Value: "v", ValueFrom: &corev1.EnvVarSource{
				SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"}}}}
		}, want: []string{"FieldValueInvalid " + c0 + ".env[0].valueFrom"}},
		{name: "env fieldRef unsupported", mutate: func(p *corev1.Pod) {
			p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{
				FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "spec.containers"}}}}
		}, want: []string{"FieldValueNotSupported " + c0 + ".env[0].valueFrom.fieldRef.fieldPath"}},
		{name: "env configMapKeyRef without key", mutate: func(p *corev1.Pod) {
			p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{
				ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}}}}}
		}, want: []string{"FieldValueRequired " + c0 + ".env[0].valueFrom.configMapKeyRef.key"}},
		{name: "mount of unknown volume", mutate: func(p *corev1.Pod) { p.Spec.Containers[0].VolumeMounts[0].Name = "nope" },
			want: []string{"FieldValueNotFound " + c0 + ".volumeMounts[0].name"}},
		{name: "mount subPath escapes", mutate: func(p *corev1.Pod) { p.Spec.Containers[0].VolumeMounts[0].SubPath = "../etc" },
			want: []string{"FieldValueInvalid " + c0 + ".volumeMounts[0].subPath"}},
		{name: "pull policy", mutate: func(p *corev1.Pod) { p.Spec.Containers[0].ImagePullPolicy = "Sometimes" },
			want: []string{"FieldValueNotSupported " + c0 + ".imagePullPolicy"}},
	})
}

func TestValidatePodResources(t *testing.T) {
	r := "spec.containers[0].resources"
	set := func(req, lim corev1.ResourceList) func(*corev1.Pod) {
		return func(p *corev1.Pod) {
			p.Spec.Containers[0].Resources = corev1.ResourceRequirements{Requests: req, Limits: lim}
		}
	}
	q := resource.MustParse
	runCreate(t, validPod, true, []createCase[*corev1.Pod]{
		{name: "request below limit", mutate: set(corev1.ResourceList{"cpu": q("100m")}, corev1.ResourceList{"cpu": q("1")})},
		{name: "request above limit", mutate: set(corev1.ResourceList{"memory": q("2Gi")}, corev1.ResourceList{"memory": q("1Gi")}),
			want: []string{"FieldValueInvalid " + r + ".requests[memory]"}},
		{name: "negative quantity", mutate: set(corev1.ResourceList{"cpu": q("-1")}, nil),
			want: []string{"FieldValueInvalid " + r + ".requests[cpu]"}},
		{name: "unknown standard resource", mutate: set(nil, corev1.ResourceList{"gpu": q("1")}),
			want: []string{"FieldValueInvalid " + r + ".limits[gpu]"}},
		{name: "extended resource must equal limit", mutate: set(corev1.ResourceList{"example.com/gpu": q("1")}, corev1.ResourceList{"example.com/gpu": q("2")}),
			want: []string{"FieldValueInvalid " + r + ".requests[example.com/gpu]"}},
	})
}

func TestValidatePodProbes(t *testing.T) {
	c0 := "spec.containers[0]"
	runCreate(t, validPod, true, []createCase[*corev1.Pod]{
		{name: "valid probes", mutate: func(p *corev1.Pod) {
			p.Spec.Containers[0].LivenessProbe = httpProbe(intstr.FromString("http"))
			p.Spec.Containers[0].ReadinessProbe = httpProbe(intstr.FromInt32(8080))
		}},
		{name: "no handler", mutate: func(p *corev1.Pod) {
			p.Spec.Containers[0].ReadinessProbe = &corev1.Probe{TimeoutSeconds: 1, PeriodSeconds: 1, SuccessThreshold: 1, FailureThreshold: 1}
		}, want: []string{"FieldValueRequired " + c0 + ".readinessProbe"}},
		{name: "two handlers", mutate: func(p *corev1.Pod) {
			pr := httpProbe(intstr.FromInt32(80))
			pr.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromInt32(80)}
			p.Spec.Containers[0].ReadinessProbe = pr
		}, want: []string{"FieldValueForbidden " + c0 + ".readinessProbe.tcpSocket"}},
		{name: "liveness success threshold", mutate: func(p *corev1.Pod) {
			pr := httpProbe(intstr.FromInt32(80))
			pr.SuccessThreshold = 2
			p.Spec.Containers[0].LivenessProbe = pr
		}, want: []string{"FieldValueInvalid " + c0 + ".livenessProbe.successThreshold"}},
		{name: "bad port and negative period", mutate: func(p *corev1.Pod) {
			pr := httpProbe(intstr.FromInt32(0))
			pr.PeriodSeconds = -1
			p.Spec.Containers[0].ReadinessProbe = pr
		}, want: []string{"FieldValueInvalid " + c0 + ".readinessProbe.httpGet.port", "FieldValueInvalid " + c0 + ".readinessProbe.periodSeconds"}},
		{name: "exec without command", mutate: func(p *corev1.Pod) {
			pr := httpProbe(intstr.FromInt32(80))
			pr.HTTPGet, pr.Exec = nil, &corev1.ExecAction{}
			p.Spec.Containers[0].StartupProbe = pr
		}, want: []string{"FieldValueRequired " + c0 + ".startupProbe.exec.command"}},
		{name: "probe on plain init container", mutate: func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "x:1", ImagePullPolicy: "IfNotPresent",
				TerminationMessagePolicy: "File", LivenessProbe: httpProbe(intstr.FromInt32(80))}}
		}, want: []string{"FieldValueForbidden spec.initContainers[0].livenessProbe"}},
		{name: "probe on sidecar", mutate: func(p *corev1.Pod) {
			p.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "x:1", ImagePullPolicy: "IfNotPresent",
				TerminationMessagePolicy: "File", RestartPolicy: ptr.To(corev1.ContainerRestartPolicyAlways), LivenessProbe: httpProbe(intstr.FromInt32(80))}}
		}},
	})
}

func TestValidatePodVolumes(t *testing.T) {
	vol := func(v corev1.Volume) func(*corev1.Pod) {
		return func(p *corev1.Pod) { p.Spec.Volumes = append(p.Spec.Volumes, v) }
	}
	runCreate(t, validPod, true, []createCase[*corev1.Pod]{
		{name: "configMap", mutate: vol(corev1.Volume{Name: "cfg", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: "c"}, DefaultMode: ptr.To(int32(0o644))}}})},
		{name: "duplicate name", mutate: vol(corev1.Volume{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}),
			want: []string{"FieldValueDuplicate spec.volumes[1].name"}},
		{name: "bad name", mutate: vol(corev1.Volume{Name: "Data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}),
			want: []string{"FieldValueInvalid spec.volumes[1].name"}},
		{name: "no source", mutate: vol(corev1.Volume{Name: "v"}),
			want: []string{"FieldValueRequired spec.volumes[1]"}},
		{name: "two sources", mutate: vol(corev1.Volume{Name: "v", VolumeSource: corev1.VolumeSource{
			EmptyDir: &corev1.EmptyDirVolumeSource{}, HostPath: &corev1.HostPathVolumeSource{Path: "/x"}}}),
			want: []string{"FieldValueForbidden spec.volumes[1].emptyDir"}},
		{name: "secret mode and name", mutate: vol(corev1.Volume{Name: "v", VolumeSource: corev1.VolumeSource{
			Secret: &corev1.SecretVolumeSource{DefaultMode: ptr.To(int32(0o1000))}}}),
			want: []string{"FieldValueRequired spec.volumes[1].secret.secretName", "FieldValueInvalid spec.volumes[1].secret.defaultMode"}},
		{name: "pvc claim name", mutate: vol(corev1.Volume{Name: "v", VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{}}}),
			want: []string{"FieldValueRequired spec.volumes[1].persistentVolumeClaim.claimName"}},
		{name: "item path escapes", mutate: vol(corev1.Volume{Name: "v", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: "c"}, Items: []corev1.KeyToPath{{Key: "k", Path: "../x"}}}}}),
			want: []string{"FieldValueInvalid spec.volumes[1].configMap.items[0].path", "FieldValueInvalid spec.volumes[1].configMap.items[0].path"}},
	})
}

func TestValidatePodSpecFields(t *testing.T) {
	runCreate(t, validPod, true, []createCase[*corev1.Pod]{
		{name: "restart policy", mutate: func(p *corev1.Pod) { p.Spec.RestartPolicy = "Sometimes" },
			want: []string{"FieldValueNotSupported spec.restartPolicy"}},
		{name: "restart policy empty", mutate: func(p *corev1.Pod) { p.Spec.RestartPolicy = "" },
			want: []string{"FieldValueRequired spec.restartPolicy"}},
		{name: "dns policy", mutate: func(p *corev1.Pod) { p.Spec.DNSPolicy = "Google" },
			want: []string{"FieldValueNotSupported spec.dnsPolicy"}},
		{name: "dns none without config", mutate: func(p *corev1.Pod) { p.Spec.DNSPolicy = corev1.DNSNone },
			want: []string{"FieldValueRequired spec.dnsConfig"}},
		{name: "dns none with config", mutate: func(p *corev1.Pod) {
			p.Spec.DNSPolicy = corev1.DNSNone
			p.Spec.DNSConfig = &corev1.PodDNSConfig{Nameservers: []string{"10.0.0.10"}, Searches: []string{"svc.cluster.local"}}
		}},
		{name: "node selector", mutate: func(p *corev1.Pod) { p.Spec.NodeSelector = map[string]string{"bad key!": "v"} },
			want: []string{"FieldValueInvalid spec.nodeSelector"}},
		{name: "active deadline", mutate: func(p *corev1.Pod) { p.Spec.ActiveDeadlineSeconds = ptr.To(int64(0)) },
			want: []string{"FieldValueInvalid spec.activeDeadlineSeconds"}},
		{name: "service account name", mutate: func(p *corev1.Pod) { p.Spec.ServiceAccountName = "Bad_Name" },
			want: []string{"FieldValueInvalid spec.serviceAccountName"}},
		{name: "host network port mismatch", mutate: func(p *corev1.Pod) {
			p.Spec.HostNetwork = true
			p.Spec.Containers[0].Ports[0].HostPort = 9090
		}, want: []string{"FieldValueInvalid spec.containers[0].ports[0].containerPort"}},
	})
}

func TestValidatePodScheduling(t *testing.T) {
	tol := func(ts ...corev1.Toleration) func(*corev1.Pod) {
		return func(p *corev1.Pod) { p.Spec.Tolerations = ts }
	}
	runCreate(t, validPod, true, []createCase[*corev1.Pod]{
		{name: "tolerations valid", mutate: tol(
			corev1.Toleration{Operator: corev1.TolerationOpExists},
			corev1.Toleration{Key: "k", Operator: corev1.TolerationOpEqual, Value: "v", Effect: corev1.TaintEffectNoSchedule},
			corev1.Toleration{Key: "k", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To(int64(30))})},
		{name: "exists with value", mutate: tol(corev1.Toleration{Key: "k", Operator: corev1.TolerationOpExists, Value: "v"}),
			want: []string{"FieldValueInvalid spec.tolerations[0].operator"}},
		{name: "empty key needs exists", mutate: tol(corev1.Toleration{Operator: corev1.TolerationOpEqual}),
			want: []string{"FieldValueInvalid spec.tolerations[0].operator"}},
		{name: "bad effect", mutate: tol(corev1.Toleration{Key: "k", Effect: "Never"}),
			want: []string{"FieldValueNotSupported spec.tolerations[0].effect"}},
		{name: "seconds need NoExecute", mutate: tol(corev1.Toleration{Key: "k", Effect: corev1.TaintEffectNoSchedule, TolerationSeconds: ptr.To(int64(1))}),
			want: []string{"FieldValueInvalid spec.tolerations[0].effect"}},
		{name: "node affinity without terms", mutate: func(p *corev1.Pod) {
			p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{}}}
		}, want: []string{"FieldValueRequired spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"}},
		{name: "node affinity In without values", mutate: func(p *corev1.Pod) {
			p.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn}}}}}}}
		}, want: []string{"FieldValueRequired spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values"}},
		{name: "pod anti affinity", mutate: func(p *corev1.Pod) {
			p.Spec.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}}}},
				PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{Weight: 0,
					PodAffinityTerm: corev1.PodAffinityTerm{TopologyKey: "kubernetes.io/hostname"}}}}}
		}, want: []string{"FieldValueRequired spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
			"FieldValueInvalid spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight"}},
		{name: "topology spread", mutate: func(p *corev1.Pod) {
			p.Spec.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{
				{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: corev1.DoNotSchedule},
				{MaxSkew: 0, TopologyKey: "zone", WhenUnsatisfiable: "Maybe"},
				{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: corev1.DoNotSchedule}}
		}, want: []string{"FieldValueInvalid spec.topologySpreadConstraints[1].maxSkew",
			"FieldValueNotSupported spec.topologySpreadConstraints[1].whenUnsatisfiable",
			"FieldValueDuplicate spec.topologySpreadConstraints[2]"}},
	})
}
