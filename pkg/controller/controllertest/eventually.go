package controllertest

import (
	"context"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
)

// Poll and Timeout are how often and how long Eventually checks a condition.
const (
	Poll    = 50 * time.Millisecond
	Timeout = 30 * time.Second
)

// Eventually checks cond every Poll until it is true, failing t (Fatal) if it is still
// false after Timeout or if it returns an error. It blocks.
func Eventually(t testing.TB, what string, cond wait.ConditionWithContextFunc) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(context.Background(), Poll, Timeout, true, cond); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// Eventually is the package's Eventually for a condition that cannot fail; it also gives up
// when the test ends.
func (e *Env) Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	err := wait.PollUntilContextTimeout(e.Ctx, Poll, Timeout, true, func(context.Context) (bool, error) { return cond(), nil })
	if err != nil {
		t.Fatalf("timed out waiting for %s", what)
	}
}
