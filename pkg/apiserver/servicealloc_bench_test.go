package apiserver_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"skiff/pkg/apiserver"
	"skiff/pkg/etcd/etcdtest"
)

// BenchmarkServiceCreate measures Service creates from 8 parallel clients: headless (nothing
// allocated), ClusterIP (one IP claimed in etcd) and NodePort (an IP and a node port).
func BenchmarkServiceCreate(b *testing.B) {
	client := etcdtest.Start(b)
	api, err := apiserver.New(apiserver.Config{Etcd: client, NodePortRange: "20000-65000"})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(api)
	b.Cleanup(hs.Close)
	kube := kubernetes.NewForConfigOrDie(&rest.Config{Host: hs.URL, QPS: -1})
	ctx := context.Background()
	if _, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{}); err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	for _, bc := range []struct {
		name string
		typ  corev1.ServiceType
		ip   string
	}{{"headless", corev1.ServiceTypeClusterIP, "None"}, {"clusterip", corev1.ServiceTypeClusterIP, ""}, {"nodeport", corev1.ServiceTypeNodePort, ""}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					s := svc(fmt.Sprint("s", n.Add(1)), bc.typ, func(s *corev1.Service) { s.Spec.ClusterIP = bc.ip })
					if _, err := kube.CoreV1().Services("default").Create(ctx, s, metav1.CreateOptions{}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
