package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const app = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: localhost/testserver:v1
        ports:
        - containerPort: 8080
        env:
        - name: MODE
          value: prod
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  color: blue
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: shop
stringData:
  password: hunter2
`

func TestKubectlWorkflow(t *testing.T) {
	out := ok(t, app, "apply", "-f", "-")
	for _, want := range []string{"namespace/shop created", "deployment.apps/web created", "service/web created", "configmap/settings created", "secret/creds created"} {
		if !strings.Contains(out, want) {
			t.Fatalf("apply output misses %q:\n%s", want, out)
		}
	}
	out = ok(t, app, "apply", "-f", "-")
	// As upstream, a Secret applied with stringData is reported "configured" every time (the live
	// object keeps it in data); everything else must be unchanged.
	if strings.Count(out, "unchanged") != 4 || strings.Contains(out, "created") {
		t.Fatalf("second apply should leave the objects unchanged:\n%s", out)
	}

	t.Run("get", func(t *testing.T) {
		out := ok(t, "", "get", "deployments", "-n", "shop")
		if !strings.Contains(out, "READY") || !strings.Contains(out, "UP-TO-DATE") || !strings.Contains(out, "web") {
			t.Fatalf("table output lacks deployment columns:\n%s", out)
		}
		out = ok(t, "", "get", "deployment", "web", "-n", "shop", "-o", "wide")
		if !strings.Contains(out, "SELECTOR") || !strings.Contains(out, "localhost/testserver:v1") {
			t.Fatalf("wide output lacks columns:\n%s", out)
		}
		var d map[string]any
		if err := json.Unmarshal([]byte(ok(t, "", "get", "deployment", "web", "-n", "shop", "-o", "json")), &d); err != nil {
			t.Fatal(err)
		}
		spec := d["spec"].(map[string]any)
		if spec["replicas"].(float64) != 2 || d["metadata"].(map[string]any)["generation"].(float64) != 1 {
			t.Fatalf("unexpected deployment: %v", d)
		}
		if strat := spec["strategy"].(map[string]any); strat["type"] != "RollingUpdate" {
			t.Fatalf("defaults not applied: %v", strat)
		}
		y := ok(t, "", "get", "configmap", "settings", "-n", "shop", "-o", "yaml")
		if !strings.Contains(y, "color: blue") {
			t.Fatalf("yaml output:\n%s", y)
		}
		s := ok(t, "", "get", "secret", "creds", "-n", "shop", "-o", "jsonpath={.data.password}")
		if s != "aHVudGVyMg==" {
			t.Fatalf("stringData not encoded into data: %q", s)
		}
		if out := ok(t, "", "get", "namespaces"); !strings.Contains(out, "kube-system") || !strings.Contains(out, "Active") {
			t.Fatalf("namespaces:\n%s", out)
		}
	})

	t.Run("label-annotate-patch-scale", func(t *testing.T) {
		ok(t, "", "label", "configmap", "settings", "-n", "shop", "tier=backend")
		ok(t, "", "annotate", "configmap", "settings", "-n", "shop", "owner=team-a")
		ok(t, "", "patch", "configmap", "settings", "-n", "shop", "--type=merge", "-p", `{"data":{"size":"xl"}}`)
		ok(t, "", "patch", "configmap", "settings", "-n", "shop", "--type=json", "-p", `[{"op":"replace","path":"/data/color","value":"red"}]`)
		ok(t, "", "patch", "deployment", "web", "-n", "shop", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"EXTRA","value":"1"}]}]}}}}`)
		cm := ok(t, "", "get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.metadata.labels.tier} {.metadata.annotations.owner} {.data.color} {.data.size}")
		if cm != "backend team-a red xl" {
			t.Fatalf("configmap after label/annotate/patches: %q", cm)
		}
		env := ok(t, "", "get", "deployment", "web", "-n", "shop", "-o", "jsonpath={.spec.template.spec.containers[0].env[*].name} {.metadata.generation}")
		if env != "EXTRA MODE 2" && env != "MODE EXTRA 2" {
			t.Fatalf("strategic merge patch should merge env by name and bump generation: %q", env)
		}
		ok(t, "", "scale", "deployment", "web", "-n", "shop", "--replicas=5")
		if r := ok(t, "", "get", "deployment", "web", "-n", "shop", "-o", "jsonpath={.spec.replicas}"); r != "5" {
			t.Fatalf("replicas after scale: %q", r)
		}
		ok(t, "", "label", "configmap", "settings", "-n", "shop", "tier-")
	})

	t.Run("server-side-apply", func(t *testing.T) {
		cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: shop\ndata:\n  a: \"1\"\n"
		ok(t, cm, "apply", "--server-side", "-f", "-")
		ok(t, cm, "apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-")
		conflict := strings.Replace(cm, `a: "1"`, `a: "2"`, 1)
		errOut := fails(t, conflict, "apply", "--server-side", "--field-manager=third", "-f", "-")
		if !strings.Contains(errOut, "conflict") {
			t.Fatalf("expected an apply conflict, got:\n%s", errOut)
		}
		mf := ok(t, "", "get", "configmap", "ssa", "-n", "shop", "--show-managed-fields", "-o", "jsonpath={.metadata.managedFields[*].manager}")
		if !strings.Contains(mf, "kubectl") || !strings.Contains(mf, "other") {
			t.Fatalf("managed fields: %q", mf)
		}
	})

	t.Run("diff-explain-dryrun", func(t *testing.T) {
		changed := strings.Replace(app, "color: blue", "color: green", 1)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out, errOut, err := shared.kubectl(ctx, changed, "diff", "-f", "-")
		if ee, isExit := err.(*exec.ExitError); !isExit || ee.ExitCode() != 1 || !strings.Contains(out, "+  color: green") {
			t.Fatalf("diff should exit 1 and show the change: err %v\n%s\n%s", err, out, errOut)
		}
		exp := ok(t, "", "explain", "deployment.spec.replicas")
		if !strings.Contains(exp, "replicas") || !strings.Contains(exp, "integer") {
			t.Fatalf("explain:\n%s", exp)
		}
		ok(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\n  namespace: shop\n", "create", "--dry-run=server", "-f", "-")
		fails(t, "", "get", "configmap", "dry", "-n", "shop")
	})

	t.Run("watch", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, shared.bin, "kubectl", "--kubeconfig", shared.kubeconfig, "get", "configmaps", "-n", "shop", "-w", "--output-watch-events")
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		time.Sleep(time.Second)
		ok(t, "", "create", "configmap", "watched", "-n", "shop", "--from-literal=k=v")
		for line := range lines {
			if strings.Contains(line, "ADDED") && strings.Contains(line, "watched") {
				return
			}
		}
		t.Fatal("get -w did not report the new configmap")
	})

	t.Run("bad-input", func(t *testing.T) {
		errOut := fails(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [broken\n", "apply", "-f", "-")
		if !strings.Contains(strings.ToLower(errOut), "yaml") {
			t.Fatalf("broken YAML should give a YAML error:\n%s", errOut)
		}
		errOut = fails(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: shop\n", "create", "-f", "-")
		if !strings.Contains(errOut, "Invalid value") || !strings.Contains(errOut, "RFC 1123") {
			t.Fatalf("invalid name should be explained:\n%s", errOut)
		}
		errOut = fails(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: missing\n", "create", "-f", "-")
		if !strings.Contains(errOut, `namespaces "missing" not found`) {
			t.Fatalf("missing namespace:\n%s", errOut)
		}
		errOut = fails(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: shop\nbogus: 1\n", "create", "-f", "-")
		if !strings.Contains(errOut, "unknown field") {
			t.Fatalf("unknown field should be rejected under kubectl's strict validation:\n%s", errOut)
		}
	})

	t.Run("delete", func(t *testing.T) {
		ok(t, app, "delete", "-f", "-", "--timeout=60s", "--ignore-not-found")
		errOut := fails(t, "", "get", "namespace", "shop")
		if !strings.Contains(errOut, "NotFound") && !strings.Contains(errOut, "not found") {
			t.Fatalf("namespace should be gone:\n%s", errOut)
		}
	})
}
