package kubelet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/flowcontrol"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	"skiff/pkg/kubelet/cm"
	"skiff/pkg/kubelet/objects"
)

// Kubelet runs the pods the API server binds to one node through a CRI runtime, and reports
// the node and its pods. Create it with New and start it with Run.
type Kubelet struct {
	cfg Config
	log *slog.Logger

	conn    *grpc.ClientConn
	rt      runtimeapi.RuntimeServiceClient
	images  runtimeapi.ImageServiceClient
	observe *observer

	podFactory  informers.SharedInformerFactory
	objFactory  informers.SharedInformerFactory
	podInformer cache.SharedIndexInformer
	objects     objects.Getter
	volumes     volumeManager
	probes      probeManager
	cgroups     *cm.Manager

	events   record.EventBroadcaster
	recorder record.EventRecorder
	statuses *statusWriter
	workers  *podWorkers

	crashBackoff *flowcontrol.Backoff
	pullBackoff  *flowcontrol.Backoff

	mu          sync.Mutex
	runtimeName string
	runtimeVer  string
	podCIDR     string
	allocatable v1.ResourceList
	lastRelist  map[types.UID]string // fingerprints
	ready       chan struct{}
}

const podUIDIndex = "uid"

// New validates cfg and builds a Kubelet. It starts nothing: the CRI connection is dialled
// lazily and informers start in Run.
func New(cfg Config) (*Kubelet, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	conn, err := grpc.NewClient(cfg.RuntimeEndpoint, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, fmt.Errorf("kubelet: CRI endpoint %s: %w", cfg.RuntimeEndpoint, err)
	}
	k := &Kubelet{
		cfg: cfg, log: cfg.Log, conn: conn,
		rt: runtimeapi.NewRuntimeServiceClient(conn), images: runtimeapi.NewImageServiceClient(conn),
		cgroups:      &cm.Manager{Root: cfg.CgroupRoot},
		crashBackoff: newBackoff(cfg), pullBackoff: newBackoff(cfg),
		podCIDR: cfg.PodCIDR, lastRelist: map[types.UID]string{}, ready: make(chan struct{}),
	}
	k.observe = newObserver(k.rt, cfg.podsDir())
	k.podFactory = informers.NewSharedInformerFactoryWithOptions(cfg.Client, 0, informers.WithTweakListOptions(func(o *metav1.ListOptions) {
		o.FieldSelector = fields.OneTermEqualSelector("spec.nodeName", cfg.NodeName).String()
	}))
	k.podInformer = k.podFactory.Core().V1().Pods().Informer()
	if err := k.podInformer.AddIndexers(cache.Indexers{podUIDIndex: func(obj any) ([]string, error) {
		return []string{string(obj.(*v1.Pod).UID)}, nil
	}}); err != nil {
		return nil, err
	}
	k.objFactory = informers.NewSharedInformerFactory(cfg.Client, 0)
	k.objects = objects.NewInformerGetter(k.objFactory)
	k.events = record.NewBroadcaster()
	k.recorder = k.events.NewRecorder(scheme.Scheme, v1.EventSource{Component: "kubelet", Host: cfg.NodeName})
	k.statuses = newStatusWriter(cfg.Client)
	k.workers = newPodWorkers(k.syncPod, cfg.Log)
	k.volumes, k.probes = newDeps(k)
	return k, nil
}

func newBackoff(cfg Config) *flowcontrol.Backoff {
	b := flowcontrol.NewBackOff(cfg.BackoffInitial, cfg.BackoffMax)
	b.Clock = cfg.Clock
	return b
}

// Run registers the node, starts the pod informer, the pod workers, PLEG relisting, node
// status and lease loops, and blocks until ctx ends. It returns nil when ctx ends, or an error
// when it cannot start. Run may be called once.
func (k *Kubelet) Run(ctx context.Context) error {
	defer k.conn.Close()
	defer k.events.Shutdown()
	if err := k.prepareDirs(); err != nil {
		return err
	}
	if err := k.waitRuntime(ctx); err != nil {
		return ignoreCanceled(ctx, err)
	}
	k.events.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: k.cfg.Client.CoreV1().Events("")})
	if err := k.registerNode(ctx); err != nil {
		return ignoreCanceled(ctx, err)
	}
	k.awaitPodCIDR(ctx)
	if err := k.writeCNIConfig(); err != nil {
		return err
	}
	k.podInformer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { k.enqueueObj(obj) },
		UpdateFunc: func(_, obj any) { k.enqueueObj(obj) },
		DeleteFunc: func(obj any) { k.enqueueObj(obj) },
	})
	k.podFactory.Start(ctx.Done())
	k.objFactory.Start(ctx.Done())
	defer k.podFactory.Shutdown()
	defer k.objFactory.Shutdown()
	if !cache.WaitForCacheSync(ctx.Done(), k.podInformer.HasSynced) {
		return nil // ctx ended
	}
	k.objFactory.WaitForCacheSync(ctx.Done())
	k.workers.start(ctx)
	defer k.workers.wait()
	k.relist(ctx)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return k.probes.Run(gctx) })
	g.Go(func() error { k.every(gctx, k.cfg.RelistPeriod, k.relist); return nil })
	g.Go(func() error { k.every(gctx, k.cfg.SyncFrequency, k.resync); return nil })
	g.Go(func() error { k.every(gctx, k.cfg.NodeStatusUpdateFrequency, k.syncNodeStatus); return nil })
	g.Go(func() error { k.every(gctx, k.cfg.LeaseRenewInterval, k.renewLease); return nil })
	g.Go(func() error { k.every(gctx, time.Minute, k.housekeeping); return nil })
	k.log.Info("kubelet running", "runtime", k.runtimeName+"://"+k.runtimeVer)
	close(k.ready)
	return g.Wait()
}

// Ready is closed once Run has registered the node, synced its pod cache and started syncing
// pods.
func (k *Kubelet) Ready() <-chan struct{} { return k.ready }

// ignoreCanceled is nil when ctx ended (a normal shutdown), else err.
func ignoreCanceled(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// every runs f now and then every period until ctx ends.
func (k *Kubelet) every(ctx context.Context, period time.Duration, f func(context.Context)) {
	t := k.cfg.Clock.NewTicker(period)
	defer t.Stop()
	for {
		f(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C():
		}
	}
}

func (k *Kubelet) prepareDirs() error {
	for _, d := range []string{k.cfg.podsDir(), k.cfg.logsDir(), k.cfg.CNIConfDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("kubelet: %w", err)
		}
	}
	return nil
}

// waitRuntime waits until the CRI runtime answers Version, and records its name and version.
func (k *Kubelet) waitRuntime(ctx context.Context) error {
	for {
		v, err := k.rt.Version(ctx, &runtimeapi.VersionRequest{})
		if err == nil {
			k.mu.Lock()
			k.runtimeName, k.runtimeVer = v.RuntimeName, v.RuntimeVersion
			k.mu.Unlock()
			return nil
		}
		k.log.Info("waiting for the container runtime", "endpoint", k.cfg.RuntimeEndpoint, "err", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("kubelet: container runtime: %w", errors.Join(ctx.Err(), err))
		case <-k.cfg.Clock.After(time.Second):
		}
	}
}

func (k *Kubelet) enqueueObj(obj any) {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = d.Obj
	}
	if pod, ok := obj.(*v1.Pod); ok {
		k.workers.enqueue(pod.UID)
	}
}

// resync enqueues every pod bound to the node.
func (k *Kubelet) resync(context.Context) {
	for _, obj := range k.podInformer.GetStore().List() {
		k.workers.enqueue(obj.(*v1.Pod).UID)
	}
}

// podByUID is the informer's pod with uid (shared: never modify it), or nil.
func (k *Kubelet) podByUID(uid types.UID) *v1.Pod {
	objs, err := k.podInformer.GetIndexer().ByIndex(podUIDIndex, string(uid))
	if err != nil || len(objs) == 0 {
		return nil
	}
	return objs[0].(*v1.Pod)
}

// GetPod returns the pod bound to this node with that namespace and name, from the informer
// cache. The pod is shared: callers must not modify it.
func (k *Kubelet) GetPod(namespace, name string) (*v1.Pod, bool) {
	obj, ok, err := k.podInformer.GetStore().GetByKey(namespace + "/" + name)
	if err != nil || !ok {
		return nil, false
	}
	return obj.(*v1.Pod), true
}

// Pods returns the pods bound to this node that the kubelet manages, from the informer cache
// (pods being terminated included, until their deletion completes). The pods are shared:
// callers must not modify them.
func (k *Kubelet) Pods() []*v1.Pod {
	objs := k.podInformer.GetStore().List()
	pods := make([]*v1.Pod, 0, len(objs))
	for _, obj := range objs {
		pods = append(pods, obj.(*v1.Pod))
	}
	return pods
}

// Runtime is the CRI runtime client (for exec, attach, port-forward and stats).
func (k *Kubelet) Runtime() runtimeapi.RuntimeServiceClient { return k.rt }

// ContainerID finds the CRI container of the named container of pod: the newest instance, or
// with previous the one before it. logPath is the absolute path of its CRI log file.
func (k *Kubelet) ContainerID(pod *v1.Pod, container string, previous bool) (id, logPath string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rt, err := k.observe.pod(ctx, pod.UID)
	if err != nil {
		return "", "", err
	}
	c := rt.latest(container)
	if previous {
		c = rt.previous(container)
	}
	if c == nil {
		what := "container"
		if previous {
			what = "previous terminated container"
		}
		return "", "", fmt.Errorf("%s %q in pod %q not found", what, container, pod.Name)
	}
	logPath = c.LogPath
	if logPath != "" && !filepath.IsAbs(logPath) {
		logPath = filepath.Join(podLogDir(k.cfg, pod), logPath)
	}
	return c.ID, logPath, nil
}

// podLogDir is the CRI log directory of pod's sandbox.
func podLogDir(cfg Config, pod *v1.Pod) string {
	return filepath.Join(cfg.logsDir(), fmt.Sprintf("%s_%s_%s", pod.Namespace, pod.Name, pod.UID))
}

// podDir is the kubelet's directory for pod uid (volumes, etc-hosts, termination messages).
func podDir(cfg Config, uid types.UID) string { return filepath.Join(cfg.podsDir(), string(uid)) }
