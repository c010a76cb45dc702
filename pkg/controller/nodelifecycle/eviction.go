package nodelifecycle

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"
)

// evictionTime tells when a pod with tolerations must leave a node with taints: never
// (evict=false) when it tolerates every NoExecute taint without a time limit; otherwise at the
// earliest deadline, each taint's being its timeAdded (now if unset) plus the shortest
// tolerationSeconds among the tolerations matching it. An untolerated NoExecute taint means now.
func evictionTime(tolerations []corev1.Toleration, taints []corev1.Taint, now time.Time) (at time.Time, evict bool) {
	for i := range taints {
		t := &taints[i]
		if t.Effect != corev1.TaintEffectNoExecute {
			continue
		}
		d, limited, tolerated := tolerance(tolerations, t)
		if !tolerated {
			return now, true
		}
		if !limited {
			continue
		}
		start := now
		if t.TimeAdded != nil {
			start = t.TimeAdded.Time
		}
		if deadline := start.Add(d); !evict || deadline.Before(at) {
			at, evict = deadline, true
		}
	}
	return at, evict
}

// tolerance returns how long tolerations let a pod stay despite taint: tolerated is false when
// none matches; limited is false when a matching toleration has no tolerationSeconds and none
// has a limit.
func tolerance(tolerations []corev1.Toleration, taint *corev1.Taint) (d time.Duration, limited, tolerated bool) {
	for i := range tolerations {
		tol := &tolerations[i]
		if !tol.ToleratesTaint(klog.Background(), taint, false) {
			continue
		}
		tolerated = true
		if tol.TolerationSeconds == nil {
			continue
		}
		s := max(*tol.TolerationSeconds, 0)
		if v := time.Duration(s) * time.Second; !limited || v < d {
			d, limited = v, true
		}
	}
	return d, limited, tolerated
}
