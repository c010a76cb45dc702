package loop

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

func TestHandler(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p"}}
	tests := []struct {
		name string
		fire func(h cache.ResourceEventHandlerFuncs)
		want []string
	}{
		{"add", func(h cache.ResourceEventHandlerFuncs) { h.OnAdd(pod, false) }, []string{"ns/p"}},
		{"update enqueues the new object", func(h cache.ResourceEventHandlerFuncs) {
			h.OnUpdate(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "old"}}, pod)
		}, []string{"ns/p"}},
		{"delete", func(h cache.ResourceEventHandlerFuncs) { h.OnDelete(pod) }, []string{"ns/p"}},
		{"tombstone", func(h cache.ResourceEventHandlerFuncs) {
			h.OnDelete(cache.DeletedFinalStateUnknown{Key: "ns/gone", Obj: pod})
		}, []string{"ns/gone"}},
		{"not an object", func(h cache.ResourceEventHandlerFuncs) { h.OnAdd(42, false) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := workqueue.NewTyped[string]()
			defer q.ShutDown()
			tt.fire(Handler(q))
			var got []string
			for q.Len() > 0 {
				k, _ := q.Get()
				got = append(got, k)
				q.Done(k)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnwrap(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}}
	tests := []struct {
		name   string
		obj    any
		want   *corev1.Pod
		wantOK bool
	}{
		{"object", pod, pod, true},
		{"tombstone", cache.DeletedFinalStateUnknown{Obj: pod}, pod, true},
		{"other type", &corev1.Node{}, nil, false},
		{"empty tombstone", cache.DeletedFinalStateUnknown{}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Unwrap[*corev1.Pod](tt.obj)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Unwrap = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
