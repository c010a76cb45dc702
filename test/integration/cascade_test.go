package integration_test

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"

	"skiff/pkg/sim"
)

// TestCascadingDeletion deletes a Deployment whose pods run on simulated nodes with each
// propagation policy: background and foreground leave no ReplicaSet and no pod; orphan keeps
// them, with the ownerReferences to the gone owner removed.
func TestCascadingDeletion(t *testing.T) {
	srv := startCluster(t)
	cs := srv.Client
	startSim(t, cs, sim.Config{Nodes: 2, NamePrefix: "n-", HeartbeatInterval: 2 * time.Second})
	cases := []struct {
		ns     string
		policy metav1.DeletionPropagation // "" is the default (background)
		orphan bool
	}{
		{ns: "default-policy"},
		{ns: "background", policy: metav1.DeletePropagationBackground},
		{ns: "foreground", policy: metav1.DeletePropagationForeground},
		{ns: "orphan", policy: metav1.DeletePropagationOrphan, orphan: true},
	}
	for _, tc := range cases {
		t.Run(tc.ns, func(t *testing.T) {
			t.Parallel()
			createNamespace(t, cs, tc.ns)
			runDeployment(t, cs, tc.ns, "web", 3)
			deleted := watchDeletions(t, cs, tc.ns)
			opts := metav1.DeleteOptions{}
			if tc.policy != "" {
				opts.PropagationPolicy = &tc.policy
			}
			if err := cs.AppsV1().Deployments(tc.ns).Delete(context.Background(), "web", opts); err != nil {
				t.Fatal(err)
			}
			if tc.orphan {
				checkOrphaned(t, cs, tc.ns, 3)
				return
			}
			eventually(t, 30*time.Second, "deployment, replicasets and pods gone", func(ctx context.Context) (bool, error) {
				left, err := leftovers(ctx, cs, tc.ns)
				return err == nil && left == 0, err
			})
			if tc.policy == metav1.DeletePropagationForeground {
				checkForegroundOrder(t, deleted())
			}
		})
	}
}

// deletion is one DELETED watch event: the kind and the object's final resourceVersion (the
// etcd revision of the deletion, comparable across resources in Skiff).
type deletion struct {
	kind string
	rev  int64
}

// watchDeletions records DELETED events of Deployments, ReplicaSets and pods in ns until the
// test ends; the returned function lists those seen so far.
func watchDeletions(t *testing.T, cs kubernetes.Interface, ns string) func() []deletion {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var mu sync.Mutex
	var out []deletion
	watches := map[string]func(context.Context, metav1.ListOptions) (watch.Interface, error){
		"Deployment": cs.AppsV1().Deployments(ns).Watch,
		"ReplicaSet": cs.AppsV1().ReplicaSets(ns).Watch,
		"Pod":        cs.CoreV1().Pods(ns).Watch,
	}
	for kind, start := range watches {
		w, err := start(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			defer w.Stop()
			for ev := range w.ResultChan() {
				obj, err := meta.Accessor(ev.Object)
				if ev.Type != watch.Deleted || err != nil {
					continue
				}
				rev, _ := strconv.ParseInt(obj.GetResourceVersion(), 10, 64)
				mu.Lock()
				out = append(out, deletion{kind, rev})
				mu.Unlock()
			}
		}()
	}
	return func() []deletion {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(out)
	}
}

// checkForegroundOrder checks that every pod was deleted before its ReplicaSet, and the
// ReplicaSet before the Deployment.
func checkForegroundOrder(t *testing.T, seen []deletion) {
	t.Helper()
	last := map[string]int64{}
	first := map[string]int64{}
	for _, d := range seen {
		last[d.kind] = max(last[d.kind], d.rev)
		if f, ok := first[d.kind]; !ok || d.rev < f {
			first[d.kind] = d.rev
		}
	}
	if len(first) != 3 {
		t.Fatalf("deletions seen %+v, want pods, a ReplicaSet and the Deployment", seen)
	}
	if !(last["Pod"] < first["ReplicaSet"] && last["ReplicaSet"] < first["Deployment"]) {
		t.Errorf("foreground deletion order wrong (revisions): pods %d..%d, replicaset %d..%d, deployment %d",
			first["Pod"], last["Pod"], first["ReplicaSet"], last["ReplicaSet"], first["Deployment"])
	}
}

// runDeployment creates a Deployment of n replicas and waits until they are Running and Ready.
func runDeployment(t *testing.T, cs kubernetes.Interface, ns, name string, n int) {
	t.Helper()
	if _, err := cs.AppsV1().Deployments(ns).Create(context.Background(), newDeployment(name, int32(n)), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, "replicas running", func(ctx context.Context) (bool, error) {
		pods, err := appPods(ctx, cs, ns, name)
		return err == nil && countReady(pods, "") == n, err
	})
}

// leftovers counts the Deployments, ReplicaSets and pods (terminating ones included) in ns.
func leftovers(ctx context.Context, cs kubernetes.Interface, ns string) (int, error) {
	ds, err := cs.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return 0, err
	}
	rss, err := cs.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return 0, err
	}
	pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return 0, err
	}
	return len(ds.Items) + len(rss.Items) + len(pods.Items), nil
}

// checkOrphaned waits until the Deployment is gone and its ReplicaSet no longer names it as
// owner, then checks that the ReplicaSet still owns all n pods and that they keep running.
func checkOrphaned(t *testing.T, cs kubernetes.Interface, ns string, n int) {
	t.Helper()
	eventually(t, 30*time.Second, "deployment gone, replicaset orphaned", func(ctx context.Context) (bool, error) {
		_, err := cs.AppsV1().Deployments(ns).Get(ctx, "web", metav1.GetOptions{})
		if !apierrors.IsNotFound(err) {
			return false, nil
		}
		rss, err := cs.AppsV1().ReplicaSets(ns).List(ctx, metav1.ListOptions{})
		return err == nil && len(rss.Items) == 1 && len(rss.Items[0].OwnerReferences) == 0, err
	})
	time.Sleep(2 * time.Second) // give a wrong deletion the time to show
	pods, err := appPods(context.Background(), cs, ns, "web")
	if err != nil {
		t.Fatal(err)
	}
	if got := countReady(pods, ""); got != n || len(pods) != n {
		t.Fatalf("after orphaning: %d pods, %d running and ready; want %d", len(pods), got, n)
	}
	for _, p := range pods {
		if refs := p.OwnerReferences; len(refs) != 1 || refs[0].Kind != "ReplicaSet" {
			t.Errorf("pod %s ownerReferences %+v, want its ReplicaSet only", p.Name, refs)
		}
	}
}
