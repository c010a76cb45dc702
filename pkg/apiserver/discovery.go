package apiserver

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// groupVersions returns the served group versions in discovery order, group by group.
func (s *Server) groupVersions() (groups []string, versions map[string][]string) {
	versions = map[string][]string{}
	for _, r := range s.resources {
		g := r.spec.gv.Group
		if _, ok := versions[g]; !ok {
			groups = append(groups, g)
		}
		if !slices.Contains(versions[g], r.spec.gv.Version) {
			versions[g] = append(versions[g], r.spec.gv.Version)
		}
	}
	return groups, versions
}

func preferred(group string, versions []string) string {
	if v, ok := preferredVersions[group]; ok {
		return v
	}
	return versions[0]
}

func (s *Server) serverAddresses() []metav1.ServerAddressByClientCIDR {
	if s.cfg.ExternalAddress == "" {
		return nil
	}
	return []metav1.ServerAddressByClientCIDR{{ClientCIDR: "0.0.0.0/0", ServerAddress: s.cfg.ExternalAddress}}
}

func wantsAggregated(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "as=APIGroupDiscoveryList")
}

func (s *Server) serveDiscoveryRoot(w http.ResponseWriter, r *http.Request) {
	legacy := strings.HasPrefix(r.URL.Path, "/api") && !strings.HasPrefix(r.URL.Path, "/apis")
	if wantsAggregated(r) && strings.Contains(r.Header.Get("Accept"), "v=v2;") {
		s.serveAggregated(w, legacy)
		return
	}
	if legacy {
		writeJSON(w, http.StatusOK, &metav1.APIVersions{TypeMeta: metav1.TypeMeta{Kind: "APIVersions"}, Versions: []string{"v1"}, ServerAddressByClientCIDRs: s.serverAddresses()})
		return
	}
	groups, versions := s.groupVersions()
	list := &metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}}
	for _, g := range groups {
		if g != "" {
			list.Groups = append(list.Groups, s.apiGroup(g, versions[g]))
		}
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) apiGroup(g string, versions []string) metav1.APIGroup {
	grp := metav1.APIGroup{TypeMeta: metav1.TypeMeta{Kind: "APIGroup", APIVersion: "v1"}, Name: g, ServerAddressByClientCIDRs: s.serverAddresses()}
	for _, v := range versions {
		grp.Versions = append(grp.Versions, metav1.GroupVersionForDiscovery{GroupVersion: g + "/" + v, Version: v})
	}
	p := preferred(g, versions)
	grp.PreferredVersion = metav1.GroupVersionForDiscovery{GroupVersion: g + "/" + p, Version: p}
	return grp
}

// resourceList is the discovery document of one group version (nil if not served).
func (s *Server) resourceList(group, version string) *metav1.APIResourceList {
	var list *metav1.APIResourceList
	for _, r := range s.resources {
		if r.spec.gv.Group != group || r.spec.gv.Version != version {
			continue
		}
		if list == nil {
			list = &metav1.APIResourceList{TypeMeta: metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}, GroupVersion: r.spec.gv.String()}
		}
		list.APIResources = append(list.APIResources, metav1.APIResource{
			Name: r.spec.resource, SingularName: strings.ToLower(r.spec.kind), Namespaced: r.spec.namespaced,
			Kind: r.spec.kind, Verbs: r.verbs(), ShortNames: r.spec.short, Categories: r.spec.categories,
		})
		for _, sub := range r.spec.subresources {
			kind, verbs := subresourceKind(r, sub)
			list.APIResources = append(list.APIResources, metav1.APIResource{Name: r.spec.resource + "/" + sub, Namespaced: r.spec.namespaced, Kind: kind.Kind, Group: kind.Group, Version: kind.Version, Verbs: verbs})
		}
	}
	return list
}

func (s *Server) serveAggregated(w http.ResponseWriter, legacy bool) {
	groups, versions := s.groupVersions()
	out := &apidiscoveryv2.APIGroupDiscoveryList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupDiscoveryList", APIVersion: "apidiscovery.k8s.io/v2"}}
	for _, g := range groups {
		if (g == "") != legacy {
			continue
		}
		gd := apidiscoveryv2.APIGroupDiscovery{ObjectMeta: metav1.ObjectMeta{Name: g}}
		vs := versions[g]
		p := preferred(g, vs)
		ordered := append([]string{p}, slices.DeleteFunc(slices.Clone(vs), func(v string) bool { return v == p })...)
		for _, v := range ordered {
			gd.Versions = append(gd.Versions, s.versionDiscovery(g, v))
		}
		out.Items = append(out.Items, gd)
	}
	w.Header().Set("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
	w.WriteHeader(http.StatusOK)
	json.NewEncoder(w).Encode(out)
}

func (s *Server) versionDiscovery(g, v string) apidiscoveryv2.APIVersionDiscovery {
	vd := apidiscoveryv2.APIVersionDiscovery{Version: v, Freshness: apidiscoveryv2.DiscoveryFreshnessCurrent}
	for _, r := range s.resources {
		if r.spec.gv.Group != g || r.spec.gv.Version != v {
			continue
		}
		scope := apidiscoveryv2.ScopeCluster
		if r.spec.namespaced {
			scope = apidiscoveryv2.ScopeNamespace
		}
		rd := apidiscoveryv2.APIResourceDiscovery{
			Resource: r.spec.resource, ResponseKind: &metav1.GroupVersionKind{Group: g, Version: v, Kind: r.spec.kind},
			Scope: scope, SingularResource: strings.ToLower(r.spec.kind), Verbs: r.verbs(), ShortNames: r.spec.short, Categories: r.spec.categories,
		}
		for _, sub := range r.spec.subresources {
			kind, verbs := subresourceKind(r, sub)
			rd.Subresources = append(rd.Subresources, apidiscoveryv2.APISubresourceDiscovery{Subresource: sub, ResponseKind: &metav1.GroupVersionKind{Group: kind.Group, Version: kind.Version, Kind: kind.Kind}, Verbs: verbs})
		}
		vd.Resources = append(vd.Resources, rd)
	}
	return vd
}
