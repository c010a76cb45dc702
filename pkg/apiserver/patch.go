package apiserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"sigs.k8s.io/yaml"

	"skiff/pkg/storage"
)

func (c *call) patch() error {
	pt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	data, err := readBody(c.r)
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return badRequest("the patch body is empty")
	}
	if types.PatchType(pt) == types.ApplyPatchType || pt == "application/apply-patch+cbor" {
		return c.apply(data)
	}
	apply, err := c.patcher(types.PatchType(pt), data)
	if err != nil {
		return err
	}
	if c.ri.subresource == "scale" {
		return c.updateScale(apply)
	}
	return c.commit(func(cur runtime.Object) (runtime.Object, error) {
		return c.patchObject(cur, apply)
	}, true)
}

// patcher returns the function applying a JSON, merge or strategic merge patch to a JSON document.
func (c *call) patcher(pt types.PatchType, data []byte) (func(doc []byte, dataStruct runtime.Object) ([]byte, error), error) {
	switch pt {
	case types.JSONPatchType:
		p, err := jsonpatch.DecodePatch(data)
		if err != nil {
			return nil, badRequest("invalid JSON patch: %v", err)
		}
		return func(doc []byte, _ runtime.Object) ([]byte, error) { return p.Apply(doc) }, nil
	case types.MergePatchType:
		if !json.Valid(data) {
			return nil, badRequest("invalid merge patch: the body is not JSON")
		}
		return func(doc []byte, _ runtime.Object) ([]byte, error) { return jsonpatch.MergePatch(doc, data) }, nil
	case types.StrategicMergePatchType:
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, badRequest("invalid strategic merge patch: %v", err)
		}
		return func(doc []byte, ds runtime.Object) ([]byte, error) {
			return strategicpatch.StrategicMergePatch(doc, data, ds)
		}, nil
	}
	return nil, unsupportedMediaType(string(pt))
}

// patchObject applies a patch to cur (served version) and decodes the result.
func (c *call) patchObject(cur runtime.Object, apply func([]byte, runtime.Object) ([]byte, error)) (runtime.Object, error) {
	cur.GetObjectKind().SetGroupVersionKind(c.res.gvk)
	doc, err := json.Marshal(cur)
	if err != nil {
		return nil, err
	}
	patched, err := apply(doc, c.res.newObj())
	if err != nil {
		return nil, unprocessable(c.res.gvk.GroupKind(), c.ri.name, fmt.Errorf("the patch could not be applied: %w", err))
	}
	d, err := c.s.decodeJSON(c.r, patched, c.res.gvk, c.res.newObj())
	if err != nil {
		return nil, err
	}
	addWarnings(c.w, d.warnings)
	return d.obj, nil
}

// apply serves a server-side apply patch: it creates the object when absent.
func (c *call) apply(data []byte) error {
	q := c.r.URL.Query()
	mgr := q.Get("fieldManager")
	if mgr == "" {
		return badRequest("PATCH requests with the apply content type must set the fieldManager parameter")
	}
	force := q.Get("force") == "true"
	patch := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(data, &patch.Object); err != nil {
		return badRequest("the apply patch is not valid YAML or JSON: %v", err)
	}
	if patch.Object == nil {
		return badRequest("the apply patch is empty")
	}
	if err := checkGVK(patch.GroupVersionKind(), c.res.gvk); err != nil {
		return err
	}
	if patch.GetName() != "" && patch.GetName() != c.ri.name {
		return badRequest("the name of the object (%s) does not match the name on the URL (%s)", patch.GetName(), c.ri.name)
	}
	fm := c.res.managers[c.ri.subresource]
	mutate := func(cur runtime.Object) (runtime.Object, error) {
		out, err := fm.Apply(cur, patch, mgr, force)
		return out, applyError(err)
	}
	_, err := c.res.store.Get(c.r.Context(), c.res.key(c.ri.namespace, c.ri.name))
	if errors.Is(err, storage.ErrNotFound) && c.ri.subresource == "" {
		return c.applyCreate(mutate)
	}
	return c.commit(mutate, false)
}

func (c *call) applyCreate(mutate mutation) error {
	empty := c.res.newObj()
	acc, _ := meta.Accessor(empty)
	acc.SetName(c.ri.name)
	acc.SetNamespace(c.ri.namespace)
	obj, err := mutate(empty)
	if err != nil {
		return err
	}
	obj, err = c.prepareCreate(obj, false)
	if err != nil {
		return err
	}
	return c.store(obj)
}

func applyError(err error) error {
	var st apierrors.APIStatus
	if err == nil || errors.As(err, &st) {
		return err
	}
	return apierrors.NewBadRequest(err.Error())
}
