package prober

import (
	"context"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/utils/clock"
)

// Kind is the kind of a probe.
type Kind int

// Probe kinds.
const (
	Liveness Kind = iota
	Readiness
	Startup
)

// String is the name upstream uses in events ("Liveness probe failed: ...").
func (k Kind) String() string {
	return [...]string{"Liveness", "Readiness", "Startup"}[k]
}

// initialResult is a worker's result before the probe decides: readiness starts failed,
// liveness succeeded, startup unknown (not started).
func (k Kind) initialResult() Result {
	return [...]Result{Success, Failure, Unknown}[k]
}

// worker probes one container (by ID) with one probe. doProbe is one synchronous step and
// holds the threshold logic; loop calls it every periodSeconds. Fields are owned by the
// worker's goroutine, except those set at creation.
type worker struct {
	kind      Kind
	spec      *v1.Probe
	pod       *v1.Pod
	container string
	id        string // CRI container id
	startedAt time.Time

	// probe runs the probe (the prober, or a fake in tests).
	probe func(ctx context.Context) (Result, string, error)
	// started reports whether the container's startup probe (if any) has succeeded.
	started func() bool
	// set records the worker's result; it reports whether the result flipped.
	set func(Result)
	// event records a failed or errored probe's message.
	event func(msg string)

	clk       clock.Clock
	last      Result
	run       int
	onHold    bool
	cancel    context.CancelFunc
	done      chan struct{}
	startedGo bool
}

func (w *worker) period() time.Duration {
	return time.Duration(max(w.spec.PeriodSeconds, 1)) * time.Second
}

// loop probes until ctx ends: once at start, then every period.
func (w *worker) loop(ctx context.Context) {
	defer close(w.done)
	for {
		w.doProbe(ctx)
		t := w.clk.NewTimer(w.period())
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
		}
	}
}

// doProbe runs the probe once if due and applies success/failure thresholds, as upstream's
// prober worker.
func (w *worker) doProbe(ctx context.Context) {
	if w.onHold || ctx.Err() != nil {
		return
	}
	if w.kind != Startup && !w.started() {
		return
	}
	if w.kind == Startup && w.started() {
		return // startup probes stop once they succeed
	}
	if w.clk.Since(w.startedAt) < time.Duration(w.spec.InitialDelaySeconds)*time.Second {
		return
	}
	result, output, err := w.probe(ctx)
	if err != nil {
		w.event(w.kind.String() + " probe errored and resulted in unknown state: " + err.Error())
		return
	}
	if result == Failure {
		w.event(w.kind.String() + " probe failed: " + output)
	}
	w.apply(result)
}

// apply counts consecutive results and records one once it reaches its threshold.
func (w *worker) apply(result Result) {
	if w.last == result {
		w.run++
	} else {
		w.last, w.run = result, 1
	}
	if (result == Failure && w.run < int(max(w.spec.FailureThreshold, 1))) ||
		(result == Success && w.run < int(max(w.spec.SuccessThreshold, 1))) {
		return
	}
	w.set(result)
	if result == Failure && w.kind != Readiness {
		// the kubelet restarts the container; stop probing it (a new container ID gets a new worker)
		w.onHold, w.run = true, 0
	}
}
