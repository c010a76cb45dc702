package job

import (
	"fmt"
	"slices"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// matchFailurePolicy returns the action of the first podFailurePolicy rule matching failed pod
// p, with a message naming the rule; ok is false when no rule matches (the failure counts).
func matchFailurePolicy(policy *batchv1.PodFailurePolicy, p *corev1.Pod) (action batchv1.PodFailurePolicyAction, msg string, ok bool) {
	if policy == nil {
		return "", "", false
	}
	for i, r := range policy.Rules {
		if r.OnExitCodes != nil {
			if c, code, hit := matchExitCodes(r.OnExitCodes, p); hit {
				return r.Action, fmt.Sprintf("Container %s for pod %s/%s failed with exit code %d matching %s rule at index %d", c, p.Namespace, p.Name, code, r.Action, i), true
			}
		}
		if len(r.OnPodConditions) > 0 {
			if ct, hit := matchConditions(r.OnPodConditions, p); hit {
				return r.Action, fmt.Sprintf("Pod %s/%s has condition %s matching %s rule at index %d", p.Namespace, p.Name, ct, r.Action, i), true
			}
		}
	}
	return "", "", false
}

// matchExitCodes finds a container of p that terminated with a non-zero exit code selected by req.
func matchExitCodes(req *batchv1.PodFailurePolicyOnExitCodesRequirement, p *corev1.Pod) (string, int32, bool) {
	statuses := append(slices.Clone(p.Status.InitContainerStatuses), p.Status.ContainerStatuses...)
	for _, cs := range statuses {
		t := cs.State.Terminated
		if t == nil || t.ExitCode == 0 || (req.ContainerName != nil && *req.ContainerName != cs.Name) {
			continue
		}
		in := slices.Contains(req.Values, t.ExitCode)
		if (req.Operator == batchv1.PodFailurePolicyOnExitCodesOpIn) == in {
			return cs.Name, t.ExitCode, true
		}
	}
	return "", 0, false
}

// matchConditions finds a condition of p with the type and status of one of reqs.
func matchConditions(reqs []batchv1.PodFailurePolicyOnPodConditionsPattern, p *corev1.Pod) (corev1.PodConditionType, bool) {
	for _, req := range reqs {
		want := req.Status
		if want == "" {
			want = corev1.ConditionTrue
		}
		for _, c := range p.Status.Conditions {
			if c.Type == req.Type && c.Status == want {
				return c.Type, true
			}
		}
	}
	return "", false
}
