// Package controllertest is the harness of the controllers' integration tests: a real API
// server without built-in controllers, an informer factory, an event recorder, the
// controllers under test running until the test ends, and polling for their effects. Only
// tests import it.
package controllertest

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/record"

	"skiff/pkg/server/servertest"
)

// Env is one test's cluster. Its fields are set by Start and must not be replaced.
type Env struct {
	// Server is the API server; Client is its admin clientset.
	Server *servertest.Server
	Client kubernetes.Interface
	// Informers is the factory to register the controllers' informers with; Run starts it.
	Informers informers.SharedInformerFactory
	// Recorder records events to the API server.
	Recorder record.EventRecorder
	// Log discards what is logged to it.
	Log *slog.Logger
	// Ctx ends when the test ends.
	Ctx context.Context
	// NS is the namespace Start created, if any.
	NS string

	t  testing.TB
	wg sync.WaitGroup
}

// Start starts an API server without controllers and, unless ns is empty, creates the
// namespace ns. When the test ends, Ctx is cancelled, Start waits for everything started with
// Run and Go to return, then stops the informers and the event broadcaster.
func Start(t testing.TB, ns string) *Env {
	t.Helper()
	s := servertest.StartWith(t, servertest.Options{NoControllers: true})
	ctx, cancel := context.WithCancel(context.Background())
	bc := record.NewBroadcaster()
	bc.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: s.Client.CoreV1().Events("")})
	e := &Env{
		Server: s, Client: s.Client, Informers: informers.NewSharedInformerFactory(s.Client, 0),
		Recorder: bc.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "test"}),
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)), Ctx: ctx, NS: ns, t: t,
	}
	t.Cleanup(func() { cancel(); e.wg.Wait(); e.Informers.Shutdown(); bc.Shutdown() })
	if ns != "" {
		obj := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}
		if _, err := s.Client.CoreV1().Namespaces().Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// Run starts the informers registered so far, then runs run (a controller's Run) in a
// goroutine until the test ends; the test fails if run returns an error. It does not block.
func (e *Env) Run(run func(ctx context.Context) error) {
	e.Informers.Start(e.Ctx.Done())
	e.Go(func(ctx context.Context) {
		if err := run(ctx); err != nil {
			e.t.Errorf("controller returned %v", err)
		}
	})
}

// Go runs f (a fake agent, say) in a goroutine until it returns; f must return once ctx
// ends. It does not block.
func (e *Env) Go(f func(ctx context.Context)) {
	e.wg.Go(func() { f(e.Ctx) })
}
