package apiserver_test

import (
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clientv3 "go.etcd.io/etcd/client/v3"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
)

// seen is a watch event reduced to what the tests compare.
type seen struct {
	Type watch.EventType
	Name string
	Data string
}

// collect reads n events (bookmarks included) from w, failing after 10 seconds.
func collect(t *testing.T, w watch.Interface, n int) ([]seen, []watch.Event) {
	t.Helper()
	var out []seen
	var raw []watch.Event
	timeout := time.After(10 * time.Second)
	for len(out) < n {
		select {
		case e, ok := <-w.ResultChan():
			if !ok {
				t.Fatalf("watch closed after %d events: %v", len(out), out)
			}
			s := seen{Type: e.Type}
			if cm, ok := e.Object.(*corev1.ConfigMap); ok {
				s.Name, s.Data = cm.Name, cm.Data["k"]
			}
			out, raw = append(out, s), append(raw, e)
		case <-timeout:
			t.Fatalf("timed out after %d events: %v", len(out), out)
		}
	}
	return out, raw
}

// configMapHistory creates, updates and deletes configmap "w" and returns the resourceVersions.
func configMapHistory(t *testing.T, ts *testServer) []string {
	t.Helper()
	cms := ts.kube.CoreV1().ConfigMaps("default")
	cm, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "w"}, Data: map[string]string{"k": "1"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rvs := []string{cm.ResourceVersion}
	cm.Data["k"] = "2"
	if cm, err = cms.Update(ts.ctx(), cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	rvs = append(rvs, cm.ResourceVersion)
	if err := cms.Delete(ts.ctx(), "w", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	return rvs
}

func TestWatchOrderAndResume(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	list, err := cms.List(ts.ctx(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := cms.Watch(ts.ctx(), metav1.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	rvs := configMapHistory(t, ts)
	got, _ := collect(t, w, 3)
	want := []seen{{watch.Added, "w", "1"}, {watch.Modified, "w", "2"}, {watch.Deleted, "w", "2"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	resumed, err := cms.Watch(ts.ctx(), metav1.ListOptions{ResourceVersion: rvs[0]})
	if err != nil {
		t.Fatal(err)
	}
	defer resumed.Stop()
	got, _ = collect(t, resumed, 2)
	if diff := cmp.Diff(want[1:], got); diff != "" {
		t.Errorf("events resumed from %s (-want +got):\n%s", rvs[0], diff)
	}
}

func TestWatchExpiredAfterCompaction(t *testing.T) {
	t.Parallel()
	ts := start(t)
	rvs := configMapHistory(t, ts)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	for _, name := range []string{"p1", "p2"} {
		if _, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := cms.List(ts.ctx(), metav1.ListOptions{Limit: 1})
	if err != nil || page.Continue == "" {
		t.Fatalf("first page: %v, continue %q", err, page.Continue)
	}
	// Written after the page so that compaction covers the page's revision.
	if _, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "p3"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cur, err := ts.etcd.Get(ts.ctx(), "compact-probe")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.etcd.Compact(ts.ctx(), cur.Header.Revision, clientv3.WithCompactPhysical()); err != nil {
		t.Fatal(err)
	}
	_, err = cms.List(ts.ctx(), metav1.ListOptions{Limit: 1, Continue: page.Continue})
	if !apierrors.IsResourceExpired(err) {
		t.Errorf("continue at a compacted revision: %v, want 410 Expired", err)
	}
	_, err = ts.kube.CoreV1().ConfigMaps("default").List(ts.ctx(), metav1.ListOptions{ResourceVersion: rvs[0], ResourceVersionMatch: metav1.ResourceVersionMatchExact})
	if !apierrors.IsResourceExpired(err) || codeOf(err) != 410 {
		t.Errorf("list at a compacted revision: %v, want 410 Expired", err)
	}
	w, err := ts.kube.CoreV1().ConfigMaps("default").Watch(ts.ctx(), metav1.ListOptions{ResourceVersion: rvs[0]})
	if err != nil {
		if !apierrors.IsResourceExpired(err) && !apierrors.IsGone(err) {
			t.Fatalf("watch from compacted rv: %v, want 410", err)
		}
		return
	}
	defer w.Stop()
	_, raw := collect(t, w, 1)
	st, ok := raw[0].Object.(*metav1.Status)
	if raw[0].Type != watch.Error || !ok || st.Code != 410 || st.Reason != metav1.StatusReasonExpired {
		t.Errorf("first event %v %#v, want ERROR with a 410 Expired Status", raw[0].Type, raw[0].Object)
	}
}

func TestWatchListInitialEvents(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	for i := range 3 {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("i%d", i)}, Data: map[string]string{"k": "v"}}
		if _, err := cms.Create(ts.ctx(), cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	w, err := cms.Watch(ts.ctx(), metav1.ListOptions{
		SendInitialEvents: ptr(true), AllowWatchBookmarks: true, ResourceVersionMatch: metav1.ResourceVersionMatchNotOlderThan,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	got, raw := collect(t, w, 4)
	want := []seen{{watch.Added, "i0", "v"}, {watch.Added, "i1", "v"}, {watch.Added, "i2", "v"}, {Type: watch.Bookmark}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	bm := raw[3].Object.(*corev1.ConfigMap)
	if bm.Annotations[metav1.InitialEventsAnnotationKey] != "true" || bm.ResourceVersion == "" {
		t.Errorf("bookmark metadata %+v, want the initial-events-end annotation and a resourceVersion", bm.ObjectMeta)
	}
	if _, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "later"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	got, _ = collect(t, w, 1)
	if diff := cmp.Diff([]seen{{watch.Added, "later", ""}}, got); diff != "" {
		t.Errorf("event after the bookmark (-want +got):\n%s", diff)
	}
}

func TestWatchRVIncreases(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	w, err := cms.Watch(ts.ctx(), metav1.ListOptions{ResourceVersion: "0"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	configMapHistory(t, ts)
	_, raw := collect(t, w, 3)
	last := int64(0)
	for _, e := range raw {
		rv, err := strconv.ParseInt(e.Object.(*corev1.ConfigMap).ResourceVersion, 10, 64)
		if err != nil || rv <= last {
			t.Errorf("event %s rv %d after %d (err %v)", e.Type, rv, last, err)
		}
		last = rv
	}
}

// recorder records informer notifications.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, s)
}

func (r *recorder) get() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

func TestInformer(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	if _, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "before"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	factory := informers.NewSharedInformerFactory(ts.kube, 0)
	inf := factory.Core().V1().ConfigMaps().Informer()
	rec := &recorder{}
	inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(o any) { rec.add("add " + o.(*corev1.ConfigMap).Name) },
		UpdateFunc: func(_, o any) {
			rec.add("update " + o.(*corev1.ConfigMap).Name + " " + o.(*corev1.ConfigMap).Data["k"])
		},
		DeleteFunc: func(o any) {
			if cm, ok := o.(*corev1.ConfigMap); ok {
				rec.add("delete " + cm.Name)
			}
		},
	})
	stop := make(chan struct{})
	defer close(stop)
	factory.Start(stop)
	if !cache.WaitForCacheSync(ts.ctx().Done(), inf.HasSynced) {
		t.Fatal("informer did not sync")
	}
	configMapHistory(t, ts)
	want := []string{"add before", "add w", "update w 2", "delete w"}
	eventually(t, func() error {
		if diff := cmp.Diff(want, rec.get()); diff != "" {
			return fmt.Errorf("informer events (-want +got):\n%s", diff)
		}
		return nil
	})
}

func TestWatchTimeout(t *testing.T) {
	t.Parallel()
	ts := start(t)
	w, err := ts.kube.CoreV1().ConfigMaps("default").Watch(ts.ctx(), metav1.ListOptions{TimeoutSeconds: ptr(int64(1))})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	select {
	case _, ok := <-w.ResultChan():
		if ok {
			t.Errorf("unexpected event on an idle watch")
		}
	case <-time.After(10 * time.Second):
		t.Errorf("watch with timeoutSeconds=1 still open after 10s")
	}
}

// Bookmarks come from etcd progress notifications; a progress request on the server's etcd
// client triggers one at once.
func TestWatchBookmarks(t *testing.T) {
	t.Parallel()
	ts := start(t)
	cms := ts.kube.CoreV1().ConfigMaps("default")
	w, err := cms.Watch(ts.ctx(), metav1.ListOptions{ResourceVersion: "1", AllowWatchBookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	cm, err := cms.Create(ts.ctx(), &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "bm"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := collect(t, w, 1); got[0].Type != watch.Added {
		t.Fatalf("first event %v, want ADDED", got)
	}
	if err := ts.etcd.RequestProgress(clientv3.WithRequireLeader(ts.ctx())); err != nil {
		t.Fatal(err)
	}
	_, raw := collect(t, w, 1)
	bm, ok := raw[0].Object.(*corev1.ConfigMap)
	if !ok {
		t.Fatalf("event %s %T, want a ConfigMap bookmark", raw[0].Type, raw[0].Object)
	}
	if raw[0].Type != watch.Bookmark || rvInt(t, bm.ResourceVersion) < rvInt(t, cm.ResourceVersion) || bm.Name != "" {
		t.Errorf("event %s %#v, want a BOOKMARK at or after rv %s", raw[0].Type, raw[0].Object, cm.ResourceVersion)
	}
}

func rvInt(t *testing.T, rv string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(rv, 10, 64)
	if err != nil {
		t.Fatalf("resourceVersion %q: %v", rv, err)
	}
	return n
}
