package apiserver

import (
	"reflect"
	"slices"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"skiff/pkg/defaults"
)

// prepareForCreate resets what clients may not set on create: the status of objects that own a
// status subresource (nodes keep theirs: the kubelet reports it at registration).
func prepareForCreate(obj runtime.Object) {
	switch o := obj.(type) {
	case *corev1.Namespace:
		defaults.NamespaceFinalizer(o)
	case *corev1.Node, *corev1.Event, *corev1.Endpoints:
	case *corev1.Pod:
		o.Status = corev1.PodStatus{Phase: corev1.PodPending}
	case *batchv1.Job:
		o.Status = batchv1.JobStatus{}
		defaults.JobSelector(o)
	default:
		setField(obj, "Status", reflect.Value{})
	}
}

// setField sets the named struct field of obj to v (the zero value when v is invalid).
func setField(obj runtime.Object, name string, v reflect.Value) bool {
	rv := reflect.ValueOf(obj)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return false
	}
	f := rv.Elem().FieldByName(name)
	if !f.IsValid() || !f.CanSet() {
		return false
	}
	if !v.IsValid() {
		v = reflect.Zero(f.Type())
	}
	f.Set(v)
	return true
}

func getField(obj runtime.Object, name string) reflect.Value {
	rv := reflect.ValueOf(obj)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return rv.Elem().FieldByName(name)
}

// copyStatus sets dst's Status to src's (a deep copy).
func copyStatus(dst, src runtime.Object) {
	sv := getField(src.DeepCopyObject(), "Status")
	if sv.IsValid() {
		setField(dst, "Status", sv)
	}
}

// specChanged reports whether anything but metadata and status differs between two objects.
func specChanged(a, b runtime.Object) bool {
	a, b = a.DeepCopyObject(), b.DeepCopyObject()
	for _, o := range []runtime.Object{a, b} {
		setField(o, "TypeMeta", reflect.Value{})
		setField(o, "ObjectMeta", reflect.Value{})
		setField(o, "Status", reflect.Value{})
	}
	return !apiequality.Semantic.DeepEqual(a, b)
}

func validationRequired(path, msg string) field.ErrorList {
	return field.ErrorList{field.Required(field.NewPath(path), msg)}
}

// normalize folds write-only input fields into their stored form, as upstream's conversion does:
// a Secret's stringData is merged into data.
func normalize(obj runtime.Object) {
	if sec, ok := obj.(*corev1.Secret); ok && len(sec.StringData) > 0 {
		if sec.Data == nil {
			sec.Data = map[string][]byte{}
		}
		for k, v := range sec.StringData {
			sec.Data[k] = []byte(v)
		}
		sec.StringData = nil
	}
}

// keepAllocated carries server-allocated fields an update leaves empty, and drops those the new
// type no longer uses when the update carried them over unchanged, as upstream: a Service's
// cluster IPs (kept while both types need one), node ports, health check node port and
// externalTrafficPolicy.
func keepAllocated(next, cur runtime.Object) {
	n, ok := next.(*corev1.Service)
	c, ok2 := cur.(*corev1.Service)
	if !ok || !ok2 {
		return
	}
	keepClusterIP(&n.Spec, &c.Spec, needsClusterIP(n), needsClusterIP(c))
	nodePorts, hadNodePorts := needsNodePorts(n), needsNodePorts(c)
	for i := range n.Spec.Ports {
		np := &n.Spec.Ports[i]
		for _, cp := range c.Spec.Ports {
			switch {
			case nodePorts && hadNodePorts && np.NodePort == 0 && cp.Port == np.Port && cp.Protocol == np.Protocol:
				np.NodePort = cp.NodePort
			case !nodePorts && np.NodePort != 0 && np.NodePort == cp.NodePort:
				np.NodePort = 0
			}
		}
	}
	external := n.Spec.Type == corev1.ServiceTypeNodePort || n.Spec.Type == corev1.ServiceTypeLoadBalancer || len(n.Spec.ExternalIPs) > 0
	if !external && n.Spec.ExternalTrafficPolicy == c.Spec.ExternalTrafficPolicy {
		n.Spec.ExternalTrafficPolicy = ""
	}
	hc, hadHC := needsHealthCheckPort(n), needsHealthCheckPort(c)
	switch {
	case hc && hadHC && n.Spec.HealthCheckNodePort == 0:
		n.Spec.HealthCheckNodePort = c.Spec.HealthCheckNodePort
	case !hc && n.Spec.HealthCheckNodePort == c.Spec.HealthCheckNodePort:
		n.Spec.HealthCheckNodePort = 0
	}
}

// keepClusterIP keeps the allocated cluster IP(s) an update omits while the Service still needs
// one, and drops them (with the IP families) when it changes to ExternalName.
func keepClusterIP(n, c *corev1.ServiceSpec, needs, had bool) {
	switch {
	case needs && had && n.ClusterIP == "" && len(n.ClusterIPs) == 0:
		n.ClusterIP, n.ClusterIPs = c.ClusterIP, c.ClusterIPs
	case n.Type == corev1.ServiceTypeExternalName && c.Type != corev1.ServiceTypeExternalName:
		if n.ClusterIP == c.ClusterIP {
			n.ClusterIP, n.ClusterIPs = "", nil
		}
		if slices.Equal(n.IPFamilies, c.IPFamilies) {
			n.IPFamilies, n.IPFamilyPolicy = nil, nil
		}
	}
}
