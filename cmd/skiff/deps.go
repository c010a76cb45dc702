package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/spf13/cobra"
	_ "go.etcd.io/etcd/client/v3"
	_ "go.etcd.io/etcd/server/v3/embed"
	_ "golang.org/x/sync/errgroup"
	_ "k8s.io/api/core/v1"
	_ "k8s.io/apimachinery/pkg/util/managedfields"
	_ "k8s.io/client-go/kubernetes"
	_ "k8s.io/kube-openapi/pkg/validation/spec"
	_ "k8s.io/kubectl/pkg/cmd"
	_ "sigs.k8s.io/structured-merge-diff/v6/typed"
	_ "gopkg.in/evanphx/json-patch.v4"
	_ "k8s.io/utils/clock"
)

func main() {}
