package main

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func testDeployment(gen, observed int64, replicas, updated, available, total int32, availableCond corev1.ConditionStatus) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Generation: gen},
		Spec:       appsv1.DeploymentSpec{Replicas: ptr.To(replicas)},
		Status: appsv1.DeploymentStatus{ObservedGeneration: observed, Replicas: total, UpdatedReplicas: updated, AvailableReplicas: available,
			Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: availableCond}}},
	}
}

func testRS(spec, status int32) appsv1.ReplicaSet {
	return appsv1.ReplicaSet{Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(spec)}, Status: appsv1.ReplicaSetStatus{Replicas: status}}
}

func TestDeployChecks(t *testing.T) {
	cases := []struct {
		name          string
		d             *appsv1.Deployment
		rss           []appsv1.ReplicaSet
		wantAvailable bool
		wantRolledOut bool
	}{
		{"available", testDeployment(1, 1, 10, 10, 10, 10, corev1.ConditionTrue), []appsv1.ReplicaSet{testRS(10, 10)}, true, false},
		{"condition false", testDeployment(1, 1, 10, 10, 10, 10, corev1.ConditionFalse), nil, false, false},
		{"not all available", testDeployment(1, 1, 10, 10, 9, 10, corev1.ConditionTrue), nil, false, false},
		{"stale generation", testDeployment(2, 1, 10, 10, 10, 10, corev1.ConditionTrue), []appsv1.ReplicaSet{testRS(10, 10), testRS(0, 0)}, false, false},
		{"rolled out", testDeployment(2, 2, 10, 10, 10, 10, corev1.ConditionTrue), []appsv1.ReplicaSet{testRS(10, 10), testRS(0, 0)}, true, true},
		{"old pods left", testDeployment(2, 2, 10, 10, 10, 10, corev1.ConditionTrue), []appsv1.ReplicaSet{testRS(10, 10), testRS(0, 2)}, true, false},
		{"surge pods counted", testDeployment(2, 2, 10, 10, 10, 12, corev1.ConditionTrue), []appsv1.ReplicaSet{testRS(10, 10), testRS(0, 0)}, true, false},
		{"not all updated", testDeployment(2, 2, 10, 8, 10, 10, corev1.ConditionTrue), []appsv1.ReplicaSet{testRS(8, 8), testRS(2, 2)}, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := available(tc.d, tc.rss); got != tc.wantAvailable {
				t.Errorf("available = %v, want %v", got, tc.wantAvailable)
			}
			if got := rolledOut(tc.d, tc.rss); got != tc.wantRolledOut {
				t.Errorf("rolledOut = %v, want %v", got, tc.wantRolledOut)
			}
		})
	}
}
