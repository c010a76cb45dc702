package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestTableList(t *testing.T) {
	list := &corev1.NamespaceList{
		ListMeta: metav1.ListMeta{ResourceVersion: "42", Continue: "token", RemainingItemCount: ptr(int64(7))},
		Items: []corev1.Namespace{
			{ObjectMeta: objMeta("default", 48*time.Hour), Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}},
			{ObjectMeta: objMeta("old", 3*time.Hour), Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating}},
		},
	}
	table, err := Table(list, testNow())
	if err != nil {
		t.Fatal(err)
	}
	var cells [][]any
	for i, row := range table.Rows {
		cells = append(cells, row.Cells)
		if row.Object.Object != &list.Items[i] {
			t.Errorf("row %d object is %p, want the list item %p", i, row.Object.Object, &list.Items[i])
		}
	}
	want := [][]any{{"default", "Active", "2d"}, {"old", "Terminating", "3h"}}
	if diff := cmp.Diff(want, cells); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	wantMeta := metav1.ListMeta{ResourceVersion: "42", Continue: "token", RemainingItemCount: ptr(int64(7))}
	if diff := cmp.Diff(wantMeta, table.ListMeta); diff != "" {
		t.Errorf("list meta (-want +got):\n%s", diff)
	}
}

func TestTableSingleObject(t *testing.T) {
	ns := &corev1.Namespace{ObjectMeta: objMeta("dev", 90*time.Second), Status: corev1.NamespaceStatus{Phase: corev1.NamespaceActive}}
	ns.ResourceVersion = "17"
	table, err := Table(ns, testNow())
	if err != nil {
		t.Fatal(err)
	}
	want := &metav1.Table{
		ListMeta:          metav1.ListMeta{ResourceVersion: "17"},
		ColumnDefinitions: namespaceColumns(),
		Rows:              []metav1.TableRow{{Cells: []any{"dev", "Active", "90s"}, Object: runtime.RawExtension{Object: ns}}},
	}
	if diff := cmp.Diff(want, table); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

func TestTableDefaultColumns(t *testing.T) {
	created := metav1.NewTime(time.Date(2025, 5, 30, 8, 15, 0, 0, time.FixedZone("CEST", 2*3600)))
	limits := &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "limits", CreationTimestamp: created}}
	crd := &unstructured.Unstructured{}
	crd.SetAPIVersion("example.com/v1")
	crd.SetKind("Widget")
	crd.SetName("w1")
	crd.SetCreationTimestamp(created)
	tests := []struct {
		name string
		obj  runtime.Object
		want [][]any
	}{
		{"type without printer", limits, [][]any{{"limits", "2025-05-30T06:15:00Z"}}},
		{"list of such types", &corev1.LimitRangeList{Items: []corev1.LimitRange{*limits, *limits}},
			[][]any{{"limits", "2025-05-30T06:15:00Z"}, {"limits", "2025-05-30T06:15:00Z"}}},
		{"unstructured", crd, [][]any{{"w1", "2025-05-30T06:15:00Z"}}},
		{"unstructured list", &unstructured.UnstructuredList{Items: []unstructured.Unstructured{*crd}}, [][]any{{"w1", "2025-05-30T06:15:00Z"}}},
		{"mixed list", &metav1.List{Items: []runtime.RawExtension{{Object: limits}, {Object: crd}}},
			[][]any{{"limits", "2025-05-30T06:15:00Z"}, {"w1", "2025-05-30T06:15:00Z"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			table, err := Table(tc.obj, testNow())
			if err != nil {
				t.Fatal(err)
			}
			wantCols := []metav1.TableColumnDefinition{
				{Name: "Name", Type: "string", Format: "name", Description: objectMetaDoc("name")},
				{Name: "Created At", Type: "date", Description: objectMetaDoc("creationTimestamp")},
			}
			if diff := cmp.Diff(wantCols, table.ColumnDefinitions); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
			var cells [][]any
			for _, row := range table.Rows {
				cells = append(cells, row.Cells)
			}
			if diff := cmp.Diff(tc.want, cells); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTableEmptyListKeepsColumns(t *testing.T) {
	table, err := Table(&corev1.PodList{}, testNow())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(podColumns(), table.ColumnDefinitions); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if table.Rows == nil || len(table.Rows) != 0 {
		t.Errorf("rows = %#v, want an empty, non-nil slice", table.Rows)
	}
}

func TestTableErrors(t *testing.T) {
	tests := []struct {
		name string
		obj  runtime.Object
	}{
		{"nil", nil},
		{"no object metadata", &metav1.Status{Status: "Failure"}},
		{"list item without metadata", &metav1.List{Items: []runtime.RawExtension{{Object: &metav1.Status{}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if table, err := Table(tc.obj, testNow()); err == nil {
				t.Errorf("Table() = %v, want an error", table)
			}
		})
	}
}

func TestAge(t *testing.T) {
	tests := []struct {
		since time.Duration
		want  string
	}{
		{5 * time.Second, "5s"},
		{200 * time.Second, "3m20s"},
		{10 * time.Minute, "10m"},
		{5 * time.Hour, "5h"},
		{51 * time.Hour, "2d3h"},
		{45 * 24 * time.Hour, "45d"},
		{2 * 365 * 24 * time.Hour, "2y"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := age(ago(tc.since), testNow()); got != tc.want {
				t.Errorf("age = %q, want %q", got, tc.want)
			}
		})
	}
	if got := age(metav1.Time{}, testNow()); got != "<unknown>" {
		t.Errorf("age of zero time = %q, want <unknown>", got)
	}
}
