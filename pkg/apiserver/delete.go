package apiserver

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"skiff/pkg/storage"
)

// deleteOptions reads DeleteOptions from the body and the query.
func (c *call) deleteOptions() (*metav1.DeleteOptions, error) {
	opts := &metav1.DeleteOptions{}
	data, err := readBody(c.r)
	if err != nil {
		return nil, err
	}
	if len(data) > 0 {
		if err := runtime.DecodeInto(c.s.codecs.UniversalDecoder(metav1.SchemeGroupVersion), data, opts); err != nil {
			if err2 := jsonUnmarshal(data, opts); err2 != nil {
				return nil, badRequest("the body is not DeleteOptions: %v", err)
			}
		}
	}
	q := c.r.URL.Query()
	if g := q.Get("gracePeriodSeconds"); g != "" {
		n, err := strconv.ParseInt(g, 10, 64)
		if err != nil {
			return nil, badRequest("invalid gracePeriodSeconds %q", g)
		}
		opts.GracePeriodSeconds = &n
	}
	if p := q.Get("propagationPolicy"); p != "" {
		pp := metav1.DeletionPropagation(p)
		opts.PropagationPolicy = &pp
	}
	if q.Get("orphanDependents") == "true" && opts.PropagationPolicy == nil {
		pp := metav1.DeletePropagationOrphan
		opts.PropagationPolicy = &pp
	}
	if pp := opts.PropagationPolicy; pp != nil && !slices.Contains([]metav1.DeletionPropagation{metav1.DeletePropagationForeground, metav1.DeletePropagationBackground, metav1.DeletePropagationOrphan}, *pp) {
		return nil, apierrors.NewInvalid(metav1.SchemeGroupVersion.WithKind("DeleteOptions").GroupKind(), "", validationRequired("propagationPolicy", "must be one of Foreground, Background or Orphan"))
	}
	if g := opts.GracePeriodSeconds; g != nil && *g < 0 {
		zero := int64(0)
		opts.GracePeriodSeconds = &zero
	}
	return opts, nil
}

func (c *call) delete() error {
	opts, err := c.deleteOptions()
	if err != nil {
		return err
	}
	obj, code, err := c.deleteOne(c.ri.name, opts)
	if err != nil {
		return err
	}
	return c.respond(code, obj)
}

// deleteOne deletes name now, or marks it for deletion when a grace period or finalizers apply.
// It returns the resulting stored object and 200 (deleted) or 202 (pending).
func (c *call) deleteOne(name string, opts *metav1.DeleteOptions) (runtime.Object, int, error) {
	dry, err := deleteDryRun(c.r, opts)
	if err != nil {
		return nil, 0, err
	}
	ctx, key := c.r.Context(), c.res.key(c.ri.namespace, name)
	cur, err := c.res.store.Get(ctx, key)
	if err != nil {
		return nil, 0, storageError(err, c.res.gr, name)
	}
	if err := checkPreconditions(cur, opts.Preconditions); err != nil {
		return nil, 0, storageError(err, c.res.gr, name)
	}
	grace := c.gracePeriod(cur, opts)
	if grace == 0 && !c.needsFinalizing(cur, opts) {
		if dry {
			return cur, http.StatusOK, nil
		}
		out, err := c.res.store.Delete(ctx, key, func(o runtime.Object) error { return checkPreconditions(o, opts.Preconditions) })
		c.deleted(out)
		return out, http.StatusOK, storageError(err, c.res.gr, name)
	}
	mark := func(o runtime.Object) (runtime.Object, error) {
		o = o.DeepCopyObject()
		return o, c.markDeleting(o, grace, opts)
	}
	if dry {
		out, err := mark(cur)
		return out, http.StatusAccepted, err
	}
	out, err := c.res.store.GuaranteedUpdate(ctx, key, mark)
	if err != nil {
		return nil, 0, storageError(err, c.res.gr, name)
	}
	if finalized(out) {
		out, err = c.res.store.Delete(ctx, key, sameRV(out))
		c.deleted(out)
		return out, http.StatusOK, storageError(err, c.res.gr, name)
	}
	return out, http.StatusAccepted, nil
}

// deleteDryRun reports whether a delete is a dry run: dryRun=All in the query or in the
// DeleteOptions body (where client-go sends it).
func deleteDryRun(r *http.Request, opts *metav1.DeleteOptions) (bool, error) {
	if dry, err := dryRun(r); err != nil || dry {
		return dry, err
	}
	switch v := opts.DryRun; {
	case len(v) == 0:
		return false, nil
	case len(v) == 1 && v[0] == metav1.DryRunAll:
		return true, nil
	default:
		return false, badRequest("dryRun must be \"All\", got %q", v)
	}
}

func checkPreconditions(obj runtime.Object, p *metav1.Preconditions) error {
	if p == nil {
		return nil
	}
	acc, _ := meta.Accessor(obj)
	if p.UID != nil && *p.UID != acc.GetUID() {
		return storage.Conflictf("Precondition failed: UID in precondition: %v, UID in object meta: %v", *p.UID, acc.GetUID())
	}
	if p.ResourceVersion != nil && *p.ResourceVersion != acc.GetResourceVersion() {
		return storage.Conflictf("Precondition failed: ResourceVersion in precondition: %v, ResourceVersion in object meta: %v", *p.ResourceVersion, acc.GetResourceVersion())
	}
	return nil
}

// gracePeriod is the grace period of a delete: pods bound to a node and still running get
// one (the request's, else the pod's terminationGracePeriodSeconds); everything else none.
func (c *call) gracePeriod(obj runtime.Object, opts *metav1.DeleteOptions) int64 {
	pod, ok := obj.(*corev1.Pod)
	if !ok || pod.Spec.NodeName == "" || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return 0
	}
	g := int64(corev1.DefaultTerminationGracePeriodSeconds)
	if pod.Spec.TerminationGracePeriodSeconds != nil {
		g = *pod.Spec.TerminationGracePeriodSeconds
	}
	if opts.GracePeriodSeconds != nil {
		g = *opts.GracePeriodSeconds
	}
	if cur := pod.DeletionGracePeriodSeconds; cur != nil && *cur < g {
		g = *cur
	}
	return g
}

func (c *call) needsFinalizing(obj runtime.Object, opts *metav1.DeleteOptions) bool {
	acc, _ := meta.Accessor(obj)
	if len(acc.GetFinalizers()) > 0 || policyFinalizer(opts) != "" {
		return true
	}
	ns, ok := obj.(*corev1.Namespace)
	return ok && len(ns.Spec.Finalizers) > 0
}

func policyFinalizer(opts *metav1.DeleteOptions) string {
	if opts.PropagationPolicy == nil {
		return ""
	}
	switch *opts.PropagationPolicy {
	case metav1.DeletePropagationForeground:
		return metav1.FinalizerDeleteDependents
	case metav1.DeletePropagationOrphan:
		return metav1.FinalizerOrphanDependents
	}
	return ""
}

// markDeleting sets the deletion timestamp and grace period, and the propagation finalizer.
func (c *call) markDeleting(obj runtime.Object, grace int64, opts *metav1.DeleteOptions) error {
	acc, err := meta.Accessor(obj)
	if err != nil {
		return err
	}
	now := c.s.cfg.Clock.Now()
	if acc.GetDeletionTimestamp() == nil || grace < ptrOr(acc.GetDeletionGracePeriodSeconds(), grace+1) {
		ts := metav1.NewTime(now.Add(secondsDur(grace)).Truncate(1e9))
		acc.SetDeletionTimestamp(&ts)
		acc.SetDeletionGracePeriodSeconds(&grace)
	}
	if f := policyFinalizer(opts); f != "" && !slices.Contains(acc.GetFinalizers(), f) && acc.GetDeletionTimestamp() != nil {
		acc.SetFinalizers(append(acc.GetFinalizers(), f))
	}
	if ns, ok := obj.(*corev1.Namespace); ok {
		ns.Status.Phase = corev1.NamespaceTerminating
	}
	return nil
}

func (c *call) deleteCollection() error {
	opts, err := c.deleteOptions()
	if err != nil {
		return err
	}
	sel, err := parseSelectors(c.res, c.r.URL.Query())
	if err != nil {
		return err
	}
	res, err := c.res.store.List(c.r.Context(), c.res.key(c.ri.namespace, ""), storage.ListOptions{Filter: sel.filter()})
	if err != nil {
		return storageError(err, c.res.gr, "")
	}
	var deleted []runtime.Object
	for _, it := range res.Items {
		acc, _ := meta.Accessor(it)
		sub := *c
		sub.ri.namespace = acc.GetNamespace()
		obj, _, err := sub.deleteOne(acc.GetName(), opts)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		deleted = append(deleted, obj)
	}
	list, err := c.buildList(&storage.ListResult{Items: deleted, Revision: res.Revision})
	if err != nil {
		return err
	}
	out, err := c.transform(list)
	if err != nil {
		return err
	}
	c.s.write(c.w, http.StatusOK, out, c.out)
	return nil
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

func ptrOr(p *int64, def int64) int64 {
	if p == nil {
		return def
	}
	return *p
}

func secondsDur(s int64) time.Duration { return time.Duration(s) * time.Second }
