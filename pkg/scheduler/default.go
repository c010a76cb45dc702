package scheduler

import (
	"errors"
	"math/rand/v2"

	corev1 "k8s.io/api/core/v1"

	"skiff/pkg/scheduler/algorithm"
	"skiff/pkg/scheduler/framework"
)

// DefaultAlgorithm returns upstream's default plugin set and weights, ties broken by rnd, and
// the matching preemptor. Both must be used from one goroutine (the scheduling loop).
func DefaultAlgorithm(rnd *rand.Rand) (Algorithm, Preemptor) {
	a := algorithm.Default(rnd)
	return algoAdapter{a}, a
}

type algoAdapter struct{ a *algorithm.Scheduler }

// Schedule implements Algorithm; fit errors keep upstream's message and match ErrUnschedulable.
func (x algoAdapter) Schedule(pod *corev1.Pod, snap *framework.Snapshot) (string, error) {
	d, err := x.a.Schedule(pod, snap)
	var fe *algorithm.FitError
	if errors.As(err, &fe) {
		return "", unschedulableError{fe}
	}
	return d.Node, err
}

type unschedulableError struct{ err error }

func (e unschedulableError) Error() string        { return e.err.Error() }
func (e unschedulableError) Unwrap() error        { return e.err }
func (e unschedulableError) Is(target error) bool { return target == ErrUnschedulable }
