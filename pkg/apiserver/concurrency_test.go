package apiserver_test

import (
	"fmt"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Concurrent patches of one object all land: the server retries its compare-and-swap.
func TestConcurrentPatches(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	if _, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "hot"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			patch := fmt.Sprintf(`{"data":{"k%d":"v"}}`, i)
			_, err := cms.Patch(ts.ctx(), "hot", types.MergePatchType, []byte(patch), metav1.PatchOptions{})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("patch: %v", err)
		}
	}
	got, err := cms.Get(ts.ctx(), "hot", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Data) != n {
		t.Errorf("%d keys after %d concurrent patches: %v", len(got.Data), n, got.Data)
	}
}
