package nodeipam_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/nodeipam"
)

func TestNodeIPAM(t *testing.T) {
	e := controllertest.Start(t, "")
	nodes := e.Client.CoreV1().Nodes()
	mk := func(name, cidr string) {
		t.Helper()
		n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.NodeSpec{PodCIDR: cidr}}
		if cidr != "" {
			n.Spec.PodCIDRs = []string{cidr}
		}
		if _, err := nodes.Create(context.Background(), n, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	cidrOf := func(name string) string {
		n, err := nodes.Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return "error: " + err.Error()
		}
		if len(n.Spec.PodCIDRs) != 1 || n.Spec.PodCIDRs[0] != n.Spec.PodCIDR {
			return "podCIDRs do not mirror podCIDR"
		}
		return n.Spec.PodCIDR
	}
	// Nodes that exist before the controller starts: the used subnet is rebuilt first.
	mk("has", "10.42.0.0/24")
	mk("a", "")
	c, err := nodeipam.New(e.Client, e.Informers, e.Recorder, e.Log, nodeipam.Config{ClusterCIDR: "10.42.0.0/22", MaskSize: 24, ExhaustedRetry: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e.Run(c.Run)
	e.Eventually(t, "node a gets 10.42.1.0/24", func() bool { return cidrOf("a") == "10.42.1.0/24" })
	mk("b", "")
	mk("c", "")
	e.Eventually(t, "b and c get the rest", func() bool {
		b, c := cidrOf("b"), cidrOf("c")
		return (b == "10.42.2.0/24" && c == "10.42.3.0/24") || (b == "10.42.3.0/24" && c == "10.42.2.0/24")
	})
	if got := cidrOf("has"); got != "10.42.0.0/24" {
		t.Errorf("node with a pod CIDR got %s", got)
	}
	// Exhausted: an event, and the node gets a subnet once one is released.
	mk("d", "")
	e.Eventually(t, "CIDRNotAvailable event", func() bool {
		evs, err := e.Client.CoreV1().Events("").List(context.Background(), metav1.ListOptions{
			FieldSelector: fields.OneTermEqualSelector("reason", "CIDRNotAvailable").String()})
		return err == nil && len(evs.Items) > 0
	})
	freed := cidrOf("b")
	if err := nodes.Delete(context.Background(), "b", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Eventually(t, "d gets b's subnet "+freed, func() bool { return cidrOf("d") == freed })
}
