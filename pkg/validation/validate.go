package validation

import (
	"fmt"
	"reflect"

	"k8s.io/apimachinery/pkg/api/meta"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

var metadataPath = field.NewPath("metadata")

// ValidateCreate returns the field errors of a new object, metadata included.
// namespaced tells whether the resource is namespaced (metadata.namespace is
// required) or cluster-scoped (metadata.namespace must be empty). An empty
// name is reported as "name or generateName is required": the server fills
// the name from generateName before calling it. For Jobs, the server must
// have called defaults.JobSelector first. The result is nil when obj is
// valid.
func ValidateCreate(obj runtime.Object, namespaced bool) field.ErrorList {
	m, err := meta.Accessor(obj)
	if err != nil {
		return field.ErrorList{field.InternalError(metadataPath, err)}
	}
	errs := apivalidation.ValidateObjectMetaAccessor(m, namespaced, nameRule(obj), metadataPath)
	errs = append(errs, validateObject(obj)...)
	return nilIfEmpty(errs)
}

// ValidateUpdate validates obj as a replacement of old: the rules of
// ValidateCreate for obj, the metadata update rules (name, namespace, uid and
// creationTimestamp immutable, metadata.resourceVersion required, generation
// not decremented, no new finalizers once deleting) and each type's
// immutable fields. The server sets obj's resourceVersion from the stored
// object before calling it for an unconditional update. obj and old must be
// of the same Go type.
func ValidateUpdate(obj, old runtime.Object, namespaced bool) field.ErrorList {
	if reflect.TypeOf(obj) != reflect.TypeOf(old) {
		return field.ErrorList{field.InternalError(nil, fmt.Errorf("update of %T with a %T", old, obj))}
	}
	errs := ValidateCreate(obj, namespaced)
	newMeta, err := meta.Accessor(obj)
	if err != nil {
		return errs
	}
	oldMeta, err := meta.Accessor(old)
	if err != nil {
		return append(errs, field.InternalError(metadataPath, err))
	}
	errs = append(errs, apivalidation.ValidateObjectMetaAccessorUpdate(newMeta, oldMeta, metadataPath)...)
	errs = append(errs, validateObjectUpdate(obj, old)...)
	return nilIfEmpty(errs)
}

func nilIfEmpty(errs field.ErrorList) field.ErrorList {
	if len(errs) == 0 {
		return nil
	}
	return errs
}
