package deployment

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/rand"
)

// templateHash returns the pod-template-hash of a pod template: an FNV-32a hash of the
// template (as JSON, whose map keys are sorted), salted with collisionCount when set, encoded
// with rand.SafeEncodeString so it is a valid label value without vowels.
func templateHash(t *corev1.PodTemplateSpec, collisionCount *int32) string {
	h := fnv.New32a()
	b, err := json.Marshal(t)
	if err != nil {
		panic(fmt.Sprintf("marshal pod template: %v", err)) // a typed struct always marshals
	}
	h.Write(b)
	if collisionCount != nil {
		h.Write(binary.LittleEndian.AppendUint32(nil, uint32(*collisionCount)))
	}
	return rand.SafeEncodeString(fmt.Sprint(h.Sum32()))
}
