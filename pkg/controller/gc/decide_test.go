package gc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func refs(uids ...types.UID) []metav1.OwnerReference {
	var out []metav1.OwnerReference
	for _, u := range uids {
		out = append(out, metav1.OwnerReference{UID: u, Name: string(u)})
	}
	return out
}

func TestDecideDependent(t *testing.T) {
	tests := []struct {
		name       string
		refs       []metav1.OwnerReference
		states     map[types.UID]ownerState
		finalizers []string
		hasDeps    bool
		want       dependentPlan
	}{
		{"no owners", nil, nil, nil, false, dependentPlan{}},
		{"solid owner", refs("a"), map[types.UID]ownerState{"a": ownerSolid}, nil, false, dependentPlan{}},
		{"absent owner", refs("a"), map[types.UID]ownerState{"a": ownerAbsent}, nil, false,
			dependentPlan{verb: doDelete, policy: metav1.DeletePropagationBackground}},
		{"absent owner, own orphan finalizer", refs("a"), map[types.UID]ownerState{"a": ownerAbsent}, []string{"orphan"}, false,
			dependentPlan{verb: doDelete, policy: metav1.DeletePropagationOrphan}},
		{"one solid one absent", refs("a", "b"), map[types.UID]ownerState{"a": ownerSolid, "b": ownerAbsent}, nil, false,
			dependentPlan{verb: doRemoveRefs, uids: []types.UID{"b"}}},
		{"one solid one waiting", refs("a", "b"), map[types.UID]ownerState{"a": ownerSolid, "b": ownerWaiting}, nil, true,
			dependentPlan{verb: doRemoveRefs, uids: []types.UID{"b"}}},
		{"waiting owner, leaf", refs("a"), map[types.UID]ownerState{"a": ownerWaiting}, nil, false,
			dependentPlan{verb: doDelete, policy: metav1.DeletePropagationBackground}},
		{"waiting owner, has dependents", refs("a"), map[types.UID]ownerState{"a": ownerWaiting}, nil, true,
			dependentPlan{verb: doDelete, policy: metav1.DeletePropagationForeground}},
		{"waiting and absent", refs("a", "b"), map[types.UID]ownerState{"a": ownerWaiting, "b": ownerAbsent}, nil, false,
			dependentPlan{verb: doDelete, policy: metav1.DeletePropagationBackground}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decideDependent(tt.refs, tt.states, tt.finalizers, tt.hasDeps)
			if d := cmp.Diff(tt.want, got, cmp.AllowUnexported(dependentPlan{})); d != "" {
				t.Errorf("plan (-want +got):\n%s", d)
			}
		})
	}
}

func TestPhaseOf(t *testing.T) {
	now := metav1.Now()
	tests := []struct {
		name string
		obj  metav1.ObjectMeta
		want ownerPhase
	}{
		{"live", metav1.ObjectMeta{Finalizers: []string{"orphan"}}, ownerIdle},
		{"deleting, no gc finalizer", metav1.ObjectMeta{DeletionTimestamp: &now, Finalizers: []string{"x"}}, ownerIdle},
		{"orphaning", metav1.ObjectMeta{DeletionTimestamp: &now, Finalizers: []string{"orphan"}}, ownerOrphaning},
		{"foreground", metav1.ObjectMeta{DeletionTimestamp: &now, Finalizers: []string{"foregroundDeletion"}}, ownerForeground},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := phaseOf(&tt.obj); got != tt.want {
				t.Errorf("phaseOf = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestForegroundDone(t *testing.T) {
	yes, no := true, false
	dep := func(b *bool) metav1.Object {
		return &metav1.ObjectMeta{OwnerReferences: []metav1.OwnerReference{{UID: "o", BlockOwnerDeletion: b}}}
	}
	tests := []struct {
		name string
		deps []metav1.Object
		want bool
	}{
		{"none", nil, true},
		{"non-blocking only", []metav1.Object{dep(nil), dep(&no)}, true},
		{"one blocking", []metav1.Object{dep(&no), dep(&yes)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := foregroundDone("o", tt.deps); got != tt.want {
				t.Errorf("foregroundDone = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWithoutRefs(t *testing.T) {
	got := withoutRefs(refs("a", "b", "c"), []types.UID{"b"})
	if d := cmp.Diff(refs("a", "c"), got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
