package convert

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func eventMeta() metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: "web-1.17a", Namespace: "shop", UID: "e-1", ResourceVersion: "9",
		Labels: map[string]string{"k": "v"}, Annotations: map[string]string{"a": "b"}}
}

func podRef() corev1.ObjectReference {
	return corev1.ObjectReference{Kind: "Pod", Namespace: "shop", Name: "web-1", UID: "p-1", APIVersion: "v1", FieldPath: "spec.containers{app}"}
}

func nodeRef() *corev1.ObjectReference {
	return &corev1.ObjectReference{Kind: "Node", Name: "node-a", UID: "n-1"}
}

func micro(sec int) metav1.MicroTime {
	return metav1.NewMicroTime(time.Date(2026, 1, 2, 3, 4, sec, 123456000, time.UTC))
}

func second(sec int) metav1.Time {
	return metav1.NewTime(time.Date(2026, 1, 2, 3, 4, sec, 0, time.UTC))
}

// fullCoreEvent sets every field of a core/v1 Event.
func fullCoreEvent() *corev1.Event {
	return &corev1.Event{
		TypeMeta:            metav1.TypeMeta{APIVersion: "v1", Kind: "Event"},
		ObjectMeta:          eventMeta(),
		InvolvedObject:      podRef(),
		Reason:              "Pulled",
		Message:             "Container image pulled",
		Source:              corev1.EventSource{Component: "kubelet", Host: "node-a"},
		FirstTimestamp:      second(1),
		LastTimestamp:       second(9),
		Count:               4,
		Type:                corev1.EventTypeNormal,
		EventTime:           micro(1),
		Series:              &corev1.EventSeries{Count: 4, LastObservedTime: micro(9)},
		Action:              "Pulling",
		Related:             nodeRef(),
		ReportingController: "skiff.io/kubelet",
		ReportingInstance:   "kubelet-node-a",
	}
}

// fullEventsV1 is fullCoreEvent as events.k8s.io/v1.
func fullEventsV1() *eventsv1.Event {
	return &eventsv1.Event{
		TypeMeta:                 metav1.TypeMeta{APIVersion: "events.k8s.io/v1", Kind: "Event"},
		ObjectMeta:               eventMeta(),
		EventTime:                micro(1),
		Series:                   &eventsv1.EventSeries{Count: 4, LastObservedTime: micro(9)},
		ReportingController:      "skiff.io/kubelet",
		ReportingInstance:        "kubelet-node-a",
		Action:                   "Pulling",
		Reason:                   "Pulled",
		Regarding:                podRef(),
		Related:                  nodeRef(),
		Note:                     "Container image pulled",
		Type:                     corev1.EventTypeNormal,
		DeprecatedSource:         corev1.EventSource{Component: "kubelet", Host: "node-a"},
		DeprecatedFirstTimestamp: second(1),
		DeprecatedLastTimestamp:  second(9),
		DeprecatedCount:          4,
	}
}

func TestEventToEventsV1(t *testing.T) {
	tests := []struct {
		name string
		in   *corev1.Event
		want *eventsv1.Event
	}{
		{"every field", fullCoreEvent(), fullEventsV1()},
		{"legacy event without series or reporting fields",
			&corev1.Event{
				ObjectMeta: metav1.ObjectMeta{Name: "e"}, InvolvedObject: podRef(), Reason: "Killing", Message: "Stopping",
				Source: corev1.EventSource{Component: "kubelet"}, LastTimestamp: second(3), Count: 1, Type: corev1.EventTypeWarning,
			},
			&eventsv1.Event{
				TypeMeta:   metav1.TypeMeta{APIVersion: "events.k8s.io/v1", Kind: "Event"},
				ObjectMeta: metav1.ObjectMeta{Name: "e"}, Regarding: podRef(), Reason: "Killing", Note: "Stopping",
				DeprecatedSource: corev1.EventSource{Component: "kubelet"}, DeprecatedLastTimestamp: second(3), DeprecatedCount: 1,
				Type: corev1.EventTypeWarning,
			}},
		{"nil", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, EventToEventsV1(tt.in)); diff != "" {
				t.Errorf("EventToEventsV1 (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventsV1ToEvent(t *testing.T) {
	tests := []struct {
		name string
		in   *eventsv1.Event
		want *corev1.Event
	}{
		{"every field", fullEventsV1(), fullCoreEvent()},
		{"new-style event",
			&eventsv1.Event{
				ObjectMeta: metav1.ObjectMeta{Name: "e"}, EventTime: micro(5), ReportingController: "skiff.io/scheduler",
				ReportingInstance: "sched-1", Action: "Binding", Reason: "Scheduled", Regarding: podRef(), Note: "assigned", Type: "Normal",
			},
			&corev1.Event{
				TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Event"},
				ObjectMeta: metav1.ObjectMeta{Name: "e"}, EventTime: micro(5), ReportingController: "skiff.io/scheduler",
				ReportingInstance: "sched-1", Action: "Binding", Reason: "Scheduled", InvolvedObject: podRef(), Message: "assigned", Type: "Normal",
			}},
		{"nil", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, EventsV1ToEvent(tt.in)); diff != "" {
				t.Errorf("EventsV1ToEvent (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventRoundTrips(t *testing.T) {
	legacy := fullCoreEvent()
	legacy.Series, legacy.Related, legacy.EventTime = nil, nil, metav1.MicroTime{}
	tests := []struct {
		name string
		in   *corev1.Event
	}{
		{"every field", fullCoreEvent()},
		{"legacy", legacy},
		{"empty", &corev1.Event{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Event"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.in, EventsV1ToEvent(EventToEventsV1(tt.in))); diff != "" {
				t.Errorf("core -> events/v1 -> core (-original +round trip):\n%s", diff)
			}
			ev := EventToEventsV1(tt.in)
			if diff := cmp.Diff(ev, EventToEventsV1(EventsV1ToEvent(ev))); diff != "" {
				t.Errorf("events/v1 -> core -> events/v1 (-original +round trip):\n%s", diff)
			}
		})
	}
}

func TestEventConversionSharesNothing(t *testing.T) {
	in := fullCoreEvent()
	out := EventToEventsV1(in)
	out.Labels["k"] = "changed"
	out.Series.Count = 100
	out.Related.Name = "other"
	if diff := cmp.Diff(fullCoreEvent(), in); diff != "" {
		t.Errorf("input changed through the output (-before +after):\n%s", diff)
	}
	back := fullEventsV1()
	core := EventsV1ToEvent(back)
	core.Annotations["a"] = "changed"
	core.Series.Count = 100
	if diff := cmp.Diff(fullEventsV1(), back); diff != "" {
		t.Errorf("events/v1 input changed through the output (-before +after):\n%s", diff)
	}
}
