package apiserver

import (
	"fmt"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"skiff/pkg/printers"
)

var schemaEmpty = schema.GroupVersionKind{}

// transform turns a served object or list into what the client asked for with Accept's as=:
// a Table, PartialObjectMetadata(List), or the object itself.
func (c *call) transform(obj runtime.Object) (runtime.Object, error) {
	switch c.out.as {
	case "Table":
		return c.table(obj)
	case "PartialObjectMetadata", "PartialObjectMetadataList":
		return c.partial(obj)
	}
	return obj, nil
}

func (c *call) metaGV() schema.GroupVersion {
	return schema.GroupVersion{Group: "meta.k8s.io", Version: c.out.asVersion}
}

func (c *call) table(obj runtime.Object) (runtime.Object, error) {
	t, err := printers.Table(obj, c.s.cfg.Clock.Now())
	if err != nil {
		return nil, err
	}
	include := c.r.URL.Query().Get("includeObject")
	for i := range t.Rows {
		row := &t.Rows[i]
		src := row.Object.Object
		row.Object = runtime.RawExtension{}
		switch {
		case src == nil || include == string(metav1.IncludeNone):
		case include == string(metav1.IncludeObject):
			setGVK(src, c.res.gvk)
			row.Object.Object = src
		default:
			pm, err := c.partialOf(src)
			if err != nil {
				return nil, err
			}
			row.Object.Object = pm
		}
	}
	if lm, err := meta.ListAccessor(obj); err == nil {
		t.ResourceVersion, t.Continue, t.RemainingItemCount = lm.GetResourceVersion(), lm.GetContinue(), lm.GetRemainingItemCount()
	}
	t.SetGroupVersionKind(c.metaGV().WithKind("Table"))
	return t, nil
}

func (c *call) partialOf(obj runtime.Object) (*metav1.PartialObjectMetadata, error) {
	ma, ok := obj.(metav1.ObjectMetaAccessor)
	if !ok {
		return nil, fmt.Errorf("%T has no object metadata", obj)
	}
	om, ok := ma.GetObjectMeta().(*metav1.ObjectMeta)
	if !ok {
		return nil, fmt.Errorf("%T has no object metadata", obj)
	}
	pm := &metav1.PartialObjectMetadata{ObjectMeta: *om.DeepCopy()}
	pm.SetGroupVersionKind(c.metaGV().WithKind("PartialObjectMetadata"))
	return pm, nil
}

func (c *call) partial(obj runtime.Object) (runtime.Object, error) {
	if !meta.IsListType(obj) {
		return c.partialOf(obj)
	}
	items, err := meta.ExtractList(obj)
	if err != nil {
		return nil, err
	}
	out := &metav1.PartialObjectMetadataList{}
	for _, it := range items {
		pm, err := c.partialOf(it)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, *pm)
	}
	lm, _ := meta.ListAccessor(obj)
	out.ResourceVersion, out.Continue, out.RemainingItemCount = lm.GetResourceVersion(), lm.GetContinue(), lm.GetRemainingItemCount()
	out.SetGroupVersionKind(c.metaGV().WithKind("PartialObjectMetadataList"))
	return out, nil
}
