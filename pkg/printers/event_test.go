package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestEventCells(t *testing.T) {
	podRef := corev1.ObjectReference{Kind: "Pod", Name: "web-0", FieldPath: "spec.containers{app}"}
	micro := func(d time.Duration) metav1.MicroTime { return metav1.NewMicroTime(testNow().Add(-d)) }
	tests := []struct {
		name string
		obj  runtime.Object
		want []any
	}{
		{"core event with counts", &corev1.Event{
			ObjectMeta: objMeta("web-0.17a", time.Hour), Type: corev1.EventTypeWarning, Reason: "BackOff",
			Message: "Back-off restarting failed container\n", InvolvedObject: podRef,
			Source: corev1.EventSource{Component: "kubelet", Host: "node-1"}, Count: 12,
			FirstTimestamp: ago(time.Hour), LastTimestamp: ago(30 * time.Second),
		}, []any{"30s", "Warning", "BackOff", "pod/web-0", "spec.containers{app}", "kubelet, node-1",
			"Back-off restarting failed container", "60m", int64(12), "web-0.17a"}},
		{"new style core event", &corev1.Event{
			ObjectMeta: objMeta("web.17b", time.Minute), Type: corev1.EventTypeNormal, Reason: "Scheduled",
			Message: "Successfully assigned default/web-0 to node-1", InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "web-0"},
			ReportingController: "default-scheduler", EventTime: micro(90 * time.Second),
		}, []any{"90s", "Normal", "Scheduled", "pod/web-0", "", "default-scheduler",
			"Successfully assigned default/web-0 to node-1", "90s", int64(1), "web.17b"}},
		{"core event series", &corev1.Event{
			ObjectMeta: objMeta("n.17c", time.Hour), Type: corev1.EventTypeWarning, Reason: "Unhealthy",
			InvolvedObject: corev1.ObjectReference{Kind: "Node"}, ReportingController: "kubelet", ReportingInstance: "node-1",
			EventTime: micro(10 * time.Minute), Series: &corev1.EventSeries{Count: 4, LastObservedTime: micro(5 * time.Second)},
		}, []any{"5s", "Warning", "Unhealthy", "node", "", "kubelet, node-1", "", "10m", int64(4), "n.17c"}},
		{"events.k8s.io event", &eventsv1.Event{
			ObjectMeta: objMeta("web.17d", time.Hour), Type: corev1.EventTypeNormal, Reason: "Pulled",
			Note: "Container image already present", Regarding: podRef, ReportingController: "kubelet",
			ReportingInstance: "node-1", EventTime: micro(3 * time.Minute),
			Series: &eventsv1.EventSeries{Count: 2, LastObservedTime: micro(time.Minute)},
		}, []any{"60s", "Normal", "Pulled", "pod/web-0", "spec.containers{app}", "kubelet, node-1",
			"Container image already present", "3m", int64(2), "web.17d"}},
		{"events.k8s.io event with deprecated fields", &eventsv1.Event{
			ObjectMeta: objMeta("web.17e", time.Hour), Type: corev1.EventTypeNormal, Reason: "Killing", Regarding: podRef,
			DeprecatedSource: corev1.EventSource{Component: "kubelet"}, DeprecatedCount: 3,
			DeprecatedFirstTimestamp: ago(4 * time.Hour), DeprecatedLastTimestamp: ago(2 * time.Hour),
		}, []any{"120m", "Normal", "Killing", "pod/web-0", "spec.containers{app}", "kubelet", "", "4h", int64(3), "web.17e"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, rowCells(t, tc.obj)); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}
