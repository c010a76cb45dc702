package serviceaccount

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestNeedsDefault(t *testing.T) {
	now := metav1.Now()
	active := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "a"}}
	def := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: DefaultName}}
	other := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "builder"}}
	tests := []struct {
		name     string
		ns       *corev1.Namespace
		existing []*corev1.ServiceAccount
		want     bool
	}{
		{"active, none", active, nil, true},
		{"active, other only", active, []*corev1.ServiceAccount{other}, true},
		{"active, has default", active, []*corev1.ServiceAccount{other, def}, false},
		{"deleting", &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{DeletionTimestamp: &now}}, nil, false},
		{"terminating phase", &corev1.Namespace{Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}}, nil, false},
		{"no namespace", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := needsDefault(tt.ns, tt.existing); got != tt.want {
				t.Errorf("needsDefault = %v, want %v", got, tt.want)
			}
		})
	}
}
