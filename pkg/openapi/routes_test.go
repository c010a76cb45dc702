package openapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoutes(t *testing.T) {
	s := mustSpec(t)
	type op struct{ Method, ID, Action, Kind string }
	got := map[string][]op{}
	for _, rt := range s.routes {
		for _, o := range rt.ops {
			got[rt.path] = append(got[rt.path], op{o.method, o.id, o.action, o.gvk.Kind})
		}
	}
	tests := map[string][]op{
		"/apis/apps/v1/namespaces/{namespace}/deployments": {
			{"get", "listAppsV1NamespacedDeployment", "list", "Deployment"},
			{"post", "createAppsV1NamespacedDeployment", "post", "Deployment"},
			{"delete", "deleteAppsV1CollectionNamespacedDeployment", "deletecollection", "Deployment"},
		},
		"/apis/apps/v1/namespaces/{namespace}/deployments/{name}": {
			{"get", "readAppsV1NamespacedDeployment", "get", "Deployment"},
			{"put", "replaceAppsV1NamespacedDeployment", "put", "Deployment"},
			{"patch", "patchAppsV1NamespacedDeployment", "patch", "Deployment"},
			{"delete", "deleteAppsV1NamespacedDeployment", "delete", "Deployment"},
		},
		"/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale": {
			{"get", "readAppsV1NamespacedDeploymentScale", "get", "Scale"},
			{"put", "replaceAppsV1NamespacedDeploymentScale", "put", "Scale"},
			{"patch", "patchAppsV1NamespacedDeploymentScale", "patch", "Scale"},
		},
		"/apis/apps/v1/deployments": {
			{"get", "listAppsV1DeploymentForAllNamespaces", "list", "Deployment"},
		},
		"/api/v1/namespaces/{namespace}/pods/{name}/binding": {
			{"post", "createCoreV1NamespacedPodBinding", "post", "Binding"},
		},
		"/api/v1/namespaces/{namespace}/pods/{name}/eviction": {
			{"post", "createCoreV1NamespacedPodEviction", "post", "Eviction"},
		},
		"/api/v1/namespaces/{namespace}/pods/{name}/exec": {
			{"get", "connectCoreV1GetNamespacedPodExec", "connect", "PodExecOptions"},
			{"post", "connectCoreV1PostNamespacedPodExec", "connect", "PodExecOptions"},
		},
		"/api/v1/namespaces/{name}/finalize": {
			{"put", "replaceCoreV1NamespaceFinalize", "put", "Namespace"},
		},
		"/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}": {
			{"get", "readRbacAuthorizationV1ClusterRole", "get", "ClusterRole"},
			{"put", "replaceRbacAuthorizationV1ClusterRole", "put", "ClusterRole"},
			{"patch", "patchRbacAuthorizationV1ClusterRole", "patch", "ClusterRole"},
			{"delete", "deleteRbacAuthorizationV1ClusterRole", "delete", "ClusterRole"},
		},
	}
	for path, want := range tests {
		t.Run(path, func(t *testing.T) {
			if diff := cmp.Diff(want, got[path]); diff != "" {
				t.Errorf("operations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWriteOperationsTakeVerifiedParams checks that every patch, put and
// post operation accepts the query parameters kubectl probes for.
func TestWriteOperationsTakeVerifiedParams(t *testing.T) {
	for _, rt := range mustSpec(t).routes {
		for _, o := range rt.ops {
			if o.action != "patch" && o.action != "put" && o.action != "post" {
				continue
			}
			names := map[string]bool{}
			for _, p := range o.params {
				names[p.name] = p.in == "query"
			}
			for _, want := range []string{"dryRun", "fieldValidation", "fieldManager"} {
				if !names[want] {
					t.Errorf("%s %s lacks query parameter %s", o.method, rt.path, want)
				}
			}
			if o.action == "patch" && !names["force"] {
				t.Errorf("patch %s lacks force", rt.path)
			}
		}
	}
}
