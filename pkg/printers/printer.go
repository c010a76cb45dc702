package printers

import (
	"fmt"
	"reflect"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// printer knows the columns of one object type and how to fill a row.
type printer struct {
	columns []metav1.TableColumnDefinition
	// row returns the cells (and row conditions) of one object; the
	// caller's Table functions set the row's Object.
	row func(obj runtime.Object, now time.Time) (metav1.TableRow, error)
}

// typed builds a printer for objects of type T from a function that returns
// their cells. The row's Object is set to the object itself.
func typed[T runtime.Object](columns []metav1.TableColumnDefinition, cells func(T, time.Time) []any) printer {
	return printer{columns: columns, row: func(obj runtime.Object, now time.Time) (metav1.TableRow, error) {
		t, ok := obj.(T)
		if !ok {
			return metav1.TableRow{}, fmt.Errorf("convert to table: unexpected type %T", obj)
		}
		return metav1.TableRow{Cells: cells(t, now), Object: runtime.RawExtension{Object: obj}}, nil
	}}
}

// itemPrototype returns an object of the list's item type: the first item,
// or for an empty list a zero value built from the type of its Items field.
// It returns nil when the type cannot be told, or when the items are of
// several types (as in a metav1.List).
func itemPrototype(list runtime.Object, items []runtime.Object) runtime.Object {
	if len(items) > 0 {
		for _, item := range items[1:] {
			if reflect.TypeOf(item) != reflect.TypeOf(items[0]) {
				return nil
			}
		}
		return items[0]
	}
	ptr, err := meta.GetItemsPtr(list)
	if err != nil {
		return nil
	}
	elem := reflect.TypeOf(ptr).Elem().Elem()
	if elem.Kind() != reflect.Struct {
		return nil
	}
	obj, _ := reflect.New(elem).Interface().(runtime.Object)
	return obj
}

// defaultPrinter is upstream's printer for types it knows nothing about:
// the object's name and its creation time in RFC 3339, UTC.
func defaultPrinter() printer {
	columns := []metav1.TableColumnDefinition{
		nameColumn(),
		{Name: "Created At", Type: "date", Description: objectMetaDoc("creationTimestamp")},
	}
	return printer{columns: columns, row: func(obj runtime.Object, _ time.Time) (metav1.TableRow, error) {
		m, err := meta.Accessor(obj)
		if err != nil {
			return metav1.TableRow{}, fmt.Errorf("convert %T to table: %w", obj, err)
		}
		created := m.GetCreationTimestamp().UTC().Format(time.RFC3339)
		return metav1.TableRow{Cells: []any{m.GetName(), created}, Object: runtime.RawExtension{Object: obj}}, nil
	}}
}
