package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
)

// watchResult is the watch delivery measurement.
type watchResult struct {
	// Latency runs from the create call returning to the event arriving (0 when it came first).
	Latency Summary
	// FromRequest runs from the create call starting to the event arriving.
	FromRequest Summary
	// Early counts events that arrived before the create call had returned (latency 0).
	Early int
	// Missing counts creates whose ADDED event never arrived within the wait.
	Missing int
}

// arrivals records when each ADDED event arrived, by object name. Safe for concurrent use.
type arrivals struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (a *arrivals) add(name string, t time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.at[name] = t
}

func (a *arrivals) get(name string) (time.Time, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.at[name]
	return t, ok
}

func (a *arrivals) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.at)
}

// measureWatch watches an empty namespace, creates events ConfigMaps in it one after another
// and measures, for each, the time from the create call returning to its ADDED event arriving.
// It blocks until every event arrived or wait has passed after the last create.
func measureWatch(ctx context.Context, client kubernetes.Interface, namespace string, events int, wait time.Duration) (watchResult, error) {
	if err := ensureNamespace(ctx, client, namespace); err != nil {
		return watchResult{}, err
	}
	cms := client.CoreV1().ConfigMaps(namespace)
	list, err := cms.List(ctx, metav1.ListOptions{})
	if err != nil {
		return watchResult{}, fmt.Errorf("list before watch: %w", err)
	}
	w, err := cms.Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		return watchResult{}, fmt.Errorf("watch: %w", err)
	}
	defer w.Stop()
	got := &arrivals{at: map[string]time.Time{}}
	go collect(w, got)
	sent, err := createSequentially(ctx, client, namespace, events)
	if err != nil {
		return watchResult{}, err
	}
	awaitArrivals(ctx, got, len(sent), wait)
	return deliveryLatency(sent, got), nil
}

// collect records the arrival time of every ADDED event until the watch ends.
func collect(w watch.Interface, got *arrivals) {
	for ev := range w.ResultChan() {
		now := time.Now()
		if cm, ok := ev.Object.(*corev1.ConfigMap); ok && ev.Type == watch.Added {
			got.add(cm.Name, now)
		}
	}
}

// call is when one create call started and returned.
type call struct{ started, returned time.Time }

// createSequentially creates n ConfigMaps one at a time and returns when each call started
// and returned, by object name.
func createSequentially(ctx context.Context, client kubernetes.Interface, namespace string, n int) (map[string]call, error) {
	sent := make(map[string]call, n)
	for i := range n {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("watched-%d", i)}, Data: map[string]string{"payload": payload}}
		started := time.Now()
		if _, err := client.CoreV1().ConfigMaps(namespace).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			return nil, fmt.Errorf("create %s: %w", cm.Name, err)
		}
		sent[cm.Name] = call{started: started, returned: time.Now()}
	}
	return sent, nil
}

// awaitArrivals polls until want events arrived, wait has passed, or ctx ends.
func awaitArrivals(ctx context.Context, got *arrivals, want int, wait time.Duration) {
	deadline := time.Now().Add(wait)
	for got.len() < want && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
}

func deliveryLatency(sent map[string]call, got *arrivals) watchResult {
	var r watchResult
	var fromResponse, fromRequest []time.Duration
	for name, c := range sent {
		arrived, ok := got.get(name)
		if !ok {
			r.Missing++
			continue
		}
		d := arrived.Sub(c.returned)
		if d < 0 {
			r.Early++
			d = 0
		}
		fromResponse = append(fromResponse, d)
		fromRequest = append(fromRequest, arrived.Sub(c.started))
	}
	r.Latency, r.FromRequest = Summarize(fromResponse), Summarize(fromRequest)
	return r
}
