package openapi

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/cached"
	"k8s.io/kube-openapi/pkg/spec3"
)

// addGroupVersion registers the v3 document of gv with the v3 service; the
// document is rendered once, on first use.
func (s *Spec) addGroupVersion(gv schema.GroupVersion) {
	path := gvPath(gv)
	if _, ok := s.groupVersions[path]; ok {
		return
	}
	s.groupVersions[path] = gv
	doc := cached.Once(cached.Func(func() (*spec3.OpenAPI, string, error) {
		return v3Document(gv, s.defs, s.routes), path, nil
	}))
	s.v3.UpdateGroupVersionLazy(path, doc)
}
