package cronjob

import (
	"fmt"
	"slices"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxMissed is how many missed start times are tolerated before a warning (as upstream).
const maxMissed = 100

// input is the cached state one sync decides from.
type input struct {
	cj    *batchv1.CronJob
	jobs  []*batchv1.Job // jobs the CronJob controls
	now   time.Time
	sched *schedule
	loc   *time.Location
}

type event struct{ typ, reason, msg string }

// plan is what one sync does: delete jobs, create the job for scheduled (if set), write status.
type plan struct {
	status       batchv1.CronJobStatus
	scheduled    time.Time      // start time of the job to create; zero for none
	deleteActive []*batchv1.Job // active jobs replaced (concurrencyPolicy Replace)
	deleteOld    []*batchv1.Job // finished jobs beyond the history limits
	requeueAfter time.Duration  // until the next schedule time
	events       []event
}

// decide computes the plan for one CronJob. It is pure.
func decide(in input) plan {
	p := plan{status: *in.cj.Status.DeepCopy()}
	active := p.trackJobs(in)
	p.deleteOld = overHistory(in.cj, in.jobs)
	now := in.now.In(in.loc)
	if next := in.sched.next(now); !next.IsZero() {
		p.requeueAfter = next.Sub(now) + 100*time.Millisecond
	}
	if in.cj.Spec.Suspend != nil && *in.cj.Spec.Suspend {
		return p
	}
	scheduled, missed := mostRecent(in, now)
	if scheduled.IsZero() {
		return p
	}
	if missed > maxMissed {
		p.events = append(p.events, event{corev1.EventTypeWarning, "TooManyMissedTimes",
			fmt.Sprintf("too many missed start times: %d. Set or decrease .spec.startingDeadlineSeconds or check clock skew", missed)})
	}
	if hasJobFor(in, scheduled) {
		return p
	}
	switch in.cj.Spec.ConcurrencyPolicy {
	case batchv1.ForbidConcurrent:
		if len(active) > 0 {
			p.events = append(p.events, event{corev1.EventTypeNormal, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid"})
			return p
		}
	case batchv1.ReplaceConcurrent:
		p.deleteActive = active
		p.status.Active = nil
	}
	p.scheduled = scheduled
	p.status.LastScheduleTime = &metav1.Time{Time: scheduled}
	return p
}

// trackJobs rebuilds status.active from the unfinished jobs, sets lastSuccessfulTime, and
// returns the active jobs.
func (p *plan) trackJobs(in input) []*batchv1.Job {
	var active []*batchv1.Job
	p.status.Active = nil
	for _, j := range in.jobs {
		c := finished(j)
		switch {
		case c == nil:
			active = append(active, j)
			p.status.Active = append(p.status.Active, corev1.ObjectReference{Kind: "Job", APIVersion: "batch/v1",
				Namespace: j.Namespace, Name: j.Name, UID: j.UID, ResourceVersion: j.ResourceVersion})
		case c.Type == batchv1.JobComplete && j.Status.CompletionTime != nil:
			if p.status.LastSuccessfulTime == nil || j.Status.CompletionTime.After(p.status.LastSuccessfulTime.Time) {
				p.status.LastSuccessfulTime = j.Status.CompletionTime.DeepCopy()
			}
		}
	}
	slices.SortFunc(p.status.Active, func(a, b corev1.ObjectReference) int { return compare(a.Name, b.Name) })
	return active
}

// mostRecent returns the latest schedule time in (earliest, now] and how many there were;
// earliest is the last schedule time (or creation), bounded by startingDeadlineSeconds.
func mostRecent(in input, now time.Time) (time.Time, int) {
	earliest := in.cj.CreationTimestamp.Time
	if in.cj.Status.LastScheduleTime != nil {
		earliest = in.cj.Status.LastScheduleTime.Time
	}
	if sds := in.cj.Spec.StartingDeadlineSeconds; sds != nil {
		if limit := now.Add(-time.Duration(*sds) * time.Second); limit.After(earliest) {
			earliest = limit
		}
	}
	var last time.Time
	n := 0
	for t := in.sched.next(earliest.In(in.loc)); !t.IsZero() && !t.After(now); t = in.sched.next(t) {
		last = t
		n++
		if n > 1_000_000 {
			break
		}
	}
	return last, n
}

// hasJobFor reports whether a job for scheduled already exists.
func hasJobFor(in input, scheduled time.Time) bool {
	name := jobName(in.cj, scheduled)
	return slices.ContainsFunc(in.jobs, func(j *batchv1.Job) bool { return j.Name == name })
}

// jobName is <cronjob>-<scheduled time in Unix minutes>.
func jobName(cj *batchv1.CronJob, scheduled time.Time) string {
	return fmt.Sprintf("%s-%d", cj.Name, scheduled.Unix()/60)
}

// overHistory returns the oldest finished jobs beyond successfulJobsHistoryLimit (default 3)
// and failedJobsHistoryLimit (default 1).
func overHistory(cj *batchv1.CronJob, jobs []*batchv1.Job) []*batchv1.Job {
	var ok, failed []*batchv1.Job
	for _, j := range jobs {
		if c := finished(j); c != nil && c.Type == batchv1.JobComplete {
			ok = append(ok, j)
		} else if c != nil {
			failed = append(failed, j)
		}
	}
	return append(oldest(ok, limit(cj.Spec.SuccessfulJobsHistoryLimit, 3)), oldest(failed, limit(cj.Spec.FailedJobsHistoryLimit, 1))...)
}

func limit(v *int32, def int) int {
	if v == nil {
		return def
	}
	return int(*v)
}

// oldest returns the jobs beyond the newest keep, by creation time (then name).
func oldest(jobs []*batchv1.Job, keep int) []*batchv1.Job {
	if len(jobs) <= keep {
		return nil
	}
	jobs = slices.Clone(jobs)
	slices.SortFunc(jobs, func(a, b *batchv1.Job) int {
		if c := a.CreationTimestamp.Compare(b.CreationTimestamp.Time); c != 0 {
			return c
		}
		return compare(a.Name, b.Name)
	})
	return jobs[:len(jobs)-keep]
}

// finished returns job's True Complete or Failed condition, or nil.
func finished(j *batchv1.Job) *batchv1.JobCondition {
	for i, c := range j.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return &j.Status.Conditions[i]
		}
	}
	return nil
}

func compare(a, b string) int { return strings.Compare(a, b) }
