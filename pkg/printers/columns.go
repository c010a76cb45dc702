package printers

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Column types used in TableColumnDefinition.Type, as upstream.
const (
	typeString  = "string"
	typeInteger = "integer"
	typeBoolean = "boolean"
)

// objectMetaDoc returns the API documentation of an ObjectMeta field.
func objectMetaDoc(field string) string {
	return metav1.ObjectMeta{}.SwaggerDoc()[field]
}

// nameColumn is the NAME column every printer starts with.
func nameColumn() metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: "Name", Type: typeString, Format: "name", Description: objectMetaDoc("name")}
}

// ageColumn is the AGE column: the time since creation.
func ageColumn() metav1.TableColumnDefinition {
	return col("Age", typeString, objectMetaDoc("creationTimestamp"))
}

// col is a column shown by default.
func col(name, typ, description string) metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: name, Type: typ, Description: description}
}

// wide is a column kubectl shows only with -o wide (priority 1).
func wide(name, typ, description string) metav1.TableColumnDefinition {
	return metav1.TableColumnDefinition{Name: name, Type: typ, Description: description, Priority: 1}
}

// containerColumns are the wide CONTAINERS and IMAGES columns of workload
// controllers.
func containerColumns() []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		wide("Containers", typeString, "Names of each container in the template."),
		wide("Images", typeString, "Images referenced by each container in the template."),
	}
}

// templateColumns are containerColumns followed by a wide SELECTOR column.
func templateColumns(selectorDoc string) []metav1.TableColumnDefinition {
	return append(containerColumns(), wide("Selector", typeString, selectorDoc))
}
