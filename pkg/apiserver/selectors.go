package apiserver

import (
	"net/url"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
)

// selectors are a request's label and field selectors.
type selectors struct {
	labels labels.Selector
	fields fields.Selector
}

func parseSelectors(res *resource, q url.Values) (selectors, error) {
	ls, err := labels.Parse(q.Get("labelSelector"))
	if err != nil {
		return selectors{}, badRequest("unable to parse labelSelector %q: %v", q.Get("labelSelector"), err)
	}
	fs, err := fields.ParseSelector(q.Get("fieldSelector"))
	if err != nil {
		return selectors{}, badRequest("unable to parse fieldSelector %q: %v", q.Get("fieldSelector"), err)
	}
	supported := fieldSet(res, nil)
	for _, r := range fs.Requirements() {
		if _, ok := supported[r.Field]; !ok {
			return selectors{}, badRequest("field label not supported: %s", r.Field)
		}
	}
	return selectors{labels: ls, fields: fs}, nil
}

// filter returns matches, or nil when both selectors are empty: storage then knows the list is
// unfiltered (it reads in pages of the limit and reports remainingItemCount).
func (s selectors) filter() func(runtime.Object) bool {
	if s.labels.Empty() && s.fields.Empty() {
		return nil
	}
	return s.matches
}

// matches reports whether a stored object passes both selectors.
func (s selectors) matches(obj runtime.Object) bool {
	if s.labels.Empty() && s.fields.Empty() {
		return true
	}
	acc, err := meta.Accessor(obj)
	if err != nil {
		return false
	}
	if !s.labels.Matches(labels.Set(acc.GetLabels())) {
		return false
	}
	return s.fields.Empty() || s.fields.Matches(fieldSet(nil, obj))
}

// fieldSet returns the selectable fields of obj; with a nil obj, the field names res supports.
func fieldSet(res *resource, obj runtime.Object) fields.Set {
	set := fields.Set{"metadata.name": "", "metadata.namespace": ""}
	if obj != nil {
		if acc, err := meta.Accessor(obj); err == nil {
			set["metadata.name"], set["metadata.namespace"] = acc.GetName(), acc.GetNamespace()
		}
	}
	kind := ""
	if res != nil {
		kind = res.spec.gv.Group + "/" + res.spec.kind
	}
	switch o := obj.(type) {
	case *corev1.Pod:
		addPodFields(set, o)
	case *corev1.Event:
		addEventFields(set, o)
	case *corev1.Secret:
		set["type"] = string(o.Type)
	case *corev1.Node:
		set["spec.unschedulable"] = boolStr(o.Spec.Unschedulable)
	case *corev1.Namespace:
		set["status.phase"] = string(o.Status.Phase)
	case nil:
		switch kind {
		case "/Pod":
			addPodFields(set, &corev1.Pod{})
		case "/Event", "events.k8s.io/Event":
			addEventFields(set, &corev1.Event{})
		case "/Secret":
			set["type"] = ""
		case "/Node":
			set["spec.unschedulable"] = ""
		case "/Namespace":
			set["status.phase"] = ""
		}
	}
	return set
}

func addPodFields(set fields.Set, p *corev1.Pod) {
	set["spec.nodeName"] = p.Spec.NodeName
	set["spec.restartPolicy"] = string(p.Spec.RestartPolicy)
	set["spec.schedulerName"] = p.Spec.SchedulerName
	set["spec.serviceAccountName"] = p.Spec.ServiceAccountName
	set["spec.hostNetwork"] = boolStr(p.Spec.HostNetwork)
	set["status.phase"] = string(p.Status.Phase)
	set["status.podIP"] = p.Status.PodIP
	set["status.nominatedNodeName"] = p.Status.NominatedNodeName
}

func addEventFields(set fields.Set, e *corev1.Event) {
	set["involvedObject.kind"] = e.InvolvedObject.Kind
	set["involvedObject.namespace"] = e.InvolvedObject.Namespace
	set["involvedObject.name"] = e.InvolvedObject.Name
	set["involvedObject.uid"] = string(e.InvolvedObject.UID)
	set["involvedObject.apiVersion"] = e.InvolvedObject.APIVersion
	set["involvedObject.resourceVersion"] = e.InvolvedObject.ResourceVersion
	set["involvedObject.fieldPath"] = e.InvolvedObject.FieldPath
	set["reason"] = e.Reason
	set["reportingComponent"] = e.ReportingController
	set["source"] = e.Source.Component
	set["type"] = e.Type
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
