package apiserver

import (
	"encoding/json"
	"net/http"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"skiff/pkg/storage"
)

func statusSuccess(code int) *metav1.Status {
	return &metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusSuccess, Code: int32(code)}
}

// bind serves POST pods/NAME/binding: it assigns an unbound pod to a node.
func (c *call) bind() error {
	data, err := readBody(c.r)
	if err != nil {
		return err
	}
	d, err := c.s.decode(c.r, data, coreV1.WithKind("Binding"), &corev1.Binding{})
	if err != nil {
		return err
	}
	b := d.obj.(*corev1.Binding)
	if b.Name != "" && b.Name != c.ri.name {
		return badRequest("the name of the binding (%s) does not match the pod (%s)", b.Name, c.ri.name)
	}
	if b.Target.Kind != "" && b.Target.Kind != "Node" || b.Target.Name == "" {
		return badRequest("binding target must be a Node with a name")
	}
	if dry, err := dryRun(c.r); err != nil || dry {
		return err
	}
	now := metav1.NewTime(c.s.cfg.Clock.Now().Truncate(1e9))
	_, err = c.res.store.GuaranteedUpdate(c.r.Context(), c.res.key(c.ri.namespace, c.ri.name), func(cur runtime.Object) (runtime.Object, error) {
		pod := cur.DeepCopyObject().(*corev1.Pod)
		if pod.DeletionTimestamp != nil {
			return nil, storage.Conflictf("pod %s is being deleted, cannot be assigned to a host", pod.Name)
		}
		if pod.Spec.NodeName != "" {
			return nil, storage.Conflictf("pod %s is already assigned to node %q", pod.Name, pod.Spec.NodeName)
		}
		if b.UID != "" && b.UID != pod.UID {
			return nil, storage.Conflictf("Precondition failed: UID in precondition: %v, UID in object meta: %v", b.UID, pod.UID)
		}
		pod.Spec.NodeName = b.Target.Name
		setPodCondition(pod, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now})
		for k, v := range b.Annotations {
			metav1.SetMetaDataAnnotation(&pod.ObjectMeta, k, v)
		}
		return pod, nil
	})
	if err != nil {
		return storageError(err, c.res.gr, c.ri.name)
	}
	writeJSON(c.w, http.StatusCreated, statusSuccess(http.StatusCreated))
	return nil
}

func setPodCondition(pod *corev1.Pod, cond corev1.PodCondition) {
	for i, c := range pod.Status.Conditions {
		if c.Type == cond.Type {
			pod.Status.Conditions[i] = cond
			return
		}
	}
	pod.Status.Conditions = append(pod.Status.Conditions, cond)
}

// evict serves POST pods/NAME/eviction: a graceful delete of the pod.
func (c *call) evict() error {
	data, err := readBody(c.r)
	if err != nil {
		return err
	}
	d, err := c.s.decode(c.r, data, policyV1.WithKind("Eviction"), &policyv1.Eviction{})
	if err != nil {
		return err
	}
	ev := d.obj.(*policyv1.Eviction)
	opts := ev.DeleteOptions
	if opts == nil {
		opts = &metav1.DeleteOptions{}
	}
	if _, _, err := c.deleteOne(c.ri.name, opts); err != nil {
		return err
	}
	writeJSON(c.w, http.StatusCreated, statusSuccess(http.StatusCreated))
	return nil
}

// scaleOf builds the autoscaling/v1 Scale of a workload.
func scaleOf(obj runtime.Object) (*autoscalingv1.Scale, error) {
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	acc, _ := meta.Accessor(obj)
	spec, _, _ := unstructured.NestedInt64(u, "spec", "replicas")
	status, _, _ := unstructured.NestedInt64(u, "status", "replicas")
	sc := &autoscalingv1.Scale{
		TypeMeta:   metav1.TypeMeta{Kind: "Scale", APIVersion: "autoscaling/v1"},
		ObjectMeta: metav1.ObjectMeta{Name: acc.GetName(), Namespace: acc.GetNamespace(), UID: acc.GetUID(), ResourceVersion: acc.GetResourceVersion(), CreationTimestamp: acc.GetCreationTimestamp()},
		Spec:       autoscalingv1.ScaleSpec{Replicas: int32(spec)},
		Status:     autoscalingv1.ScaleStatus{Replicas: int32(status)},
	}
	if sel, ok, _ := unstructured.NestedMap(u, "spec", "selector"); ok {
		ls := &metav1.LabelSelector{}
		if runtime.DefaultUnstructuredConverter.FromUnstructured(sel, ls) == nil {
			if s, err := metav1.LabelSelectorAsSelector(ls); err == nil {
				sc.Status.Selector = s.String()
			}
		}
	}
	return sc, nil
}

func (c *call) getScale() error {
	obj, err := c.res.store.Get(c.r.Context(), c.res.key(c.ri.namespace, c.ri.name))
	if err != nil {
		return storageError(err, c.res.gr, c.ri.name)
	}
	sc, err := scaleOf(obj)
	if err != nil {
		return err
	}
	c.s.write(c.w, http.StatusOK, sc, c.out)
	return nil
}

// updateScale serves PUT (apply nil: the body is a Scale) and PATCH of the scale subresource.
func (c *call) updateScale(apply func([]byte, runtime.Object) ([]byte, error)) error {
	var body *autoscalingv1.Scale
	if apply == nil {
		data, err := readBody(c.r)
		if err != nil {
			return err
		}
		d, err := c.s.decode(c.r, data, autoscalingv1.SchemeGroupVersion.WithKind("Scale"), &autoscalingv1.Scale{})
		if err != nil {
			return err
		}
		body = d.obj.(*autoscalingv1.Scale)
	}
	mutate := func(cur runtime.Object) (runtime.Object, error) {
		sc, err := scaleOf(cur)
		if err != nil {
			return nil, err
		}
		want := body
		if apply != nil {
			if want, err = patchScale(sc, apply); err != nil {
				return nil, err
			}
		}
		if want.ResourceVersion != "" && want.ResourceVersion != sc.ResourceVersion {
			return nil, storage.Conflictf("the object has been modified; please apply your changes to the latest version and try again")
		}
		return setReplicas(cur, want.Spec.Replicas)
	}
	sub := *c
	sub.ri.subresource = ""
	out, err := sub.commitObj(mutate, true)
	if err != nil {
		return err
	}
	sc, err := scaleOf(out)
	if err != nil {
		return err
	}
	c.s.write(c.w, http.StatusOK, sc, c.out)
	return nil
}

func patchScale(sc *autoscalingv1.Scale, apply func([]byte, runtime.Object) ([]byte, error)) (*autoscalingv1.Scale, error) {
	doc, err := json.Marshal(sc)
	if err != nil {
		return nil, err
	}
	patched, err := apply(doc, &autoscalingv1.Scale{})
	if err != nil {
		return nil, unprocessable(sc.GroupVersionKind().GroupKind(), sc.Name, err)
	}
	out := &autoscalingv1.Scale{}
	if err := json.Unmarshal(patched, out); err != nil {
		return nil, badRequest("the patched Scale is invalid: %v", err)
	}
	return out, nil
}

func setReplicas(obj runtime.Object, n int32) (runtime.Object, error) {
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	if err := unstructured.SetNestedField(u, int64(n), "spec", "replicas"); err != nil {
		return nil, err
	}
	out := obj.DeepCopyObject()
	return out, runtime.DefaultUnstructuredConverter.FromUnstructured(u, out)
}
