package kubelet

import (
	"sort"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/types"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// podRuntime is what the CRI runtime holds for one pod UID: its sandboxes and containers,
// newest first. It is a snapshot; the sync of the pod never changes it.
type podRuntime struct {
	UID             types.UID
	Name, Namespace string
	Sandboxes       []*sandboxState
	Containers      []*containerState
}

// sandboxState is one sandbox as CRI reports it.
type sandboxState struct {
	ID        string
	Attempt   uint32
	Ready     bool
	CreatedAt time.Time
	IPs       []string
}

// containerState is one container as CRI reports it.
type containerState struct {
	ID, Name, SandboxID string
	RestartCount        int
	State               runtimeapi.ContainerState
	CreatedAt           time.Time
	StartedAt           time.Time
	FinishedAt          time.Time
	ExitCode            int32
	Reason, Message     string
	Image, ImageRef     string
	Hash                string
	LogPath             string
	MessagePath         string
	GracePeriod         int64
}

// Running reports whether the container is running.
func (c *containerState) Running() bool {
	return c.State == runtimeapi.ContainerState_CONTAINER_RUNNING
}

// Exited reports whether the container has exited.
func (c *containerState) Exited() bool { return c.State == runtimeapi.ContainerState_CONTAINER_EXITED }

// newContainerState fills a containerState from a CRI status.
func newContainerState(st *runtimeapi.ContainerStatus, sandboxID string) *containerState {
	rc, _ := strconv.Atoi(st.Annotations[AnnotationRestartCount])
	grace, err := strconv.ParseInt(st.Annotations[AnnotationTerminationGrace], 10, 64)
	if err != nil {
		grace = 30
	}
	return &containerState{
		ID: st.Id, Name: st.Labels[LabelContainerName], SandboxID: sandboxID, RestartCount: rc, State: st.State,
		CreatedAt: nanoTime(st.CreatedAt), StartedAt: nanoTime(st.StartedAt), FinishedAt: nanoTime(st.FinishedAt),
		ExitCode: st.ExitCode, Reason: st.Reason, Message: st.Message, Image: st.Image.GetImage(), ImageRef: st.ImageRef,
		Hash: st.Annotations[AnnotationContainerHash], LogPath: st.LogPath,
		MessagePath: st.Annotations[AnnotationTerminationMessagePath], GracePeriod: grace,
	}
}

func nanoTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// sortNewestFirst orders sandboxes and containers newest first (ties by ID, descending).
func (r *podRuntime) sortNewestFirst() {
	sort.Slice(r.Sandboxes, func(i, j int) bool {
		a, b := r.Sandboxes[i], r.Sandboxes[j]
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.After(b.CreatedAt)
		}
		return a.ID > b.ID
	})
	sort.Slice(r.Containers, func(i, j int) bool {
		a, b := r.Containers[i], r.Containers[j]
		if a.RestartCount != b.RestartCount {
			return a.RestartCount > b.RestartCount
		}
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.After(b.CreatedAt)
		}
		return a.ID > b.ID
	})
}

// sandbox is the newest sandbox, or nil.
func (r *podRuntime) sandbox() *sandboxState {
	if r == nil || len(r.Sandboxes) == 0 {
		return nil
	}
	return r.Sandboxes[0]
}

// instances lists the containers named name, newest first.
func (r *podRuntime) instances(name string) []*containerState {
	if r == nil {
		return nil
	}
	var out []*containerState
	for _, c := range r.Containers {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// latest is the newest container named name, or nil.
func (r *podRuntime) latest(name string) *containerState {
	if in := r.instances(name); len(in) > 0 {
		return in[0]
	}
	return nil
}

// previous is the container named name before the newest one, or nil.
func (r *podRuntime) previous(name string) *containerState {
	if in := r.instances(name); len(in) > 1 {
		return in[1]
	}
	return nil
}

// running lists the running containers.
func (r *podRuntime) running() []*containerState {
	if r == nil {
		return nil
	}
	var out []*containerState
	for _, c := range r.Containers {
		if c.Running() || c.State == runtimeapi.ContainerState_CONTAINER_CREATED {
			out = append(out, c)
		}
	}
	return out
}

// empty reports whether CRI holds nothing for the pod.
func (r *podRuntime) empty() bool { return r == nil || len(r.Sandboxes) == 0 && len(r.Containers) == 0 }

// fingerprint summarizes the IDs and states, to detect changes between relists.
func (r *podRuntime) fingerprint() string {
	s := ""
	for _, sb := range r.Sandboxes {
		s += sb.ID + ":" + strconv.FormatBool(sb.Ready) + ","
	}
	for _, c := range r.Containers {
		s += c.ID + ":" + c.State.String() + ","
	}
	return s
}
