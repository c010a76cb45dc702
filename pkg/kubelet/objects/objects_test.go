package objects

import (
	"context"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
)

func objs() []any {
	return []any{
		&v1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "cm"}, Data: map[string]string{"k": "v"}},
		&v1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "s"}, Data: map[string][]byte{"k": []byte("v")}},
	}
}

func check(t *testing.T, g Getter) {
	t.Helper()
	if cm, err := g.ConfigMap("ns", "cm"); err != nil || cm.Data["k"] != "v" {
		t.Errorf("ConfigMap = %v, %v", cm, err)
	}
	if s, err := g.Secret("ns", "s"); err != nil || string(s.Data["k"]) != "v" {
		t.Errorf("Secret = %v, %v", s, err)
	}
	if _, err := g.ConfigMap("other", "cm"); !apierrors.IsNotFound(err) {
		t.Errorf("missing ConfigMap err = %v", err)
	}
	if _, err := g.Secret("ns", "x"); !apierrors.IsNotFound(err) || err.Error() != `secret "x" not found` {
		t.Errorf("missing Secret err = %v", err)
	}
}

func TestStatic(t *testing.T) { check(t, NewStatic(objs()...)) }

func TestInformerGetter(t *testing.T) {
	o := objs()
	client := fake.NewClientset(o[0].(*v1.ConfigMap), o[1].(*v1.Secret))
	f := informers.NewSharedInformerFactory(client, time.Minute)
	g := NewInformerGetter(f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.Start(ctx.Done())
	f.WaitForCacheSync(ctx.Done())
	check(t, g)
}
