package convert

import (
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// eventKind is the kind of both Event versions.
const eventKind = "Event"

// EventToEventsV1 converts a stored core/v1 Event to events.k8s.io/v1. The
// mapping is one to one, as upstream: message→note, involvedObject→regarding,
// reportingComponent→reportingController, source→deprecatedSource,
// firstTimestamp/lastTimestamp/count→deprecated*, and reason, related,
// reportingInstance, eventTime, series, action and type unchanged. The output
// has TypeMeta set and shares nothing with in; a nil in gives nil.
func EventToEventsV1(in *corev1.Event) *eventsv1.Event {
	if in == nil {
		return nil
	}
	in = in.DeepCopy()
	return &eventsv1.Event{
		TypeMeta:                 metav1.TypeMeta{APIVersion: eventsv1.SchemeGroupVersion.String(), Kind: eventKind},
		ObjectMeta:               in.ObjectMeta,
		EventTime:                in.EventTime,
		Series:                   seriesToEventsV1(in.Series),
		ReportingController:      in.ReportingController,
		ReportingInstance:        in.ReportingInstance,
		Action:                   in.Action,
		Reason:                   in.Reason,
		Regarding:                in.InvolvedObject,
		Related:                  in.Related,
		Note:                     in.Message,
		Type:                     in.Type,
		DeprecatedSource:         in.Source,
		DeprecatedFirstTimestamp: in.FirstTimestamp,
		DeprecatedLastTimestamp:  in.LastTimestamp,
		DeprecatedCount:          in.Count,
	}
}

// EventsV1ToEvent converts an events.k8s.io/v1 Event to the stored core/v1
// form; it is the exact inverse of EventToEventsV1. The output has TypeMeta
// set and shares nothing with in; a nil in gives nil.
func EventsV1ToEvent(in *eventsv1.Event) *corev1.Event {
	if in == nil {
		return nil
	}
	in = in.DeepCopy()
	return &corev1.Event{
		TypeMeta:            metav1.TypeMeta{APIVersion: corev1.SchemeGroupVersion.String(), Kind: eventKind},
		ObjectMeta:          in.ObjectMeta,
		InvolvedObject:      in.Regarding,
		Reason:              in.Reason,
		Message:             in.Note,
		Source:              in.DeprecatedSource,
		FirstTimestamp:      in.DeprecatedFirstTimestamp,
		LastTimestamp:       in.DeprecatedLastTimestamp,
		Count:               in.DeprecatedCount,
		Type:                in.Type,
		EventTime:           in.EventTime,
		Series:              seriesToCore(in.Series),
		Action:              in.Action,
		Related:             in.Related,
		ReportingController: in.ReportingController,
		ReportingInstance:   in.ReportingInstance,
	}
}

// seriesToEventsV1 converts a core/v1 event series.
func seriesToEventsV1(in *corev1.EventSeries) *eventsv1.EventSeries {
	if in == nil {
		return nil
	}
	return &eventsv1.EventSeries{Count: in.Count, LastObservedTime: in.LastObservedTime}
}

// seriesToCore converts an events.k8s.io/v1 event series.
func seriesToCore(in *eventsv1.EventSeries) *corev1.EventSeries {
	if in == nil {
		return nil
	}
	return &corev1.EventSeries{Count: in.Count, LastObservedTime: in.LastObservedTime}
}
