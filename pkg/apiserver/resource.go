package apiserver

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"skiff/pkg/storage"
)

// resource is a served resource with its storage and field managers.
type resource struct {
	spec     resourceSpec
	gvk      schema.GroupVersionKind
	gr       schema.GroupResource
	store    *storage.Store
	storeGVK schema.GroupVersionKind
	// conv converts between the served and the stored version; nil when they are the same.
	conv     *converter
	managers map[string]*managedfields.FieldManager // by subresource ("" main)
	s        *Server
}

func (s *Server) newResource(spec resourceSpec) (*resource, error) {
	if spec.storage.Empty() {
		spec.storage = spec.gv
	}
	r := &resource{spec: spec, s: s, gvk: spec.gv.WithKind(spec.kind), gr: schema.GroupResource{Group: spec.gv.Group, Resource: spec.resource}}
	r.storeGVK = spec.storage.WithKind(spec.kind)
	if !s.scheme.Recognizes(r.gvk) || !s.scheme.Recognizes(r.storeGVK) {
		return nil, fmt.Errorf("kind %v not in scheme", r.gvk)
	}
	if spec.storage != spec.gv {
		c, err := newConverter(r.gvk, r.storeGVK)
		if err != nil {
			return nil, err
		}
		r.conv = c
	}
	ser := protobuf.NewSerializer(s.scheme, s.scheme)
	codec := s.codecs.CodecForVersions(ser, ser, spec.storage, nil)
	r.store = storage.New(s.cfg.Etcd, codec, func() runtime.Object { o, _ := s.scheme.New(r.storeGVK); return o })
	r.managers = map[string]*managedfields.FieldManager{}
	for _, sub := range []string{"", "status"} {
		if sub == "status" && !r.has("status") {
			continue
		}
		fm, err := managedfields.NewDefaultFieldManager(s.typeConv, s.scheme, defaulter{}, s.scheme, r.gvk, r.gvk.GroupVersion(), sub, resetFields(r.gvk.GroupVersion(), sub, r.has("status")))
		if err != nil {
			return nil, fmt.Errorf("field manager: %w", err)
		}
		r.managers[sub] = fm
	}
	return r, nil
}

// resetFields is what a (sub)resource's writes may not own, as upstream's strategies: the main
// resource of a kind with a status subresource does not own status; the status subresource owns
// nothing but status.
func resetFields(gv schema.GroupVersion, sub string, hasStatus bool) map[fieldpath.APIVersion]fieldpath.Filter {
	var reset *fieldpath.Set
	switch {
	case sub == "" && hasStatus:
		reset = fieldpath.NewSet(fieldpath.MakePathOrDie("status"))
	case sub == "status":
		reset = fieldpath.NewSet(fieldpath.MakePathOrDie("metadata"), fieldpath.MakePathOrDie("spec"))
	default:
		return nil
	}
	return map[fieldpath.APIVersion]fieldpath.Filter{fieldpath.APIVersion(gv.String()): fieldpath.NewExcludeSetFilter(reset)}
}

func (r *resource) has(sub string) bool { return slices.Contains(r.spec.subresources, sub) }

// verbs lists the verbs of the main resource for discovery.
func (r *resource) verbs() []string { return mainVerbs }

var mainVerbs = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

// key is the etcd key of an object; prefix (name "") is the key prefix of a namespace or of all.
func (r *resource) key(ns, name string) string {
	k := "/registry/" + r.spec.resource + "/"
	if r.spec.gv.Group != "" && r.spec.storage.Group != "" {
		k = "/registry/" + r.spec.storage.Group + "/" + r.spec.resource + "/"
	}
	if r.spec.namespaced && ns != "" {
		k += ns + "/"
	}
	return k + name
}

func (r *resource) newObj() runtime.Object {
	o, _ := r.s.scheme.New(r.gvk)
	return o
}

func (r *resource) newList() runtime.Object {
	o, _ := r.s.scheme.New(r.gvk.GroupVersion().WithKind(r.spec.kind + "List"))
	return o
}

// toServed converts a stored object to the served version and sets its TypeMeta. It writes to
// obj only when its TypeMeta differs, so objects shared between watchers (decoded by storage with
// the storage version's TypeMeta) stay untouched when that is the served version.
func (r *resource) toServed(obj runtime.Object) (runtime.Object, error) {
	if r.conv != nil {
		var err error
		if obj, err = r.conv.toServed(obj); err != nil {
			return nil, err
		}
	}
	setGVK(obj, r.gvk)
	return obj, nil
}

// setGVK sets obj's TypeMeta to gvk unless it already holds it.
func setGVK(obj runtime.Object, gvk schema.GroupVersionKind) {
	if ok := obj.GetObjectKind(); ok.GroupVersionKind() != gvk {
		ok.SetGroupVersionKind(gvk)
	}
}

// toStored converts a served-version object to the storage version.
func (r *resource) toStored(obj runtime.Object) (runtime.Object, error) {
	if r.conv != nil {
		return r.conv.toStored(obj)
	}
	return obj, nil
}
