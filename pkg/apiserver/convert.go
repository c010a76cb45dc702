package apiserver

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// converter maps objects between a served version and the storage version of one resource.
type converter struct {
	toServed func(runtime.Object) (runtime.Object, error)
	toStored func(runtime.Object) (runtime.Object, error)
}

func newConverter(served, stored schema.GroupVersionKind) (*converter, error) {
	c, ok := conversions(served, stored)
	if !ok {
		return nil, fmt.Errorf("no conversion from %v to %v", served, stored)
	}
	return c, nil
}
