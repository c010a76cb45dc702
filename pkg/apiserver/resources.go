package apiserver

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// resourceSpec declares one served resource in one version.
type resourceSpec struct {
	gv         schema.GroupVersion
	resource   string
	kind       string
	namespaced bool
	short      []string
	categories []string
	// subresources served besides the main resource: "status", "scale", "binding", "finalize".
	subresources []string
	// storage is the version objects are kept in etcd as (zero: gv); both versions share keys.
	storage schema.GroupVersion
	// generation: metadata.generation counts spec changes.
	generation bool
}

var (
	coreV1    = schema.GroupVersion{Version: "v1"}
	appsV1    = schema.GroupVersion{Group: "apps", Version: "v1"}
	batchV1   = schema.GroupVersion{Group: "batch", Version: "v1"}
	coordV1   = schema.GroupVersion{Group: "coordination.k8s.io", Version: "v1"}
	discV1    = schema.GroupVersion{Group: "discovery.k8s.io", Version: "v1"}
	asV1      = schema.GroupVersion{Group: "autoscaling", Version: "v1"}
	asV2      = schema.GroupVersion{Group: "autoscaling", Version: "v2"}
	eventsV1  = schema.GroupVersion{Group: "events.k8s.io", Version: "v1"}
	schedV1   = schema.GroupVersion{Group: "scheduling.k8s.io", Version: "v1"}
	policyV1  = schema.GroupVersion{Group: "policy", Version: "v1"}
	allCat    = []string{"all"}
	statusSub = []string{"status"}
	scaleSub  = []string{"status", "scale"}
)

// builtinResources is every resource Skiff serves, in discovery order.
func builtinResources() []resourceSpec {
	return []resourceSpec{
		{gv: coreV1, resource: "namespaces", kind: "Namespace", short: []string{"ns"}, subresources: []string{"status", "finalize"}},
		{gv: coreV1, resource: "pods", kind: "Pod", namespaced: true, short: []string{"po"}, categories: allCat, subresources: []string{"status", "binding", "eviction", "log", "exec", "attach", "portforward"}},
		{gv: coreV1, resource: "nodes", kind: "Node", short: []string{"no"}, subresources: statusSub},
		{gv: coreV1, resource: "services", kind: "Service", namespaced: true, short: []string{"svc"}, categories: allCat, subresources: statusSub},
		{gv: coreV1, resource: "endpoints", kind: "Endpoints", namespaced: true, short: []string{"ep"}},
		{gv: coreV1, resource: "configmaps", kind: "ConfigMap", namespaced: true, short: []string{"cm"}},
		{gv: coreV1, resource: "secrets", kind: "Secret", namespaced: true},
		{gv: coreV1, resource: "serviceaccounts", kind: "ServiceAccount", namespaced: true, short: []string{"sa"}},
		{gv: coreV1, resource: "events", kind: "Event", namespaced: true, short: []string{"ev"}},
		{gv: coreV1, resource: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true, short: []string{"pvc"}, subresources: statusSub},
		{gv: coreV1, resource: "persistentvolumes", kind: "PersistentVolume", short: []string{"pv"}, subresources: statusSub},
		{gv: coreV1, resource: "limitranges", kind: "LimitRange", namespaced: true, short: []string{"limits"}},
		{gv: coreV1, resource: "resourcequotas", kind: "ResourceQuota", namespaced: true, short: []string{"quota"}, subresources: statusSub},
		{gv: appsV1, resource: "deployments", kind: "Deployment", namespaced: true, short: []string{"deploy"}, categories: allCat, subresources: scaleSub, generation: true},
		{gv: appsV1, resource: "replicasets", kind: "ReplicaSet", namespaced: true, short: []string{"rs"}, categories: allCat, subresources: scaleSub, generation: true},
		{gv: appsV1, resource: "statefulsets", kind: "StatefulSet", namespaced: true, short: []string{"sts"}, categories: allCat, subresources: scaleSub, generation: true},
		{gv: appsV1, resource: "daemonsets", kind: "DaemonSet", namespaced: true, short: []string{"ds"}, categories: allCat, subresources: statusSub, generation: true},
		{gv: appsV1, resource: "controllerrevisions", kind: "ControllerRevision", namespaced: true},
		{gv: batchV1, resource: "jobs", kind: "Job", namespaced: true, categories: allCat, subresources: statusSub, generation: true},
		{gv: batchV1, resource: "cronjobs", kind: "CronJob", namespaced: true, short: []string{"cj"}, categories: allCat, subresources: statusSub, generation: true},
		{gv: coordV1, resource: "leases", kind: "Lease", namespaced: true},
		{gv: discV1, resource: "endpointslices", kind: "EndpointSlice", namespaced: true},
		{gv: asV2, resource: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true, short: []string{"hpa"}, categories: allCat, subresources: statusSub, generation: true},
		{gv: asV1, resource: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true, short: []string{"hpa"}, categories: allCat, subresources: statusSub, storage: asV2, generation: true},
		{gv: eventsV1, resource: "events", kind: "Event", namespaced: true, short: []string{"ev"}, storage: coreV1},
		{gv: schedV1, resource: "priorityclasses", kind: "PriorityClass", short: []string{"pc"}},
		{gv: policyV1, resource: "poddisruptionbudgets", kind: "PodDisruptionBudget", namespaced: true, short: []string{"pdb"}, subresources: statusSub, generation: true},
	}
}

// preferredVersions lists the preferred version of groups served in several versions.
var preferredVersions = map[string]string{"autoscaling": "v2"}
