package printers

import (
	"time"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func podDisruptionBudgetColumns() []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("Min Available", typeString, "The minimum number of pods that must be available."),
		col("Max Unavailable", typeString, "The maximum number of pods that may be unavailable."),
		col("Allowed Disruptions", typeInteger, "Calculated number of pods that may be disrupted at this time."),
		ageColumn(),
	}
}

func podDisruptionBudgetCells(pdb *policyv1.PodDisruptionBudget, now time.Time) []any {
	return []any{
		pdb.Name, intOrPercent(pdb.Spec.MinAvailable), intOrPercent(pdb.Spec.MaxUnavailable),
		int64(pdb.Status.DisruptionsAllowed), age(pdb.CreationTimestamp, now),
	}
}

// intOrPercent formats an optional count or percentage, N/A when unset.
func intOrPercent(v *intstr.IntOrString) string {
	if v == nil {
		return "N/A"
	}
	return v.String()
}
