package daemonset

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/klog/v2"
)

// daemonTolerations are added to every daemon pod (as upstream does), so node conditions that
// taint a node do not evict or block its daemons.
func daemonTolerations(hostNetwork bool) []corev1.Toleration {
	exists := func(key string, effect corev1.TaintEffect) corev1.Toleration {
		return corev1.Toleration{Key: key, Operator: corev1.TolerationOpExists, Effect: effect}
	}
	out := []corev1.Toleration{
		exists(corev1.TaintNodeNotReady, corev1.TaintEffectNoExecute),
		exists(corev1.TaintNodeUnreachable, corev1.TaintEffectNoExecute),
		exists(corev1.TaintNodeDiskPressure, corev1.TaintEffectNoSchedule),
		exists(corev1.TaintNodeMemoryPressure, corev1.TaintEffectNoSchedule),
		exists(corev1.TaintNodePIDPressure, corev1.TaintEffectNoSchedule),
		exists(corev1.TaintNodeUnschedulable, corev1.TaintEffectNoSchedule),
	}
	if hostNetwork {
		out = append(out, exists(corev1.TaintNodeNetworkUnavailable, corev1.TaintEffectNoSchedule))
	}
	return out
}

// addTolerations returns tols plus each daemon toleration not already present.
func addTolerations(tols []corev1.Toleration, hostNetwork bool) []corev1.Toleration {
	out := append([]corev1.Toleration(nil), tols...)
	for _, d := range daemonTolerations(hostNetwork) {
		found := false
		for i := range out {
			if out[i].MatchToleration(&d) {
				found = true
			}
		}
		if !found {
			out = append(out, d)
		}
	}
	return out
}

// eligibility says whether a daemon pod should be started on a node (run) and whether an
// existing one may stay (keep).
type eligibility struct{ run, keep bool }

// evaluate decides eligibility of node for pods built from spec: spec.nodeName (if set),
// nodeSelector and required node affinity must match; every NoSchedule/NoExecute taint must be
// tolerated to run, and every NoExecute taint to keep running.
func evaluate(spec *corev1.PodSpec, node *corev1.Node) eligibility {
	if spec.NodeName != "" && spec.NodeName != node.Name {
		return eligibility{}
	}
	pod := &corev1.Pod{Spec: *spec}
	if ok, err := nodeaffinity.GetRequiredNodeAffinity(pod).Match(node); err != nil || !ok {
		return eligibility{}
	}
	tols := addTolerations(spec.Tolerations, spec.HostNetwork)
	e := eligibility{run: true, keep: true}
	for i := range node.Spec.Taints {
		t := &node.Spec.Taints[i]
		if t.Effect == corev1.TaintEffectPreferNoSchedule || tolerated(tols, t) {
			continue
		}
		e.run = false
		if t.Effect == corev1.TaintEffectNoExecute {
			e.keep = false
		}
	}
	return e
}

func tolerated(tols []corev1.Toleration, t *corev1.Taint) bool {
	for i := range tols {
		if tols[i].ToleratesTaint(klog.Background(), t, false) {
			return true
		}
	}
	return false
}
