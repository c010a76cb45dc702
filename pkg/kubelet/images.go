package kubelet

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/distribution/reference"
	"google.golang.org/grpc/status"
	v1 "k8s.io/api/core/v1"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// ensureImage makes c's image present per its imagePullPolicy, as upstream: Never requires it
// present (ErrImageNeverPull), IfNotPresent pulls when absent, Always pulls. A failed pull shows
// ErrImagePull, and ImagePullBackOff while its back-off (per pod and image) runs; retry is when
// the back-off ends.
func (k *Kubelet) ensureImage(ctx context.Context, pod *v1.Pod, c *v1.Container) (*waiting, time.Duration) {
	spec := &runtimeapi.ImageSpec{Image: c.Image, UserSpecifiedImage: c.Image}
	policy := pullPolicy(c)
	present := false
	if policy != v1.PullAlways {
		st, err := k.images.ImageStatus(ctx, &runtimeapi.ImageStatusRequest{Image: spec})
		if err != nil {
			return &waiting{"ErrImageInspect", fmt.Sprintf("Failed to inspect image %q: %v", c.Image, grpcMessage(err))}, 0
		}
		present = st.Image != nil
	}
	switch {
	case present:
		k.recorder.Eventf(pod, v1.EventTypeNormal, "Pulled", "Container image %q already present on machine", c.Image)
		return nil, 0
	case policy == v1.PullNever:
		msg := fmt.Sprintf("Container image %q is not present with pull policy of Never", c.Image)
		k.recorder.Event(pod, v1.EventTypeWarning, "ErrImageNeverPull", msg)
		return &waiting{"ErrImageNeverPull", msg}, 0
	}
	key := string(pod.UID) + "/" + c.Image
	now := k.cfg.Clock.Now()
	if k.pullBackoff.IsInBackOffSinceUpdate(key, now) {
		msg := fmt.Sprintf("Back-off pulling image %q", c.Image)
		k.recorder.Event(pod, v1.EventTypeNormal, "BackOff", msg)
		return &waiting{"ImagePullBackOff", msg}, k.pullBackoff.Get(key)
	}
	k.recorder.Eventf(pod, v1.EventTypeNormal, "Pulling", "Pulling image %q", c.Image)
	if err := k.pull(ctx, pod, spec); err != nil {
		k.pullBackoff.Next(key, now)
		msg := fmt.Sprintf("Failed to pull image %q: %v", c.Image, grpcMessage(err))
		k.recorder.Event(pod, v1.EventTypeWarning, "Failed", msg)
		k.recorder.Eventf(pod, v1.EventTypeWarning, "Failed", "Error: ErrImagePull")
		return &waiting{"ErrImagePull", msg}, min(time.Second, k.pullBackoff.Get(key)/2)
	}
	k.recorder.Eventf(pod, v1.EventTypeNormal, "Pulled", "Successfully pulled image %q in %s", c.Image, k.cfg.Clock.Since(now).Round(time.Millisecond))
	return nil, 0
}

// pullPolicy is c's policy, defaulted as the API does: Always for :latest or untagged images.
func pullPolicy(c *v1.Container) v1.PullPolicy {
	if c.ImagePullPolicy != "" {
		return c.ImagePullPolicy
	}
	if ref, err := reference.ParseNormalizedNamed(c.Image); err == nil {
		if t, ok := ref.(reference.Tagged); ok && t.Tag() != "latest" {
			return v1.PullIfNotPresent
		}
		if _, ok := ref.(reference.Digested); ok {
			return v1.PullIfNotPresent
		}
	}
	return v1.PullAlways
}

// pull pulls spec, trying each matching credential of the pod's imagePullSecrets, then none.
func (k *Kubelet) pull(ctx context.Context, pod *v1.Pod, spec *runtimeapi.ImageSpec) error {
	var err error
	for _, auth := range k.pullAuths(pod, spec.Image) {
		if _, err = k.images.PullImage(ctx, &runtimeapi.PullImageRequest{Image: spec, Auth: auth}); err == nil {
			return nil
		}
	}
	return err
}

// pullAuths lists the credentials for image from pod's dockerconfigjson/dockercfg pull secrets,
// then nil (anonymous).
func (k *Kubelet) pullAuths(pod *v1.Pod, image string) []*runtimeapi.AuthConfig {
	host := "docker.io"
	if ref, err := reference.ParseNormalizedNamed(image); err == nil {
		host = reference.Domain(ref)
	}
	var out []*runtimeapi.AuthConfig
	for _, ref := range pod.Spec.ImagePullSecrets {
		s, err := k.objects.Secret(pod.Namespace, ref.Name)
		if err != nil {
			continue
		}
		out = append(out, dockerAuths(s, host)...)
	}
	return append(out, nil)
}

// dockerConfigEntry is one registry entry of a docker config.
type dockerConfigEntry struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Auth     string `json:"auth"`
}

// dockerAuths extracts credentials for host from a pull secret.
func dockerAuths(s *v1.Secret, host string) []*runtimeapi.AuthConfig {
	var entries map[string]dockerConfigEntry
	switch s.Type {
	case v1.SecretTypeDockerConfigJson:
		var cfg struct {
			Auths map[string]dockerConfigEntry `json:"auths"`
		}
		if json.Unmarshal(s.Data[v1.DockerConfigJsonKey], &cfg) != nil {
			return nil
		}
		entries = cfg.Auths
	case v1.SecretTypeDockercfg:
		if json.Unmarshal(s.Data[v1.DockerConfigKey], &entries) != nil {
			return nil
		}
	}
	var out []*runtimeapi.AuthConfig
	for key, e := range entries {
		if registryHost(key) != host && !(host == "docker.io" && registryHost(key) == "index.docker.io") {
			continue
		}
		a := &runtimeapi.AuthConfig{Username: e.Username, Password: e.Password, ServerAddress: key}
		if e.Auth != "" {
			if dec, err := base64.StdEncoding.DecodeString(e.Auth); err == nil {
				if u, p, ok := strings.Cut(string(dec), ":"); ok {
					a.Username, a.Password = u, p
				}
			}
		}
		out = append(out, a)
	}
	return out
}

// registryHost reduces a docker config key ("https://host/v1/", "host") to its host.
func registryHost(key string) string {
	key = strings.TrimPrefix(strings.TrimPrefix(key, "https://"), "http://")
	host, _, _ := strings.Cut(key, "/")
	return host
}

// grpcMessage is err's gRPC status message (or its text).
func grpcMessage(err error) string {
	if st, ok := status.FromError(err); ok {
		return st.Message()
	}
	return err.Error()
}
