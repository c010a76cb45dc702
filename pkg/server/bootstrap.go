package server

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"skiff/pkg/admission"
	"skiff/pkg/leader"
	"skiff/pkg/scheduler"
)

// systemNamespaces exist from the first start.
var systemNamespaces = []string{"default", "kube-system", "kube-public", "kube-node-lease"}

// RESTConfig returns a client config with the admin credentials.
func (s *Server) RESTConfig() (*rest.Config, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", s.cfg.KubeconfigPath)
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = 500, 1000
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	return cfg, nil
}

// bootstrap waits for the API, creates the system namespaces and the `kubernetes` Service
// through it, marks the server ready, then runs the in-process controllers and keeps the
// `kubernetes` Service repaired.
func (s *Server) bootstrap(ctx context.Context) error {
	cfg, err := s.RESTConfig()
	if err != nil {
		return err
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := cs.Discovery().RESTClient().Get().AbsPath("/healthz").DoRaw(ctx)
		return err == nil, nil
	})
	if err != nil {
		return fmt.Errorf("API server did not come up: %w", err)
	}
	for _, ns := range systemNamespaces {
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{FieldManager: "skiff-bootstrap"})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create namespace %s: %w", ns, err)
		}
	}
	for _, pc := range admission.SystemPriorityClasses() {
		_, err := cs.SchedulingV1().PriorityClasses().Create(ctx, pc, metav1.CreateOptions{FieldManager: "skiff-bootstrap"})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create priority class %s: %w", pc.Name, err)
		}
	}
	if err := s.writeKubernetesService(ctx, cs); err != nil {
		s.log.Warn("kubernetes service not written; retrying in the background", "err", err)
	}
	if err := s.createClusterDNSService(ctx, cs); err != nil { // clusterdns.go
		s.log.Warn("kube-dns service not created", "err", err)
	}
	close(s.ready)
	s.log.Info("skiff server ready", "url", s.URL(), "kubeconfig", s.cfg.KubeconfigPath)
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.runKubernetesService(ctx, cs) })
	if s.cfg.DisableControllers {
		return g.Wait()
	}
	g.Go(func() error {
		return leader.Run(ctx, leader.Config{Client: cs, Name: "kube-controller-manager", Log: s.log}, func(ctx context.Context) error {
			return s.runControllers(ctx, cfg)
		})
	})
	g.Go(func() error { return scheduler.Run(ctx, cfg, s.log) })
	return g.Wait()
}
