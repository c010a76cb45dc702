package printers

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Table converts one object or a list (e.g. *corev1.PodList,
// *appsv1.DeploymentList) into a Table with one row per object.
//
// Each row's Object.Object is set to the source item (for lists, a pointer
// into the list's Items); the API server later replaces it according to
// includeObject. now is the reference time for AGE-like columns. Types
// without a dedicated printer get the default columns Name and Created At,
// like upstream; an object that has no object metadata is an error.
// The table's TypeMeta is left empty for the caller's encoder, and its
// ListMeta carries the resourceVersion (and continue token and remaining
// item count for lists) of the source. Table does not modify obj.
func Table(obj runtime.Object, now time.Time) (*metav1.Table, error) {
	if obj == nil {
		return nil, fmt.Errorf("convert to table: nil object")
	}
	if meta.IsListType(obj) {
		return listTable(obj, now)
	}
	p := printerFor(obj)
	row, err := p.row(obj, now)
	if err != nil {
		return nil, err
	}
	table := &metav1.Table{ColumnDefinitions: p.columns, Rows: []metav1.TableRow{row}}
	if m, err := meta.Accessor(obj); err == nil {
		table.ResourceVersion = m.GetResourceVersion()
	}
	return table, nil
}

// listTable converts every item of a list with the printer of its item type.
func listTable(list runtime.Object, now time.Time) (*metav1.Table, error) {
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil, fmt.Errorf("convert list to table: %w", err)
	}
	p := printerFor(itemPrototype(list, items))
	table := &metav1.Table{ColumnDefinitions: p.columns, Rows: make([]metav1.TableRow, 0, len(items))}
	for _, item := range items {
		row, err := p.row(item, now)
		if err != nil {
			return nil, err
		}
		table.Rows = append(table.Rows, row)
	}
	if m, err := meta.ListAccessor(list); err == nil {
		table.ResourceVersion = m.GetResourceVersion()
		table.Continue = m.GetContinue()
		table.RemainingItemCount = m.GetRemainingItemCount()
	}
	return table, nil
}
