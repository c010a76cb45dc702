package apiserver

import (
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/google/uuid"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"skiff/pkg/defaults"
	"skiff/pkg/validation"
)

func andName(sel fields.Selector, name string) fields.Selector {
	return fields.AndSelectors(sel, fields.OneTermEqualSelector("metadata.name", name))
}

func dryRun(r *http.Request) (bool, error) {
	switch v := r.URL.Query()["dryRun"]; {
	case len(v) == 0:
		return false, nil
	case len(v) == 1 && v[0] == "All":
		return true, nil
	default:
		return false, badRequest("dryRun must be \"All\", got %q", strings.Join(v, ","))
	}
}

// manager returns the field manager name of a write: the fieldManager parameter, or the user agent's program.
func manager(r *http.Request) (string, error) {
	if m := r.URL.Query().Get("fieldManager"); m != "" {
		if len(m) > 128 {
			return "", badRequest("fieldManager is too long: at most 128 characters")
		}
		return m, nil
	}
	ua := r.UserAgent()
	if i := strings.IndexByte(ua, '/'); i > 0 {
		ua = ua[:i]
	}
	if ua == "" {
		ua = "unknown"
	}
	return ua, nil
}

func (c *call) create() error {
	switch c.ri.subresource {
	case "binding":
		return c.bind()
	case "eviction":
		return c.evict()
	}
	data, err := readBody(c.r)
	if err != nil {
		return err
	}
	d, err := c.s.decode(c.r, data, c.res.gvk, c.res.newObj())
	if err != nil {
		return err
	}
	addWarnings(c.w, d.warnings)
	obj, err := c.prepareCreate(d.obj, true)
	if err != nil {
		return err
	}
	return c.store(obj)
}

// prepareCreate fills server-owned metadata, defaults, records managed fields and validates.
func (c *call) prepareCreate(obj runtime.Object, track bool) (runtime.Object, error) {
	acc, err := meta.Accessor(obj)
	if err != nil {
		return nil, err
	}
	if err := c.checkNamespace(acc); err != nil {
		return nil, err
	}
	if acc.GetName() == "" && acc.GetGenerateName() != "" {
		acc.SetName(acc.GetGenerateName() + randSuffix())
	}
	if acc.GetName() == "" {
		return nil, apierrors.NewInvalid(c.res.gvk.GroupKind(), "", validationRequired("metadata.name", "name or generateName is required"))
	}
	acc.SetUID(types.UID(uuid.NewString()))
	acc.SetCreationTimestamp(metav1.NewTime(c.s.cfg.Clock.Now().Truncate(1e9)))
	acc.SetResourceVersion("")
	acc.SetDeletionTimestamp(nil)
	acc.SetDeletionGracePeriodSeconds(nil)
	acc.SetSelfLink("")
	acc.SetGeneration(0)
	if c.res.spec.generation {
		acc.SetGeneration(1)
	}
	prepareForCreate(obj)
	normalize(obj)
	defaults.Default(obj)
	if err := c.s.admitCreate(c.r.Context(), c.res, obj); err != nil {
		return nil, err
	}
	if err := c.s.admitMutate(c.r.Context(), obj); err != nil {
		return nil, err
	}
	if track {
		mgr, err := manager(c.r)
		if err != nil {
			return nil, err
		}
		if obj, err = c.res.managers[""].Update(c.res.newObj(), obj, mgr); err != nil {
			return nil, err
		}
	}
	if errs := validation.ValidateCreate(obj, c.res.spec.namespaced); len(errs) > 0 {
		return nil, apierrors.NewInvalid(c.res.gvk.GroupKind(), acc.GetName(), errs)
	}
	return obj, nil
}

// checkNamespace reconciles the body's namespace with the URL's. As upstream, a cluster-scoped
// object's namespace is cleared rather than refused.
func (c *call) checkNamespace(acc metav1.Object) error {
	if !c.res.spec.namespaced {
		acc.SetNamespace("")
		return nil
	}
	if c.ri.namespace == "" {
		return badRequest("%s is namespaced: the request must name a namespace", c.res.spec.kind)
	}
	if acc.GetNamespace() == "" {
		acc.SetNamespace(c.ri.namespace)
	}
	if acc.GetNamespace() != c.ri.namespace {
		return badRequest("the namespace of the provided object (%s) does not match the namespace sent on the request (%s)", acc.GetNamespace(), c.ri.namespace)
	}
	return nil
}

// store writes a prepared new object (or only returns it on dry run) and answers 201.
func (c *call) store(obj runtime.Object) error {
	dry, err := dryRun(c.r)
	if err != nil {
		return err
	}
	stored, err := c.res.toStored(obj)
	if err != nil {
		return err
	}
	acc, _ := meta.Accessor(obj)
	claimed, err := c.allocate(stored, nil, dry)
	if err != nil {
		return err
	}
	if dry {
		return c.respond(http.StatusCreated, stored)
	}
	created, err := c.res.store.Create(c.r.Context(), c.res.key(acc.GetNamespace(), acc.GetName()), stored)
	if err != nil {
		claimed.undo(c.r.Context())
		return storageError(err, c.res.gr, acc.GetName())
	}
	return c.respond(http.StatusCreated, created)
}

const suffixChars = "bcdfghjklmnpqrstvwxz2456789"

func randSuffix() string {
	b := make([]byte, 5)
	for i := range b {
		b[i] = suffixChars[rand.IntN(len(suffixChars))]
	}
	return string(b)
}
