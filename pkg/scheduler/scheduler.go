package scheduler

import (
	"context"
	"errors"
	"log/slog"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/clock"

	"skiff/pkg/scheduler/framework"
	"skiff/pkg/scheduler/queue"
)

// DefaultName is the schedulerName this scheduler serves.
const DefaultName = corev1.DefaultSchedulerName

// Algorithm decides where a pod goes on a snapshot. An error wrapping a FitError-like value
// whose message is upstream's "0/N nodes are available: ..." means the pod fits nowhere.
type Algorithm interface {
	Schedule(pod *corev1.Pod, snap *framework.Snapshot) (node string, err error)
}

// Preemptor chooses the node and the lower-priority victims whose eviction makes pod fit.
type Preemptor interface {
	SelectVictims(pod *corev1.Pod, snap *framework.Snapshot) (node string, victims []*corev1.Pod, ok bool)
}

// ErrUnschedulable marks errors meaning "no node fits" (Schedule wraps its fit error with it).
var ErrUnschedulable = errors.New("unschedulable")

// Config holds the scheduler's dependencies.
type Config struct {
	Client      kubernetes.Interface
	Informers   informers.SharedInformerFactory
	Recorder    record.EventRecorder
	Algorithm   Algorithm
	Preemptor   Preemptor // nil: no preemption
	Clock       clock.WithTicker
	Log         *slog.Logger
	Name        string // schedulerName served; DefaultName when empty
	BindWorkers int    // concurrent binds; 32 when zero
}

// Scheduler watches pods and nodes and binds pending pods.
type Scheduler struct {
	cfg    Config
	queue  *queue.Queue
	cache  *podCache
	bindSm chan struct{}
	synced []cache.InformerSynced
	log    *slog.Logger
}

// New registers informer handlers; Run starts the work.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Client == nil || cfg.Informers == nil || cfg.Algorithm == nil || cfg.Recorder == nil {
		return nil, errors.New("scheduler: client, informers, recorder and algorithm are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	if cfg.Name == "" {
		cfg.Name = DefaultName
	}
	if cfg.BindWorkers == 0 {
		cfg.BindWorkers = 32
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Scheduler{cfg: cfg, queue: queue.New(queue.Config{}, cfg.Clock), cache: newCache(),
		bindSm: make(chan struct{}, cfg.BindWorkers), log: cfg.Log.With("component", "scheduler")}
	pods := cfg.Informers.Core().V1().Pods().Informer()
	nodes := cfg.Informers.Core().V1().Nodes().Informer()
	nss := cfg.Informers.Core().V1().Namespaces().Informer()
	if _, err := pods.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: s.onPodAdd, UpdateFunc: s.onPodUpdate, DeleteFunc: s.onPodDelete}); err != nil {
		return nil, err
	}
	if _, err := nodes.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: s.onNodeAdd, UpdateFunc: s.onNodeUpdate, DeleteFunc: s.onNodeDelete}); err != nil {
		return nil, err
	}
	if _, err := nss.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { s.cache.setNamespace(o.(*corev1.Namespace)) },
		UpdateFunc: func(_, o any) { s.cache.setNamespace(o.(*corev1.Namespace)) },
	}); err != nil {
		return nil, err
	}
	s.synced = []cache.InformerSynced{pods.HasSynced, nodes.HasSynced, nss.HasSynced}
	return s, nil
}

// Run schedules pods until ctx ends. The informer factory must be started by the caller.
func (s *Scheduler) Run(ctx context.Context) error {
	go s.queue.Run(ctx)
	if !cache.WaitForCacheSync(ctx.Done(), s.synced...) {
		return nil
	}
	s.log.Info("scheduler started", "name", s.cfg.Name)
	for {
		qp, err := s.queue.Pop(ctx)
		if err != nil {
			return nil
		}
		s.scheduleOne(ctx, qp)
	}
}

// responsible reports whether pod waits for this scheduler.
func (s *Scheduler) responsible(pod *corev1.Pod) bool {
	return pod.Spec.NodeName == "" && pod.Spec.SchedulerName == s.cfg.Name && pod.DeletionTimestamp == nil && !terminated(pod)
}

func (s *Scheduler) onPodAdd(obj any) {
	pod := obj.(*corev1.Pod)
	switch {
	case pod.Spec.NodeName != "":
		s.cache.setPod(pod)
	case s.responsible(pod):
		s.queue.Add(pod)
	}
}

func (s *Scheduler) onPodUpdate(oldObj, newObj any) {
	old, pod := oldObj.(*corev1.Pod), newObj.(*corev1.Pod)
	switch {
	case pod.Spec.NodeName != "":
		if old.Spec.NodeName == "" {
			s.queue.Delete(pod)
		}
		s.cache.setPod(pod)
		if terminated(pod) && !terminated(old) {
			s.queue.MoveAll()
		}
	case !s.responsible(pod):
		s.queue.Delete(pod)
	case schedulingInputsChanged(old, pod):
		s.queue.Update(pod)
	default:
		s.queue.Add(pod) // refresh the queued copy without retrying it
	}
}

// schedulingInputsChanged ignores status-only updates (such as our own Unschedulable condition).
func schedulingInputsChanged(old, pod *corev1.Pod) bool {
	return !apiequality.Semantic.DeepEqual(old.Spec, pod.Spec) || !apiequality.Semantic.DeepEqual(old.Labels, pod.Labels)
}

func (s *Scheduler) onPodDelete(obj any) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		tomb, ok := obj.(cache.DeletedFinalStateUnknown)
		if !ok {
			return
		}
		if pod, ok = tomb.Obj.(*corev1.Pod); !ok {
			return
		}
	}
	s.queue.Delete(pod)
	s.cache.removePod(pod.UID)
	if pod.Spec.NodeName != "" {
		s.queue.MoveAll()
	}
}

func (s *Scheduler) onNodeAdd(obj any) {
	s.cache.setNode(obj.(*corev1.Node))
	s.queue.MoveAll()
}

func (s *Scheduler) onNodeUpdate(oldObj, newObj any) {
	old, n := oldObj.(*corev1.Node), newObj.(*corev1.Node)
	s.cache.setNode(n)
	if nodeSchedulingChanged(old, n) {
		s.queue.MoveAll()
	}
}

// nodeSchedulingChanged ignores heartbeat-only updates.
func nodeSchedulingChanged(old, n *corev1.Node) bool {
	return !apiequality.Semantic.DeepEqual(old.Spec, n.Spec) || !apiequality.Semantic.DeepEqual(old.Labels, n.Labels) ||
		!apiequality.Semantic.DeepEqual(old.Status.Allocatable, n.Status.Allocatable) || readyOf(old) != readyOf(n)
}

func readyOf(n *corev1.Node) corev1.ConditionStatus {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status
		}
	}
	return corev1.ConditionUnknown
}

func (s *Scheduler) onNodeDelete(obj any) {
	if n, ok := obj.(*corev1.Node); ok {
		s.cache.removeNode(n.Name)
	} else if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		if n, ok := tomb.Obj.(*corev1.Node); ok {
			s.cache.removeNode(n.Name)
		}
	}
}

// scheduleOne decides one pod, assumes it and hands the bind to a background worker.
func (s *Scheduler) scheduleOne(ctx context.Context, qp *queue.QueuedPod) {
	pod := qp.Pod
	cycle := s.queue.Cycle()
	s.cache.mu.Lock()
	node, err := s.cfg.Algorithm.Schedule(pod, s.cache.snap)
	if err == nil {
		s.cache.assumeLocked(pod, node)
	}
	s.cache.mu.Unlock()
	if err != nil {
		s.failed(ctx, qp, cycle, err)
		return
	}
	select {
	case s.bindSm <- struct{}{}:
	case <-ctx.Done():
		return
	}
	go func() {
		defer func() { <-s.bindSm }()
		s.bind(ctx, qp, node)
	}()
}

func (s *Scheduler) bind(ctx context.Context, qp *queue.QueuedPod, node string) {
	pod := qp.Pod
	b := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, UID: pod.UID},
		Target: corev1.ObjectReference{Kind: "Node", Name: node}}
	err := s.cfg.Client.CoreV1().Pods(pod.Namespace).Bind(ctx, b, metav1.CreateOptions{})
	if err == nil {
		s.queue.Done(qp)
		s.cfg.Recorder.Eventf(pod, corev1.EventTypeNormal, "Scheduled", "Successfully assigned %s/%s to %s", pod.Namespace, pod.Name, node)
		return
	}
	s.cache.forget(pod.UID)
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		s.queue.Done(qp) // gone, or bound by someone else: the informer tells the rest
		return
	}
	s.log.Warn("bind failed", "pod", pod.Name, "namespace", pod.Namespace, "node", node, "err", err)
	s.cfg.Recorder.Eventf(pod, corev1.EventTypeWarning, "FailedScheduling", "Binding rejected: %v", err)
	s.queue.Requeue(qp)
}

// failed handles a pod that fits nowhere: maybe preempt, then report and park it.
func (s *Scheduler) failed(ctx context.Context, qp *queue.QueuedPod, cycle int64, err error) {
	pod := qp.Pod
	if !errors.Is(err, ErrUnschedulable) {
		s.log.Error("scheduling error", "pod", pod.Name, "namespace", pod.Namespace, "err", err)
		s.queue.Requeue(qp)
		return
	}
	msg := err.Error()
	nominated := s.preempt(ctx, pod)
	s.cfg.Recorder.Event(pod, corev1.EventTypeWarning, "FailedScheduling", msg)
	if err := s.setUnschedulable(ctx, pod, msg, nominated); err != nil && !apierrors.IsNotFound(err) {
		s.log.Warn("update pod condition", "pod", pod.Name, "namespace", pod.Namespace, "err", err)
	}
	s.queue.Unschedulable(qp, cycle)
}

// setUnschedulable writes PodScheduled=False/Unschedulable (and nominatedNodeName) when changed.
func (s *Scheduler) setUnschedulable(ctx context.Context, pod *corev1.Pod, msg, nominated string) error {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Message == msg && nominated == pod.Status.NominatedNodeName {
			return nil
		}
	}
	p := pod.DeepCopy()
	cond := corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable,
		Message: msg, LastTransitionTime: metav1.NewTime(s.cfg.Clock.Now())}
	replaced := false
	for i, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled {
			if c.Status == corev1.ConditionFalse {
				cond.LastTransitionTime = c.LastTransitionTime
			}
			p.Status.Conditions[i], replaced = cond, true
		}
	}
	if !replaced {
		p.Status.Conditions = append(p.Status.Conditions, cond)
	}
	if nominated != "" {
		p.Status.NominatedNodeName = nominated
	}
	_, err := s.cfg.Client.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
	if apierrors.IsConflict(err) {
		return nil // a newer copy exists: the next attempt reports again
	}
	return err
}

// preempt evicts the victims that make room for pod on one node and returns that node ("" if none).
func (s *Scheduler) preempt(ctx context.Context, pod *corev1.Pod) string {
	if s.cfg.Preemptor == nil || (pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy == corev1.PreemptNever) {
		return ""
	}
	s.cache.mu.Lock()
	node, victims, ok := s.cfg.Preemptor.SelectVictims(pod, s.cache.snap)
	s.cache.mu.Unlock()
	if !ok {
		return ""
	}
	for _, v := range victims {
		err := s.cfg.Client.CoreV1().Pods(v.Namespace).Delete(ctx, v.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &v.UID}})
		if err != nil && !apierrors.IsNotFound(err) {
			s.log.Warn("preemption: delete victim", "pod", v.Name, "namespace", v.Namespace, "err", err)
			continue
		}
		s.cfg.Recorder.Eventf(v, corev1.EventTypeNormal, "Preempted", "Preempted by pod %s/%s on node %s", pod.Namespace, pod.Name, node)
	}
	s.log.Info("preempted", "pod", pod.Name, "namespace", pod.Namespace, "node", node, "victims", len(victims))
	return node
}

// Pending returns the numbers of pods in the queue's active, backoff and unschedulable parts.
func (s *Scheduler) Pending() (active, backoff, unschedulable int) { return s.queue.Len() }
