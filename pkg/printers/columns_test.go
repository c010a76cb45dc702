package printers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// header renders column names as kubectl does (upper case), the wide-only
// ones marked with a leading '+'.
func header(t *testing.T, obj runtime.Object) string {
	t.Helper()
	table, err := Table(obj, testNow())
	if err != nil {
		t.Fatalf("Table: %v", err)
	}
	names := make([]string, len(table.ColumnDefinitions))
	for i, c := range table.ColumnDefinitions {
		names[i] = strings.ToUpper(c.Name)
		if c.Priority == 1 {
			names[i] = "+" + names[i]
		}
		if c.Description == "" {
			t.Errorf("column %q has no description", c.Name)
		}
	}
	return strings.Join(names, " | ")
}

func TestColumns(t *testing.T) {
	tests := []struct {
		obj  runtime.Object
		want string
	}{
		{&corev1.PodList{}, "NAME | READY | STATUS | RESTARTS | AGE | +IP | +NODE | +NOMINATED NODE | +READINESS GATES"},
		{&corev1.NodeList{}, "NAME | STATUS | ROLES | AGE | VERSION | +INTERNAL-IP | +EXTERNAL-IP | +OS-IMAGE | +KERNEL-VERSION | +CONTAINER-RUNTIME"},
		{&corev1.NamespaceList{}, "NAME | STATUS | AGE"},
		{&corev1.ServiceList{}, "NAME | TYPE | CLUSTER-IP | EXTERNAL-IP | PORT(S) | AGE | +SELECTOR"},
		{&corev1.EndpointsList{}, "NAME | ENDPOINTS | AGE"},
		{&discoveryv1.EndpointSliceList{}, "NAME | ADDRESSTYPE | PORTS | ENDPOINTS | AGE"},
		{&corev1.ConfigMapList{}, "NAME | DATA | AGE"},
		{&corev1.SecretList{}, "NAME | TYPE | DATA | AGE"},
		{&corev1.ServiceAccountList{}, "NAME | SECRETS | AGE"},
		{&corev1.EventList{}, "LAST SEEN | TYPE | REASON | OBJECT | +SUBOBJECT | +SOURCE | MESSAGE | +FIRST SEEN | +COUNT | +NAME"},
		{&eventsv1.EventList{}, "LAST SEEN | TYPE | REASON | OBJECT | +SUBOBJECT | +SOURCE | MESSAGE | +FIRST SEEN | +COUNT | +NAME"},
		{&corev1.PersistentVolumeClaimList{}, "NAME | STATUS | VOLUME | CAPACITY | ACCESS MODES | STORAGECLASS | VOLUMEATTRIBUTESCLASS | AGE | +VOLUMEMODE"},
		{&corev1.PersistentVolumeList{}, "NAME | CAPACITY | ACCESS MODES | RECLAIM POLICY | STATUS | CLAIM | STORAGECLASS | VOLUMEATTRIBUTESCLASS | REASON | AGE | +VOLUMEMODE"},
		{&corev1.LimitRangeList{}, "NAME | CREATED AT"},
		{&corev1.ResourceQuotaList{}, "NAME | REQUEST | LIMIT | AGE"},
		{&appsv1.DeploymentList{}, "NAME | READY | UP-TO-DATE | AVAILABLE | AGE | +CONTAINERS | +IMAGES | +SELECTOR"},
		{&appsv1.ReplicaSetList{}, "NAME | DESIRED | CURRENT | READY | AGE | +CONTAINERS | +IMAGES | +SELECTOR"},
		{&appsv1.StatefulSetList{}, "NAME | READY | AGE | +CONTAINERS | +IMAGES"},
		{&appsv1.DaemonSetList{}, "NAME | DESIRED | CURRENT | READY | UP-TO-DATE | AVAILABLE | NODE SELECTOR | AGE | +CONTAINERS | +IMAGES | +SELECTOR"},
		{&appsv1.ControllerRevisionList{}, "NAME | CONTROLLER | REVISION | AGE"},
		{&batchv1.JobList{}, "NAME | STATUS | COMPLETIONS | DURATION | AGE | +CONTAINERS | +IMAGES | +SELECTOR"},
		{&batchv1.CronJobList{}, "NAME | SCHEDULE | TIMEZONE | SUSPEND | ACTIVE | LAST SCHEDULE | AGE | +CONTAINERS | +IMAGES | +SELECTOR"},
		{&coordinationv1.LeaseList{}, "NAME | HOLDER | AGE"},
		{&autoscalingv1.HorizontalPodAutoscalerList{}, "NAME | REFERENCE | TARGETS | MINPODS | MAXPODS | REPLICAS | AGE"},
		{&autoscalingv2.HorizontalPodAutoscalerList{}, "NAME | REFERENCE | TARGETS | MINPODS | MAXPODS | REPLICAS | AGE"},
		{&schedulingv1.PriorityClassList{}, "NAME | VALUE | GLOBAL-DEFAULT | AGE | PREEMPTIONPOLICY"},
		{&policyv1.PodDisruptionBudgetList{}, "NAME | MIN AVAILABLE | MAX UNAVAILABLE | ALLOWED DISRUPTIONS | AGE"},
		{&corev1.ReplicationControllerList{}, "NAME | DESIRED | CURRENT | READY | AGE | +CONTAINERS | +IMAGES | +SELECTOR"},
		{&networkingv1.IngressList{}, "NAME | CLASS | HOSTS | ADDRESS | PORTS | AGE"},
		{&networkingv1.IngressClassList{}, "NAME | CONTROLLER | PARAMETERS | AGE"},
		{&networkingv1.NetworkPolicyList{}, "NAME | POD-SELECTOR | AGE"},
		{&rbacv1.RoleBindingList{}, "NAME | ROLE | AGE | +USERS | +GROUPS | +SERVICEACCOUNTS"},
		{&rbacv1.ClusterRoleBindingList{}, "NAME | ROLE | AGE | +USERS | +GROUPS | +SERVICEACCOUNTS"},
		{&rbacv1.RoleList{}, "NAME | CREATED AT"},
		{&storagev1.StorageClassList{}, "NAME | PROVISIONER | RECLAIMPOLICY | VOLUMEBINDINGMODE | ALLOWVOLUMEEXPANSION | AGE"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%T", tc.obj), func(t *testing.T) {
			if diff := cmp.Diff(tc.want, header(t, tc.obj)); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
		})
	}
}
