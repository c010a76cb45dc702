package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestNodeDeploymentServesHTTP: the pods of a Deployment run on real containerd with distinct
// pod IPs that answer HTTP from the host through the CNI bridge.
func TestNodeDeploymentServesHTTP(t *testing.T) {
	c, cs := nodeCluster(t), nodeClient(t)
	ns := c.namespace(t, "node-deploy")
	c.must(t, webDeployment, "apply", "-n", ns, "-f", "-")
	var pods []corev1.Pod
	eventually(t, 90*time.Second, "3 pods Running and Ready", func() (bool, string) {
		list, err := cs.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "app=web"})
		if err != nil {
			return false, err.Error()
		}
		pods = list.Items
		n := 0
		for i := range pods {
			if running(&pods[i]) && podReady(&pods[i]) && pods[i].Status.PodIP != "" {
				n++
			}
		}
		return n == 3 && len(pods) == 3, fmt.Sprintf("%d of %d ready", n, len(pods))
	})
	ips := map[string]bool{}
	for _, p := range pods {
		if ips[p.Status.PodIP] {
			t.Errorf("pod IP %s given twice", p.Status.PodIP)
		}
		ips[p.Status.PodIP] = true
		if p.Spec.NodeName != nodeName || p.Status.HostIP == "" {
			t.Errorf("pod %s: node %q hostIP %q", p.Name, p.Spec.NodeName, p.Status.HostIP)
		}
		body := getWithRetry(t, fmt.Sprintf("http://%s:8080/hostname", p.Status.PodIP))
		if strings.TrimSpace(body) != p.Name {
			t.Errorf("GET %s/hostname = %q, want %q", p.Status.PodIP, body, p.Name)
		}
	}
}

const envPod = `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {greeting: hello, color: blue}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Pod
metadata:
  name: env
  labels: {app: envtest}
  annotations: {note: kept}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: localhost/busybox:1.35
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.2; done"]
    resources:
      limits: {memory: 64Mi}
    env:
    - {name: PLAIN, value: plain-value}
    - {name: EXPANDED, value: "$(PLAIN)-x"}
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: POD_NAMESPACE
      valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    - name: NODE_NAME
      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
    - name: APP_LABEL
      valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}
    - name: MEM_LIMIT_MI
      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
    - name: GREETING
      valueFrom: {configMapKeyRef: {name: cfg, key: greeting}}
    - name: PASSWORD
      valueFrom: {secretKeyRef: {name: sec, key: password}}
    envFrom:
    - prefix: CM_
      configMapRef: {name: cfg}
    - secretRef: {name: sec}
    volumeMounts:
    - {name: cfg, mountPath: /etc/cfg}
    - {name: sec, mountPath: /etc/sec}
    - {name: podinfo, mountPath: /etc/podinfo}
  volumes:
  - name: cfg
    configMap: {name: cfg}
  - name: sec
    secret: {secretName: sec}
  - name: podinfo
    downwardAPI:
      items:
      - path: labels
        fieldRef: {fieldPath: metadata.labels}
      - path: annotations
        fieldRef: {fieldPath: metadata.annotations}
      - path: name
        fieldRef: {fieldPath: metadata.name}
      - path: mem_limit
        resourceFieldRef: {containerName: main, resource: limits.memory, divisor: 1Mi}
`

// TestNodeEnvAndVolumes: env (value, fieldRef, resourceFieldRef, configMap and secret keys,
// envFrom), configMap, secret and downwardAPI volumes are visible inside the container, and a
// ConfigMap update reaches the mounted file.
func TestNodeEnvAndVolumes(t *testing.T) {
	c, cs := nodeCluster(t), nodeClient(t)
	ns := c.namespace(t, "node-env")
	c.must(t, envPod, "apply", "-n", ns, "-f", "-")
	p := waitPod(t, cs, ns, "env", 60*time.Second, "running", running)

	env := map[string]string{}
	for _, line := range strings.Split(c.must(t, "", "exec", "-n", ns, "env", "--", "env"), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	want := map[string]string{
		"PLAIN": "plain-value", "EXPANDED": "plain-value-x", "POD_NAME": "env", "POD_NAMESPACE": ns,
		"POD_IP": p.Status.PodIP, "NODE_NAME": nodeName, "APP_LABEL": "envtest", "MEM_LIMIT_MI": "64",
		"GREETING": "hello", "PASSWORD": "s3cret", "CM_greeting": "hello", "CM_color": "blue", "password": "s3cret",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("env %s = %q, want %q", k, env[k], v)
		}
	}
	files := map[string]string{
		"/etc/cfg/greeting":        "hello",
		"/etc/cfg/color":           "blue",
		"/etc/sec/password":        "s3cret",
		"/etc/podinfo/name":        "env",
		"/etc/podinfo/labels":      `app="envtest"`,
		"/etc/podinfo/annotations": `note="kept"`,
		"/etc/podinfo/mem_limit":   "64",
	}
	for path, want := range files {
		if got := c.must(t, "", "exec", "-n", ns, "env", "--", "cat", path); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", path, got, want)
		}
	}

	c.must(t, "", "patch", "-n", ns, "configmap", "cfg", "--type=merge", "-p", `{"data":{"greeting":"bonjour"}}`)
	eventually(t, 90*time.Second, "ConfigMap update in the mounted file", func() (bool, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, errOut, err := c.kubectl(ctx, "", "exec", "-n", ns, "env", "--", "cat", "/etc/cfg/greeting")
		return err == nil && out == "bonjour", out + errOut
	})
}
