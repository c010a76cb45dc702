package scheduler

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/record"

	"skiff/pkg/leader"
)

// Run runs the default scheduler against the API server of cfg while this process holds the
// kube-system/kube-scheduler Lease. It blocks until ctx ends.
func Run(ctx context.Context, cfg *rest.Config, log *slog.Logger) error {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = 5000, 10000
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.UserAgent = "skiff-scheduler"
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	return leader.Run(ctx, leader.Config{Client: cs, Name: "kube-scheduler", Log: log}, func(ctx context.Context) error {
		f := informers.NewSharedInformerFactory(cs, 0)
		bc := record.NewBroadcaster(record.WithContext(ctx))
		bc.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: cs.CoreV1().Events("")})
		defer bc.Shutdown()
		seed := uint64(time.Now().UnixNano())
		algo, preemptor := DefaultAlgorithm(rand.New(rand.NewPCG(seed, seed>>1)))
		s, err := New(Config{
			Client: cs, Informers: f, Log: log,
			Recorder:  bc.NewRecorder(scheme.Scheme, corev1.EventSource{Component: DefaultName}),
			Algorithm: algo, Preemptor: preemptor,
		})
		if err != nil {
			return err
		}
		f.Start(ctx.Done())
		defer f.Shutdown()
		return s.Run(ctx)
	})
}
