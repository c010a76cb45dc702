package tainttoleration

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

// Tolerates reports whether any toleration tolerates taint: matching effect (empty matches
// all), key (empty with Exists matches all), and value per operator (Equal/empty, Exists,
// or numeric Lt/Gt comparing the taint's value against the toleration's).
func Tolerates(tolerations []corev1.Toleration, taint *corev1.Taint) bool {
	for i := range tolerations {
		if tolerates(&tolerations[i], taint) {
			return true
		}
	}
	return false
}

func tolerates(t *corev1.Toleration, taint *corev1.Taint) bool {
	if t.Effect != "" && t.Effect != taint.Effect {
		return false
	}
	if t.Key != "" && t.Key != taint.Key {
		return false
	}
	switch t.Operator {
	case "", corev1.TolerationOpEqual:
		return t.Value == taint.Value
	case corev1.TolerationOpExists:
		return true
	case corev1.TolerationOpLt, corev1.TolerationOpGt:
		return compare(t.Operator, t.Value, taint.Value)
	}
	return false
}

func compare(op corev1.TolerationOperator, tolValue, taintValue string) bool {
	tv, err1 := strconv.ParseInt(tolValue, 10, 64)
	nv, err2 := strconv.ParseInt(taintValue, 10, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	if op == corev1.TolerationOpLt {
		return nv < tv
	}
	return nv > tv
}
