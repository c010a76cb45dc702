package printers

import (
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

// none is what kubectl prints for an absent value.
const none = "<none>"

// age formats the time elapsed from t to now the way kubectl does
// (5s, 3m20s, 10m, 5h, 2d3h, 45d, 2y), or "<unknown>" for a zero time.
func age(t metav1.Time, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t.Time))
}

// microAge is age for a MicroTime.
func microAge(t metav1.MicroTime, now time.Time) string {
	return age(metav1.Time(t), now)
}

// containerCells joins the names and the images of containers with commas.
func containerCells(containers []corev1.Container) (names, images string) {
	n := make([]string, len(containers))
	i := make([]string, len(containers))
	for k, c := range containers {
		n[k], i[k] = c.Name, c.Image
	}
	return strings.Join(n, ","), strings.Join(i, ",")
}

// templateCells are the CONTAINERS, IMAGES and SELECTOR cells of a workload.
func templateCells(spec corev1.PodSpec, selector *metav1.LabelSelector) []any {
	names, images := containerCells(spec.Containers)
	return []any{names, images, metav1.FormatLabelSelector(selector)}
}

// truncatedList joins list with commas, adding " + N more..." when total
// exceeds the items shown, and "<unset>" when empty, like kubectl.
func truncatedList(list []string, total int) string {
	s := strings.Join(list, ",")
	if total > len(list) {
		return fmt.Sprintf("%s + %d more...", s, total-len(list))
	}
	if s == "" {
		return "<unset>"
	}
	return s
}

// orNone returns s, or "<none>" when s is empty.
func orNone(s string) string {
	if s == "" {
		return none
	}
	return s
}

// boolString formats an optional boolean as True, False or <unset>.
func boolString(b *bool) string {
	switch {
	case b == nil:
		return "<unset>"
	case *b:
		return "True"
	default:
		return "False"
	}
}

// replicasOrDefault returns *r, or 1 (the API default) when r is nil.
func replicasOrDefault(r *int32) int64 {
	if r == nil {
		return 1
	}
	return int64(*r)
}
