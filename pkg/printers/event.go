package printers

import (
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func eventColumns() []metav1.TableColumnDefinition {
	doc := corev1.Event{}.SwaggerDoc()
	return []metav1.TableColumnDefinition{
		col("Last Seen", typeString, doc["lastTimestamp"]),
		col("Type", typeString, doc["type"]),
		col("Reason", typeString, doc["reason"]),
		col("Object", typeString, doc["involvedObject"]),
		wide("Subobject", typeString, corev1.ObjectReference{}.SwaggerDoc()["fieldPath"]),
		wide("Source", typeString, doc["source"]),
		col("Message", typeString, doc["message"]),
		wide("First Seen", typeString, doc["firstTimestamp"]),
		wide("Count", typeString, doc["count"]),
		{Name: "Name", Type: typeString, Format: "name", Priority: 1, Description: objectMetaDoc("name")},
	}
}

// eventFields are the printed fields common to core/v1 and events.k8s.io/v1
// events, named as in core/v1.
type eventFields struct {
	name, eventType, reason, message string
	involved                         corev1.ObjectReference
	source                           corev1.EventSource
	controller, instance             string
	first, last                      metav1.Time
	eventTime                        metav1.MicroTime
	count                            int32
	series                           *corev1.EventSeries
}

func coreEventCells(e *corev1.Event, now time.Time) []any {
	return eventFields{
		name: e.Name, eventType: e.Type, reason: e.Reason, message: e.Message,
		involved: e.InvolvedObject, source: e.Source,
		controller: e.ReportingController, instance: e.ReportingInstance,
		first: e.FirstTimestamp, last: e.LastTimestamp, eventTime: e.EventTime,
		count: e.Count, series: e.Series,
	}.cells(now)
}

// eventsV1Cells maps an events.k8s.io/v1 event onto the core/v1 fields the
// way the API converts between the two.
func eventsV1Cells(e *eventsv1.Event, now time.Time) []any {
	f := eventFields{
		name: e.Name, eventType: e.Type, reason: e.Reason, message: e.Note,
		involved: e.Regarding, source: e.DeprecatedSource,
		controller: e.ReportingController, instance: e.ReportingInstance,
		first: e.DeprecatedFirstTimestamp, last: e.DeprecatedLastTimestamp, eventTime: e.EventTime,
		count: e.DeprecatedCount,
	}
	if e.Series != nil {
		f.series = &corev1.EventSeries{Count: e.Series.Count, LastObservedTime: e.Series.LastObservedTime}
	}
	return f.cells(now)
}

// cells orders the event cells as eventColumns. First seen falls back to
// the event time, last seen to first seen; a series overrides last seen and
// count, and a singleton event without a count counts once.
func (f eventFields) cells(now time.Time) []any {
	first := age(f.first, now)
	if f.first.IsZero() {
		first = microAge(f.eventTime, now)
	}
	last := age(f.last, now)
	if f.last.IsZero() {
		last = first
	}
	count := f.count
	if f.series != nil {
		last, count = microAge(f.series.LastObservedTime, now), f.series.Count
	} else if count == 0 {
		count = 1
	}
	return []any{
		last, f.eventType, f.reason, eventObject(f.involved), f.involved.FieldPath,
		eventSource(f.source.Component, f.source.Host, f.controller, f.instance),
		strings.TrimSpace(f.message), first, int64(count), f.name,
	}
}

// eventObject is "kind/name" with the kind in lower case.
func eventObject(ref corev1.ObjectReference) string {
	kind := strings.ToLower(ref.Kind)
	if ref.Name == "" {
		return kind
	}
	return kind + "/" + ref.Name
}

// eventSource is "component, host", falling back to the reporting
// controller and instance; the host part is left out when empty.
func eventSource(component, host, controller, instance string) string {
	if component == "" {
		component = controller
	}
	if host == "" {
		host = instance
	}
	if host == "" {
		return component
	}
	return component + ", " + host
}
