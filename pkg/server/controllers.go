package server

import (
	"context"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"

	"skiff/pkg/controller/namespace"
)

// runControllers runs the in-process controllers until ctx ends. They share one informer
// factory and one event recorder ("skiff-controller-manager").
func (s *Server) runControllers(ctx context.Context, cfg *rest.Config) error {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	f := informers.NewSharedInformerFactory(cs, 0)
	bc := record.NewBroadcaster(record.WithContext(ctx))
	bc.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: cs.CoreV1().Events("")})
	defer bc.Shutdown()
	rec := bc.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "skiff-controller-manager"})
	clk := clock.RealClock{}
	_, _, _ = f, rec, clk
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return namespace.New(cs, dyn, s.log).Run(ctx) })
	// Controllers register their informers in New; start the factory after every New.
	g.Go(func() error { f.Start(ctx.Done()); <-ctx.Done(); f.Shutdown(); return nil })
	return g.Wait()
}
