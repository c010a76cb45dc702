package printers

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// testNow is the reference time of every test table.
func testNow() time.Time {
	return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
}

// ago is the time d before testNow.
func ago(d time.Duration) metav1.Time {
	return metav1.NewTime(testNow().Add(-d))
}

// agoPtr is ago as a pointer.
func agoPtr(d time.Duration) *metav1.Time {
	t := ago(d)
	return &t
}

// objMeta is the metadata of an object created d before testNow.
func objMeta(name string, d time.Duration) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: "default", CreationTimestamp: ago(d)}
}

func ptr[T any](v T) *T { return &v }

// rowCells converts obj and returns the cells of its single row, failing
// the test unless the row has as many cells as the table has columns.
func rowCells(t *testing.T, obj runtime.Object) []any {
	t.Helper()
	table, err := Table(obj, testNow())
	if err != nil {
		t.Fatalf("Table: %v", err)
	}
	if len(table.Rows) != 1 {
		t.Fatalf("got %d rows, want 1", len(table.Rows))
	}
	cells := table.Rows[0].Cells
	if len(cells) != len(table.ColumnDefinitions) {
		t.Fatalf("got %d cells for %d columns", len(cells), len(table.ColumnDefinitions))
	}
	return cells
}
