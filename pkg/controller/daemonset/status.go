package daemonset

import (
	appsv1 "k8s.io/api/apps/v1"
)

// computeStatus derives the DaemonSet status from the cached state in.
func computeStatus(in input) appsv1.DaemonSetStatus {
	st := appsv1.DaemonSetStatus{ObservedGeneration: in.ds.Generation, CollisionCount: in.ds.Status.CollisionCount, Conditions: in.ds.Status.Conditions}
	var p plan
	for _, n := range p.collect(in) {
		has := len(n.new)+len(n.old) > 0
		if !n.el.run {
			if has {
				st.NumberMisscheduled++
			}
			continue
		}
		st.DesiredNumberScheduled++
		if !has {
			continue
		}
		st.CurrentNumberScheduled++
		all := append(n.new, n.old...)
		if readyAny(all) {
			st.NumberReady++
		}
		if availableAny(all, in) {
			st.NumberAvailable++
		}
		if len(n.new) > 0 {
			st.UpdatedNumberScheduled++
		}
	}
	st.NumberUnavailable = max(0, st.DesiredNumberScheduled-st.NumberAvailable)
	return st
}
