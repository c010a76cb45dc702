package server

import (
	"context"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"

	"skiff/pkg/controller/cronjob"
	"skiff/pkg/controller/daemonset"
	"skiff/pkg/controller/deployment"
	"skiff/pkg/controller/endpoints"
	"skiff/pkg/controller/endpointslice"
	"skiff/pkg/controller/gc"
	"skiff/pkg/controller/job"
	"skiff/pkg/controller/namespace"
	"skiff/pkg/controller/nodeipam"
	"skiff/pkg/controller/nodelifecycle"
	"skiff/pkg/controller/podgc"
	"skiff/pkg/controller/replicaset"
	"skiff/pkg/controller/serviceaccount"
	"skiff/pkg/controller/statefulset"
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
	_, _ = rec, clk
	g, ctx := errgroup.WithContext(ctx)
	// 1. Construct every controller (New registers its informers with f; no I/O) and add its
	//    Run to runs.
	var runs []func(context.Context) error
	runs = append(runs, namespace.New(cs, dyn, s.log).Run)
	rsc := replicaset.New(cs, f, rec, clk, s.log)
	runs = append(runs, func(ctx context.Context) error { return rsc.Run(ctx, 5) })
	dc := deployment.New(cs, f, rec, clk, s.log)
	runs = append(runs, func(ctx context.Context) error { return dc.Run(ctx, 5) })
	jobc := job.New(cs, f, rec, clk, s.log)
	runs = append(runs, func(ctx context.Context) error { return jobc.Run(ctx, 5) })
	stsc := statefulset.New(cs, f, rec, clk, s.log)
	runs = append(runs, func(ctx context.Context) error { return stsc.Run(ctx, 5) })
	dsc := daemonset.New(cs, f, rec, clk, s.log)
	runs = append(runs, func(ctx context.Context) error { return dsc.Run(ctx, 5) })
	cjc := cronjob.New(cs, f, rec, clk, s.log)
	runs = append(runs, func(ctx context.Context) error { return cjc.Run(ctx, 5) })
	md, err := metadata.NewForConfig(cfg)
	if err != nil {
		return err
	}
	gcc := gc.New(cs, md, rec, clk, s.log)
	runs = append(runs, func(ctx context.Context) error { return gcc.Run(ctx, 5) })
	sac := serviceaccount.New(cs, f, rec, s.log)
	runs = append(runs, func(ctx context.Context) error { return sac.Run(ctx, 2) })
	nlc := nodelifecycle.New(cs, f, rec, clk, s.log, nodelifecycle.Config{})
	runs = append(runs, func(ctx context.Context) error { return nlc.Run(ctx, 2) })
	runs = append(runs, podgc.New(cs, f, rec, clk, s.log, podgc.Config{}).Run)
	esc := endpointslice.New(cs, f, rec, clk, s.log, endpointslice.Config{MaxEndpointsPerSlice: s.cfg.MaxEndpointsPerSlice})
	runs = append(runs, func(ctx context.Context) error { return esc.Run(ctx, 5) })
	epc := endpoints.New(cs, f, rec, s.log)
	runs = append(runs, func(ctx context.Context) error { return epc.Run(ctx, 5) })
	ipam, err := nodeipam.New(cs, f, rec, s.log, nodeipam.Config{ClusterCIDR: s.cfg.ClusterCIDR, MaskSize: s.cfg.NodeCIDRMaskSize})
	if err != nil {
		return err
	}
	runs = append(runs, ipam.Run)
	// 2. Start the informers, then the controllers.
	f.Start(ctx.Done())
	defer f.Shutdown()
	for _, run := range runs {
		g.Go(func() error { return run(ctx) })
	}
	return g.Wait()
}
