package integration_test

import (
	"context"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"skiff/pkg/sim"
)

// TestDaemonSetFollowsNodes runs a DaemonSet while a second fleet of simulated nodes joins and
// then leaves: a pod runs on each node present, and only there.
func TestDaemonSetFollowsNodes(t *testing.T) {
	srv := startCluster(t)
	cs := srv.Client
	a := startSim(t, cs, sim.Config{Nodes: 2, NamePrefix: "a-", HeartbeatInterval: 2 * time.Second})
	const ns, name = "daemons", "agent"
	createNamespace(t, cs, ns)
	ds := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: podTemplate(name),
		},
	}
	if _, err := cs.AppsV1().DaemonSets(ns).Create(context.Background(), ds, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitDaemonPods(t, cs, ns, name, a.NodeNames())
	b := startSim(t, cs, sim.Config{Nodes: 2, NamePrefix: "b-", HeartbeatInterval: 2 * time.Second})
	waitDaemonPods(t, cs, ns, name, append(a.NodeNames(), b.NodeNames()...))
	// The b- nodes leave the cluster: they are deleted while their simulated kubelets still run
	// (so the daemon pods' graceful deletion completes), then the simulator stops.
	for _, node := range b.NodeNames() {
		if err := cs.CoreV1().Nodes().Delete(context.Background(), node, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	waitDaemonPods(t, cs, ns, name, a.NodeNames())
	b.stop(t)
	eventually(t, 30*time.Second, "daemonset status", func(ctx context.Context) (bool, error) {
		got, err := cs.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		st := got.Status
		return st.DesiredNumberScheduled == 2 && st.CurrentNumberScheduled == 2 && st.NumberReady == 2, nil
	})
}

// waitDaemonPods waits until the daemon's pods (terminating ones included) are exactly one
// Running and Ready pod on each of nodes.
func waitDaemonPods(t *testing.T, cs kubernetes.Interface, ns, name string, nodes []string) {
	t.Helper()
	want := slices.Sorted(slices.Values(nodes))
	var got []string
	err := wait.PollUntilContextTimeout(context.Background(), 250*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		pods, err := appPods(ctx, cs, ns, name)
		if err != nil {
			return false, err
		}
		got = got[:0]
		all := true
		for i := range pods {
			if runningReady(&pods[i]) {
				got = append(got, pods[i].Spec.NodeName)
			} else {
				all = false
			}
		}
		slices.Sort(got)
		return all && slices.Equal(want, got), nil
	})
	if err != nil {
		t.Fatalf("daemon pods: want one running on each of %v, last saw (running ones) on %v: %v", want, got, err)
	}
}
