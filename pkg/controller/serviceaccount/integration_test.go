package serviceaccount_test

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"

	"skiff/pkg/controller/controllertest"
	"skiff/pkg/controller/serviceaccount"
)

func TestDefaultServiceAccount(t *testing.T) {
	e := controllertest.Start(t, "")
	cs, ctx := e.Client, e.Ctx
	c := serviceaccount.New(cs, e.Informers, e.Recorder, e.Log)
	e.Run(func(ctx context.Context) error { return c.Run(ctx, 2) })

	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitSA := func(what string, notUID types.UID) *corev1.ServiceAccount {
		t.Helper()
		var sa *corev1.ServiceAccount
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			got, err := cs.CoreV1().ServiceAccounts("team-a").Get(ctx, "default", metav1.GetOptions{})
			sa = got
			return err == nil && got.UID != notUID, nil
		})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return sa
	}
	first := waitSA("default service account created in new namespace", "")
	if err := cs.CoreV1().ServiceAccounts("team-a").Delete(ctx, "default", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitSA("default service account recreated", first.UID)
}
