package kubelet

import (
	"fmt"
	"hash/fnv"
	"strconv"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/json"
)

// CRI labels and annotations the kubelet puts on sandboxes and containers. They are the only
// state a restarted kubelet needs to re-sync from CRI (see the package doc).
const (
	LabelPodName       = "io.kubernetes.pod.name"
	LabelPodNamespace  = "io.kubernetes.pod.namespace"
	LabelPodUID        = "io.kubernetes.pod.uid"
	LabelContainerName = "io.kubernetes.container.name"

	AnnotationRestartCount           = "io.kubernetes.container.restartCount"
	AnnotationTerminationMessagePath = "io.kubernetes.container.terminationMessagePath"
	// AnnotationContainerHash is a hash of the container spec; a running container whose hash
	// differs from its spec (e.g. a new image) is restarted.
	AnnotationContainerHash = "io.kubernetes.container.hash"
	// AnnotationTerminationGrace is the pod's terminationGracePeriodSeconds when the container
	// was created, used to stop containers of pods the API no longer has.
	AnnotationTerminationGrace = "io.kubernetes.pod.terminationGracePeriod"
)

// podLabels are the sandbox labels of pod.
func podLabels(pod *v1.Pod) map[string]string {
	return map[string]string{LabelPodName: pod.Name, LabelPodNamespace: pod.Namespace, LabelPodUID: string(pod.UID)}
}

// containerLabels are the container labels of c in pod.
func containerLabels(pod *v1.Pod, c *v1.Container) map[string]string {
	l := podLabels(pod)
	l[LabelContainerName] = c.Name
	return l
}

// containerAnnotations are the container annotations of c in pod at restartCount.
func containerAnnotations(pod *v1.Pod, c *v1.Container, restartCount int) map[string]string {
	return map[string]string{
		AnnotationRestartCount:           strconv.Itoa(restartCount),
		AnnotationTerminationMessagePath: c.TerminationMessagePath,
		AnnotationContainerHash:          containerHash(c),
		AnnotationTerminationGrace:       strconv.FormatInt(gracePeriod(pod), 10),
	}
}

// containerHash hashes the fields of c whose change requires a restart: everything but
// resources (resized in place upstream) and probes.
func containerHash(c *v1.Container) string {
	cc := c.DeepCopy()
	cc.Resources = v1.ResourceRequirements{}
	cc.LivenessProbe, cc.ReadinessProbe, cc.StartupProbe = nil, nil, nil
	b, _ := json.Marshal(cc)
	h := fnv.New32a()
	h.Write(b)
	return fmt.Sprintf("%08x", h.Sum32())
}

// gracePeriod is pod's termination grace period in seconds: deletionGracePeriodSeconds when
// the pod is being deleted, else spec.terminationGracePeriodSeconds (default 30).
func gracePeriod(pod *v1.Pod) int64 {
	if pod.DeletionGracePeriodSeconds != nil {
		return *pod.DeletionGracePeriodSeconds
	}
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		return *pod.Spec.TerminationGracePeriodSeconds
	}
	return 30
}
