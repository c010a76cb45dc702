package job

import (
	"cmp"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// succeededCount is the number of successful pods (counted or not) of a NonIndexed job.
func (s *state) succeededCount() int {
	return int(s.st.Succeeded) + len(s.uncounted().Succeeded)
}

// failedCount is the number of failed pods, counted or not.
func (s *state) failedCount() int {
	return int(s.st.Failed) + len(s.uncounted().Failed)
}

// succeededEnough reports whether the job met its completion criteria.
func (s *state) succeededEnough() bool {
	job := s.in.job
	if isIndexed(job) {
		n := completions(job)
		return s.completed.countBelow(n) >= n
	}
	if job.Spec.Completions == nil {
		return s.succeededCount() > 0 && len(s.active) == 0
	}
	return s.succeededCount() >= completions(job)
}

// pastDeadline reports whether activeDeadlineSeconds has elapsed since the start.
func (s *state) pastDeadline() bool {
	ads := s.in.job.Spec.ActiveDeadlineSeconds
	if ads == nil || s.st.StartTime == nil || suspended(s.in.job) {
		return false
	}
	return !s.in.now.Before(s.st.StartTime.Add(time.Duration(*ads) * time.Second))
}

// scheduleDeadline asks for a resync when activeDeadlineSeconds will elapse.
func (s *state) scheduleDeadline() {
	if ads := s.in.job.Spec.ActiveDeadlineSeconds; ads != nil && s.st.StartTime != nil {
		s.requeue(s.st.StartTime.Add(time.Duration(*ads) * time.Second).Sub(s.in.now))
	}
}

func (s *state) requeue(d time.Duration) {
	if d <= 0 {
		d = time.Millisecond
	}
	if s.p.requeueAfter == 0 || d < s.p.requeueAfter {
		s.p.requeueAfter = d
	}
}

// scale creates or deletes pods toward the wanted number of active pods.
func (s *state) scale() {
	if !s.in.canManage {
		return
	}
	if isIndexed(s.in.job) {
		s.scaleIndexed()
		return
	}
	want := s.wantActive()
	if len(s.active) > want {
		s.p.delete = append(s.p.delete, rankForDeletion(s.active)[:len(s.active)-want]...)
		return
	}
	for range s.allowedCreates(want - len(s.active)) {
		s.p.create = append(s.p.create, -1)
	}
}

// wantActive is how many pods a NonIndexed job should run now.
func (s *state) wantActive() int {
	par := parallelism(s.in.job)
	if s.in.job.Spec.Completions == nil {
		if s.succeededCount() > 0 {
			return min(len(s.active), par)
		}
		return par
	}
	return max(0, min(par, completions(s.in.job)-s.succeededCount()))
}

// scaleIndexed deletes pods of duplicate, completed or out-of-range indexes and creates pods
// for the lowest pending indexes up to parallelism.
func (s *state) scaleIndexed() {
	n, held := completions(s.in.job), map[int]bool{}
	var keep []*corev1.Pod
	for _, p := range rankForKeeping(s.active) {
		i := podIndex(p)
		if i < 0 || i >= n || held[i] || s.completed[i] {
			s.p.delete = append(s.p.delete, p)
			continue
		}
		held[i] = true
		keep = append(keep, p)
	}
	par := parallelism(s.in.job)
	if len(keep) > par {
		s.p.delete = append(s.p.delete, rankForDeletion(keep)[:len(keep)-par]...)
		return
	}
	var pending []int
	for i := 0; i < n && len(pending) < par-len(keep); i++ {
		if !held[i] && !s.completed[i] {
			pending = append(pending, i)
		}
	}
	s.p.create = append(s.p.create, pending[:s.allowedCreates(len(pending))]...)
}

// allowedCreates returns n, or 0 while the failure backoff has not elapsed (scheduling a resync).
func (s *state) allowedCreates(n int) int {
	if n <= 0 {
		return 0
	}
	var last time.Time
	for _, p := range s.in.pods {
		if isFinished(p) && !isSucceeded(p) && failureTime(p).After(last) {
			last = failureTime(p)
		}
	}
	if last.IsZero() {
		return n
	}
	wait := last.Add(backoffDelay(s.failedCount(), s.in.backoffBase, maxBackoff)).Sub(s.in.now)
	if wait > 0 {
		s.requeue(wait)
		return 0
	}
	return n
}

// rankForDeletion orders pods so the cheapest to lose come first: unscheduled, then not ready,
// then newest.
func rankForDeletion(pods []*corev1.Pod) []*corev1.Pod {
	out := slices.Clone(pods)
	slices.SortStableFunc(out, func(a, b *corev1.Pod) int {
		if c := cmp.Compare(boolRank(a.Spec.NodeName != ""), boolRank(b.Spec.NodeName != "")); c != 0 {
			return c
		}
		if c := cmp.Compare(boolRank(isReady(a)), boolRank(isReady(b))); c != 0 {
			return c
		}
		return b.CreationTimestamp.Compare(a.CreationTimestamp.Time)
	})
	return out
}

// rankForKeeping is the reverse of rankForDeletion.
func rankForKeeping(pods []*corev1.Pod) []*corev1.Pod {
	out := rankForDeletion(pods)
	slices.Reverse(out)
	return out
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
