package apiserver

import (
	"net/http"
	"strconv"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"skiff/pkg/storage"
)

func (c *call) get() error {
	if c.ri.subresource == "scale" {
		return c.getScale()
	}
	obj, err := c.res.store.Get(c.r.Context(), c.res.key(c.ri.namespace, c.ri.name))
	if err != nil {
		return storageError(err, c.res.gr, c.ri.name)
	}
	return c.respond(http.StatusOK, obj)
}

// respond converts a stored object to the served version and writes it in the negotiated form.
func (c *call) respond(code int, stored runtime.Object) error {
	obj, err := c.res.toServed(stored)
	if err != nil {
		return err
	}
	out, err := c.transform(obj)
	if err != nil {
		return err
	}
	c.s.write(c.w, code, out, c.out)
	return nil
}

func (c *call) list() error {
	q := c.r.URL.Query()
	sel, err := parseSelectors(c.res, q)
	if err != nil {
		return err
	}
	opts := storage.ListOptions{Continue: q.Get("continue"), Filter: sel.filter()}
	if l := q.Get("limit"); l != "" {
		if opts.Limit, err = strconv.ParseInt(l, 10, 64); err != nil || opts.Limit < 0 {
			return badRequest("limit must be a non-negative integer, got %q", l)
		}
	}
	if rv := q.Get("resourceVersion"); rv != "" && rv != "0" && q.Get("resourceVersionMatch") == string(metav1.ResourceVersionMatchExact) {
		if opts.Revision, err = strconv.ParseInt(rv, 10, 64); err != nil {
			return badRequest("invalid resourceVersion %q", rv)
		}
	}
	if opts.Continue != "" && q.Get("resourceVersion") != "" && q.Get("resourceVersion") != "0" {
		return badRequest("specifying resource version is not allowed when using continue")
	}
	res, err := c.res.store.List(c.r.Context(), c.res.key(c.ri.namespace, ""), opts)
	if err != nil {
		return storageError(err, c.res.gr, "")
	}
	list, err := c.buildList(res)
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

func (c *call) buildList(res *storage.ListResult) (runtime.Object, error) {
	list := c.res.newList()
	items := make([]runtime.Object, 0, len(res.Items))
	for _, it := range res.Items {
		obj, err := c.res.toServed(it)
		if err != nil {
			return nil, err
		}
		obj.GetObjectKind().SetGroupVersionKind(schemaEmpty)
		items = append(items, obj)
	}
	if err := meta.SetList(list, items); err != nil {
		return nil, err
	}
	lm, err := meta.ListAccessor(list)
	if err != nil {
		return nil, err
	}
	lm.SetResourceVersion(strconv.FormatInt(res.Revision, 10))
	lm.SetContinue(res.Continue)
	if res.Remaining != nil {
		lm.SetRemainingItemCount(res.Remaining)
	}
	list.GetObjectKind().SetGroupVersionKind(c.res.gvk.GroupVersion().WithKind(c.res.spec.kind + "List"))
	return list, nil
}
