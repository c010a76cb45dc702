package admission

import (
	corev1 "k8s.io/api/core/v1"
)

// DefaultTolerationSeconds is Skiff's default for how long a pod stays bound to a node that
// turned not-ready or unreachable before it is evicted (upstream: 300 s). Together with the
// node lifecycle controller's 15 s grace period, a dead node's pods are replaced within ~25 s.
const DefaultTolerationSeconds int64 = 10

// DefaultTolerations adds, like upstream's DefaultTolerationSeconds admission plugin, a
// NoExecute toleration with tolerationSeconds=seconds for node.kubernetes.io/not-ready and
// for node.kubernetes.io/unreachable to pod, unless the pod already has a toleration for that
// taint's key (or an empty key) with effect NoExecute (or any effect). It modifies pod in
// place; the caller owns pod.
func DefaultTolerations(pod *corev1.Pod, seconds int64) {
	for _, key := range []string{corev1.TaintNodeNotReady, corev1.TaintNodeUnreachable} {
		if !hasNoExecuteToleration(pod.Spec.Tolerations, key) {
			s := seconds
			pod.Spec.Tolerations = append(pod.Spec.Tolerations, corev1.Toleration{
				Key: key, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &s,
			})
		}
	}
}

// hasNoExecuteToleration reports whether ts already says something about key's NoExecute
// taint: a toleration naming key or no key, with effect NoExecute or no effect.
func hasNoExecuteToleration(ts []corev1.Toleration, key string) bool {
	for _, t := range ts {
		if (t.Key == key || t.Key == "") && (t.Effect == corev1.TaintEffectNoExecute || t.Effect == "") {
			return true
		}
	}
	return false
}
