package openapi

import (
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"reflect"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// testResources is a broad set of the built-in resources a server serves.
func testResources() []Resource {
	all := []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	res := func(group, version, kind, plural string, namespaced bool, subs ...string) Resource {
		return Resource{GVK: schema.GroupVersionKind{Group: group, Version: version, Kind: kind},
			Resource: plural, Namespaced: namespaced, Subresources: subs, Verbs: all}
	}
	return []Resource{
		res("", "v1", "Pod", "pods", true, "status", "binding", "eviction", "log", "exec", "attach", "portforward", "proxy", "ephemeralcontainers", "resize"),
		res("", "v1", "Service", "services", true, "status", "proxy"),
		res("", "v1", "Node", "nodes", false, "status", "proxy"),
		res("", "v1", "Namespace", "namespaces", false, "status", "finalize"),
		res("", "v1", "ConfigMap", "configmaps", true),
		res("", "v1", "Secret", "secrets", true),
		res("", "v1", "ServiceAccount", "serviceaccounts", true, "token"),
		res("", "v1", "Endpoints", "endpoints", true),
		res("", "v1", "Event", "events", true),
		res("", "v1", "PersistentVolume", "persistentvolumes", false, "status"),
		res("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, "status"),
		res("", "v1", "ReplicationController", "replicationcontrollers", true, "status", "scale"),
		res("", "v1", "ResourceQuota", "resourcequotas", true, "status"),
		res("", "v1", "LimitRange", "limitranges", true),
		res("", "v1", "PodTemplate", "podtemplates", true),
		res("apps", "v1", "Deployment", "deployments", true, "status", "scale"),
		res("apps", "v1", "ReplicaSet", "replicasets", true, "status", "scale"),
		res("apps", "v1", "StatefulSet", "statefulsets", true, "status", "scale"),
		res("apps", "v1", "DaemonSet", "daemonsets", true, "status"),
		res("apps", "v1", "ControllerRevision", "controllerrevisions", true),
		res("batch", "v1", "Job", "jobs", true, "status"),
		res("batch", "v1", "CronJob", "cronjobs", true, "status"),
		res("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, "status"),
		res("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, "status"),
		res("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, "status"),
		res("networking.k8s.io", "v1", "Ingress", "ingresses", true, "status"),
		res("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false),
		res("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true),
		res("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
		res("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
		res("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
		res("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
		res("storage.k8s.io", "v1", "StorageClass", "storageclasses", false),
		res("storage.k8s.io", "v1", "CSIDriver", "csidrivers", false),
		res("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", false, "status"),
		res("coordination.k8s.io", "v1", "Lease", "leases", true),
		res("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true),
		res("events.k8s.io", "v1", "Event", "events", true),
		res("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", false, "status", "approval"),
		res("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false),
		res("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", false),
		res("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false),
		res("flowcontrol.apiserver.k8s.io", "v1", "FlowSchema", "flowschemas", false, "status"),
	}
}

func schemaGVK(group, version, kind string) schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: group, Version: version, Kind: kind}
}

// derefValue is the struct type of a pointer to a registered object.
func derefValue(obj any) reflect.Type {
	return reflect.TypeOf(obj).Elem()
}

func sortStrings() cmp.Option {
	return cmpopts.SortSlices(func(a, b string) bool { return a < b })
}
