package job

import (
	"slices"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// input is the cached state one sync decides from.
type input struct {
	job         *batchv1.Job
	pods        []*corev1.Pod // pods the job controls, any phase
	now         time.Time
	canManage   bool // false while earlier creations/deletions are unobserved
	backoffBase time.Duration
}

// event is a Kubernetes Event to record on the job.
type event struct{ typ, reason, msg string }

// plan is what one sync does, in order: write status, strip finalizers, delete pods, create pods.
type plan struct {
	status       batchv1.JobStatus
	strip        []*corev1.Pod // pods whose tracking finalizer is removed after the status write
	delete       []*corev1.Pod // active pods to stop
	create       []int         // completion indexes of pods to create (-1 for NonIndexed)
	requeueAfter time.Duration // 0: no timed resync needed
	events       []event
}

// state is the working set of decide.
type state struct {
	in        input
	p         plan
	st        *batchv1.JobStatus
	byUID     map[types.UID]*corev1.Pod
	completed indexSet // counted and uncounted successful indexes (Indexed jobs)
	failMsg   string   // set when a FailJob rule matched
	active    []*corev1.Pod
}

// decide computes the plan for one job from cached state. It is pure.
func decide(in input) plan {
	s := &state{in: in, st: in.job.Status.DeepCopy(), byUID: map[types.UID]*corev1.Pod{}}
	for _, p := range in.pods {
		s.byUID[p.UID] = p
		if isActive(p) {
			s.active = append(s.active, p)
		}
	}
	s.completed = parseIndexes(s.st.CompletedIndexes)
	s.countObserved()
	s.recordFinished()
	s.stripUncounted()
	if finishedCondition(in.job) != nil {
		s.stripAll()
		s.finishStatus()
		return s.p
	}
	s.manage()
	s.finishStatus()
	return s.p
}

// countObserved moves uncounted pods whose finalizer is gone (or which are gone) into the
// succeeded and failed counts.
func (s *state) countObserved() {
	u := s.uncounted()
	u.Succeeded = slices.DeleteFunc(u.Succeeded, func(uid types.UID) bool {
		p, ok := s.byUID[uid]
		if ok && hasFinalizer(p) {
			return false
		}
		if ok && isIndexed(s.in.job) && podIndex(p) >= 0 {
			s.completed[podIndex(p)] = true
		} else if !isIndexed(s.in.job) {
			s.st.Succeeded++
		}
		return true
	})
	u.Failed = slices.DeleteFunc(u.Failed, func(uid types.UID) bool {
		p, ok := s.byUID[uid]
		if ok && hasFinalizer(p) {
			return false
		}
		s.st.Failed++
		return true
	})
}

// recordFinished adds newly finished, tracked pods to uncountedTerminatedPods (applying the pod
// failure policy to failures).
func (s *state) recordFinished() {
	u := s.uncounted()
	for _, p := range s.in.pods {
		if !isFinished(p) || !hasFinalizer(p) || slices.Contains(u.Succeeded, p.UID) || slices.Contains(u.Failed, p.UID) {
			continue
		}
		if isSucceeded(p) {
			u.Succeeded = append(u.Succeeded, p.UID)
			continue
		}
		action, msg, ok := matchFailurePolicy(s.in.job.Spec.PodFailurePolicy, p)
		switch {
		case ok && action == batchv1.PodFailurePolicyActionIgnore:
			s.p.strip = append(s.p.strip, p)
			continue
		case ok && action == batchv1.PodFailurePolicyActionFailJob && s.failMsg == "":
			s.failMsg = msg
		}
		u.Failed = append(u.Failed, p.UID)
	}
	for _, uid := range u.Succeeded {
		if p := s.byUID[uid]; p != nil && isIndexed(s.in.job) && podIndex(p) >= 0 {
			s.completed[podIndex(p)] = true
		}
	}
}

// stripUncounted schedules finalizer removal for every uncounted pod that still has it.
func (s *state) stripUncounted() {
	u := s.uncounted()
	for _, uid := range append(slices.Clone(u.Succeeded), u.Failed...) {
		if p := s.byUID[uid]; p != nil && hasFinalizer(p) {
			s.p.strip = append(s.p.strip, p)
		}
	}
}

func (s *state) uncounted() *batchv1.UncountedTerminatedPods {
	if s.st.UncountedTerminatedPods == nil {
		s.st.UncountedTerminatedPods = &batchv1.UncountedTerminatedPods{}
	}
	return s.st.UncountedTerminatedPods
}

// manage decides conditions, deletions and creations of an unfinished job.
func (s *state) manage() {
	if s.st.StartTime == nil && !suspended(s.in.job) {
		s.st.StartTime = &metav1.Time{Time: s.in.now}
	}
	if s.st.StartTime != nil && hasCondition(s.in.job, batchv1.JobSuspended) && !suspended(s.in.job) {
		s.setCondition(batchv1.JobSuspended, corev1.ConditionFalse, "JobResumed", "Job resumed")
		s.st.StartTime = &metav1.Time{Time: s.in.now}
		s.p.events = append(s.p.events, event{corev1.EventTypeNormal, "Resumed", "Job resumed"})
	}
	if s.terminating() {
		s.stopAll()
		s.finishIfDrained()
		return
	}
	if suspended(s.in.job) {
		s.suspend()
		return
	}
	s.scheduleDeadline()
	s.scale()
}

// terminating sets FailureTarget or SuccessCriteriaMet when the job has reached an end, and
// reports whether it has.
func (s *state) terminating() bool {
	job := s.in.job
	if hasCondition(job, batchv1.JobFailureTarget) || hasCondition(job, batchv1.JobSuccessCriteriaMet) {
		return true
	}
	switch {
	case s.failMsg != "":
		s.setCondition(batchv1.JobFailureTarget, corev1.ConditionTrue, batchv1.JobReasonPodFailurePolicy, s.failMsg)
	case s.failedCount() > int(backoffLimit(job)):
		s.setCondition(batchv1.JobFailureTarget, corev1.ConditionTrue, batchv1.JobReasonBackoffLimitExceeded, "Job has reached the specified backoff limit")
	case s.pastDeadline():
		s.setCondition(batchv1.JobFailureTarget, corev1.ConditionTrue, batchv1.JobReasonDeadlineExceeded, "Job was active longer than specified deadline")
	case s.succeededEnough():
		s.setCondition(batchv1.JobSuccessCriteriaMet, corev1.ConditionTrue, batchv1.JobReasonCompletionsReached, "Reached expected number of succeeded pods")
	default:
		return false
	}
	return true
}

// finishIfDrained turns FailureTarget / SuccessCriteriaMet into Failed / Complete once no pod
// is running or waiting to be counted.
func (s *state) finishIfDrained() {
	u := s.uncounted()
	if len(s.active) > 0 || len(u.Succeeded)+len(u.Failed) > 0 || s.terminatingPods() > 0 {
		return
	}
	if c := s.findCondition(batchv1.JobFailureTarget); c != nil {
		s.setCondition(batchv1.JobFailed, corev1.ConditionTrue, c.Reason, c.Message)
		s.p.events = append(s.p.events, event{corev1.EventTypeWarning, c.Reason, c.Message})
		return
	}
	if c := s.findCondition(batchv1.JobSuccessCriteriaMet); c != nil {
		s.setCondition(batchv1.JobComplete, corev1.ConditionTrue, c.Reason, c.Message)
		s.st.CompletionTime = &metav1.Time{Time: s.in.now}
		s.p.events = append(s.p.events, event{corev1.EventTypeNormal, "Completed", "Job completed"})
	}
}

// stripAll schedules finalizer removal for every pod of a finished job.
func (s *state) stripAll() {
	for _, p := range s.in.pods {
		if hasFinalizer(p) && !slices.Contains(s.p.strip, p) {
			s.p.strip = append(s.p.strip, p)
		}
	}
}

// stopAll deletes every active pod.
func (s *state) stopAll() {
	if s.in.canManage {
		s.p.delete = append(s.p.delete, s.active...)
	}
}

// suspend deletes active pods and sets the Suspended condition.
func (s *state) suspend() {
	s.stopAll()
	s.st.StartTime = nil
	if !hasCondition(s.in.job, batchv1.JobSuspended) {
		s.setCondition(batchv1.JobSuspended, corev1.ConditionTrue, "JobSuspended", "Job suspended")
		s.p.events = append(s.p.events, event{corev1.EventTypeNormal, "Suspended", "Job suspended"})
	}
}

// finishStatus fills the derived status counters.
func (s *state) finishStatus() {
	if isIndexed(s.in.job) {
		s.st.CompletedIndexes = s.completed.String()
		s.st.Succeeded = int32(s.completedCountedOnly())
	}
	s.st.Active = int32(len(s.active) - len(s.p.delete) + len(s.p.create))
	ready := 0
	for _, p := range s.active {
		if isReady(p) && !slices.Contains(s.p.delete, p) {
			ready++
		}
	}
	s.st.Ready = ptrInt32(int32(ready))
	s.st.Terminating = ptrInt32(int32(s.terminatingPods() + len(s.p.delete)))
	s.p.status = *s.st
}

// completedCountedOnly returns the completed indexes excluding those still uncounted.
func (s *state) completedCountedOnly() int {
	n := len(s.completed)
	for _, uid := range s.uncounted().Succeeded {
		if p := s.byUID[uid]; p != nil && podIndex(p) >= 0 && s.completed[podIndex(p)] {
			n--
		}
	}
	return n
}

// terminatingPods counts pods being deleted that have not reached a terminal phase.
func (s *state) terminatingPods() int {
	n := 0
	for _, p := range s.in.pods {
		if p.DeletionTimestamp != nil && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			n++
		}
	}
	return n
}

func ptrInt32(v int32) *int32 { return &v }
