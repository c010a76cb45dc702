package volumes

import (
	"fmt"
	"os"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"skiff/pkg/kubelet/envvars"
)

// defaultMode is the file mode of configMap, secret, downwardAPI and projected files when the
// volume sets none (upstream's 0644).
const defaultMode = int32(0o644)

func modeOr(m *int32, def int32) int32 {
	if m != nil {
		return *m
	}
	return def
}

// keyPayload is upstream's MakePayload for configMap and secret volumes: every key (or the
// listed items) with the item's mode or mode. A listed key that is absent fails unless
// optional; what names the kind in the error ("configmap references non-existent config key").
func keyPayload(data map[string][]byte, items []v1.KeyToPath, mode int32, optional bool, missing string) (map[string]file, error) {
	out := map[string]file{}
	if len(items) == 0 {
		for k, d := range data {
			out[k] = file{Data: d, Mode: os.FileMode(mode)}
		}
		return out, nil
	}
	for _, it := range items {
		d, ok := data[it.Key]
		if !ok {
			if optional {
				continue
			}
			return nil, fmt.Errorf("%s: %s", missing, it.Key)
		}
		out[it.Path] = file{Data: d, Mode: os.FileMode(modeOr(it.Mode, mode))}
	}
	return out, nil
}

// configMapPayload reads the ConfigMap (an absent optional one is empty).
func (m *Manager) configMapPayload(ns string, src *v1.ConfigMapProjection, mode int32) (map[string]file, error) {
	optional := src.Optional != nil && *src.Optional
	cm, err := m.src.ConfigMap(ns, src.Name)
	if err != nil {
		if apierrors.IsNotFound(err) && optional {
			return map[string]file{}, nil
		}
		return nil, err
	}
	data := make(map[string][]byte, len(cm.Data)+len(cm.BinaryData))
	for k, v := range cm.Data {
		data[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		data[k] = v
	}
	return keyPayload(data, src.Items, mode, optional, "configmap references non-existent config key")
}

// secretPayload reads the Secret (an absent optional one is empty).
func (m *Manager) secretPayload(ns string, src *v1.SecretProjection, mode int32) (map[string]file, error) {
	optional := src.Optional != nil && *src.Optional
	s, err := m.src.Secret(ns, src.Name)
	if err != nil {
		if apierrors.IsNotFound(err) && optional {
			return map[string]file{}, nil
		}
		return nil, err
	}
	return keyPayload(s.Data, src.Items, mode, optional, "references non-existent secret key")
}

// downwardAPIPayload resolves each item's fieldRef or resourceFieldRef.
func downwardAPIPayload(pod *v1.Pod, f envvars.Facts, items []v1.DownwardAPIVolumeFile, mode int32) (map[string]file, error) {
	out := map[string]file{}
	for _, it := range items {
		var val string
		var err error
		switch {
		case it.FieldRef != nil:
			val, err = envvars.ResolveFieldRef(pod, f, it.FieldRef.FieldPath)
		case it.ResourceFieldRef != nil:
			val, err = envvars.ResolveResourceFieldRef(pod, it.ResourceFieldRef.ContainerName, it.ResourceFieldRef, f)
		}
		if err != nil {
			return nil, fmt.Errorf("downward API item %q: %w", it.Path, err)
		}
		out[it.Path] = file{Data: []byte(val), Mode: os.FileMode(modeOr(it.Mode, mode))}
	}
	return out, nil
}

// projectedPayload merges the sources in order. serviceAccountToken (and clusterTrustBundle,
// podCertificate) sources write nothing: Skiff does not issue bound tokens to pods yet.
func (m *Manager) projectedPayload(pod *v1.Pod, f envvars.Facts, p *v1.ProjectedVolumeSource) (map[string]file, error) {
	mode := modeOr(p.DefaultMode, defaultMode)
	out := map[string]file{}
	for _, s := range p.Sources {
		var part map[string]file
		var err error
		switch {
		case s.ConfigMap != nil:
			part, err = m.configMapPayload(pod.Namespace, s.ConfigMap, mode)
		case s.Secret != nil:
			part, err = m.secretPayload(pod.Namespace, s.Secret, mode)
		case s.DownwardAPI != nil:
			part, err = downwardAPIPayload(pod, f, s.DownwardAPI.Items, mode)
		}
		if err != nil {
			return nil, err
		}
		for k, v := range part {
			out[k] = v
		}
	}
	return out, nil
}
