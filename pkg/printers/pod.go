package printers

import (
	"fmt"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// nodeLostReason is the pod status reason set when the pod's node is lost.
const nodeLostReason = "NodeLost"

func podColumns() []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("Ready", typeString, "The aggregate readiness state of this pod for accepting traffic."),
		col("Status", typeString, "The aggregate status of the containers in this pod."),
		col("Restarts", typeString, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
		ageColumn(),
		wide("IP", typeString, corev1.PodStatus{}.SwaggerDoc()["podIP"]),
		wide("Node", typeString, corev1.PodSpec{}.SwaggerDoc()["nodeName"]),
		wide("Nominated Node", typeString, corev1.PodStatus{}.SwaggerDoc()["nominatedNodeName"]),
		wide("Readiness Gates", typeString, corev1.PodSpec{}.SwaggerDoc()["readinessGates"]),
	}
}

// podPrinter prints pods; finished pods carry a Completed row condition.
func podPrinter() printer {
	return printer{columns: podColumns(), row: func(obj runtime.Object, now time.Time) (metav1.TableRow, error) {
		pod, ok := obj.(*corev1.Pod)
		if !ok {
			return metav1.TableRow{}, fmt.Errorf("convert to table: unexpected type %T", obj)
		}
		return metav1.TableRow{
			Cells:      podCells(pod, now),
			Conditions: podRowConditions(pod.Status.Phase),
			Object:     runtime.RawExtension{Object: obj},
		}, nil
	}}
}

func podCells(pod *corev1.Pod, now time.Time) []any {
	s := summarizePod(pod)
	return []any{
		pod.Name,
		fmt.Sprintf("%d/%d", s.ready, s.total),
		s.reason,
		restartsString(s.restarts, s.lastRestart, now),
		age(pod.CreationTimestamp, now),
		orNone(podIP(pod)),
		orNone(pod.Spec.NodeName),
		orNone(pod.Status.NominatedNodeName),
		readinessGates(pod),
	}
}

// podRowConditions marks succeeded and failed pods as completed rows.
func podRowConditions(phase corev1.PodPhase) []metav1.TableRowCondition {
	switch phase {
	case corev1.PodSucceeded:
		return []metav1.TableRowCondition{{Type: metav1.RowCompleted, Status: metav1.ConditionTrue, Reason: string(phase), Message: "The pod has completed successfully."}}
	case corev1.PodFailed:
		return []metav1.TableRowCondition{{Type: metav1.RowCompleted, Status: metav1.ConditionTrue, Reason: string(phase), Message: "The pod failed."}}
	}
	return nil
}

// restartsString is "N", or "N (AGE ago)" when the last restart is known.
func restartsString(restarts int, last time.Time, now time.Time) string {
	if restarts == 0 || last.IsZero() {
		return strconv.Itoa(restarts)
	}
	return fmt.Sprintf("%d (%s ago)", restarts, age(metav1.NewTime(last), now))
}

func podIP(pod *corev1.Pod) string {
	if len(pod.Status.PodIPs) > 0 {
		return pod.Status.PodIPs[0].IP
	}
	return pod.Status.PodIP
}

// readinessGates is "true/total" over the pod's readiness gates, or <none>.
func readinessGates(pod *corev1.Pod) string {
	if len(pod.Spec.ReadinessGates) == 0 {
		return none
	}
	trueCount := 0
	for _, gate := range pod.Spec.ReadinessGates {
		if podConditionTrue(pod.Status.Conditions, gate.ConditionType) {
			trueCount++
		}
	}
	return fmt.Sprintf("%d/%d", trueCount, len(pod.Spec.ReadinessGates))
}

// podConditionTrue reports whether the first condition of type t is True.
func podConditionTrue(conds []corev1.PodCondition, t corev1.PodConditionType) bool {
	for _, c := range conds {
		if c.Type == t {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
