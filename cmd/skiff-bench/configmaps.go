package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// payload is the data of every benchmark ConfigMap: 100 bytes, a typical small object.
const payload = "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"

// configMapSet is the ConfigMaps of one namespace, partitioned by client worker so that
// workers never write the same object (no 409 conflicts). Each worker touches only its own
// slice, so no lock is needed while a phase runs.
type configMapSet struct {
	client    kubernetes.Interface
	namespace string
	owned     [][]*corev1.ConfigMap
}

// newConfigMapSet creates namespace (if absent) and returns an empty set for workers clients.
func newConfigMapSet(ctx context.Context, client kubernetes.Interface, namespace string, workers int) (*configMapSet, error) {
	if err := ensureNamespace(ctx, client, namespace); err != nil {
		return nil, err
	}
	return &configMapSet{client: client, namespace: namespace, owned: make([][]*corev1.ConfigMap, workers)}, nil
}

// ensureNamespace creates the namespace; one that already exists is fine.
func ensureNamespace(ctx context.Context, client kubernetes.Interface, name string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	_, err := client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create namespace %s: %w", name, err)
	}
	return nil
}

// Create creates a new ConfigMap owned by worker and remembers the stored object.
func (s *configMapSet) Create(ctx context.Context, worker, _ int) error {
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("w%d-%d", worker, len(s.owned[worker]))},
		Data:       map[string]string{"payload": payload, "n": "0"},
	}
	got, err := s.client.CoreV1().ConfigMaps(s.namespace).Create(ctx, cm, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	s.owned[worker] = append(s.owned[worker], got)
	return nil
}

// Get reads one of worker's ConfigMaps, round robin.
func (s *configMapSet) Get(ctx context.Context, worker, iter int) error {
	cm, err := s.pick(worker, iter)
	if err != nil {
		return err
	}
	_, err = s.client.CoreV1().ConfigMaps(s.namespace).Get(ctx, cm.Name, metav1.GetOptions{})
	return err
}

// Update rewrites one of worker's ConfigMaps, round robin, from the last version it stored
// (so the write carries a current resourceVersion), and remembers the new version.
func (s *configMapSet) Update(ctx context.Context, worker, iter int) error {
	cm, err := s.pick(worker, iter)
	if err != nil {
		return err
	}
	cm = cm.DeepCopy()
	cm.Data["n"] = strconv.Itoa(iter + 1)
	got, err := s.client.CoreV1().ConfigMaps(s.namespace).Update(ctx, cm, metav1.UpdateOptions{})
	if err != nil {
		return err
	}
	s.owned[worker][iter%len(s.owned[worker])] = got
	return nil
}

func (s *configMapSet) pick(worker, iter int) (*corev1.ConfigMap, error) {
	mine := s.owned[worker]
	if len(mine) == 0 {
		return nil, errors.New("worker created no ConfigMap to read or update")
	}
	return mine[iter%len(mine)], nil
}

// lister lists a namespace that holds a known number of ConfigMaps.
type lister struct {
	client    kubernetes.Interface
	namespace string
	want      int
}

// newLister counts the ConfigMaps in namespace now (the seeded ones plus any a controller
// added, such as kube-root-ca.crt) and returns a lister that expects that count.
func newLister(ctx context.Context, client kubernetes.Interface, namespace string) (lister, error) {
	list, err := client.CoreV1().ConfigMaps(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return lister{}, fmt.Errorf("list %s: %w", namespace, err)
	}
	return lister{client: client, namespace: namespace, want: len(list.Items)}, nil
}

// List lists the namespace and fails when the item count is not the expected one.
func (l lister) List(ctx context.Context, _, _ int) error {
	list, err := l.client.CoreV1().ConfigMaps(l.namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	if len(list.Items) != l.want {
		return fmt.Errorf("list %s: got %d items, want %d", l.namespace, len(list.Items), l.want)
	}
	return nil
}
