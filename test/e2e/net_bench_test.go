package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// BenchmarkServiceVIP compares HTTP requests to one test-server pod straight to its pod IP with
// the same requests through its Service's cluster IP (nftables DNAT), from the node, over
// keep-alive connections and with a new connection per request (every new connection goes
// through the NAT lookup and a conntrack entry). Run it with
//
//	go test ./test/e2e -run XXX -bench ServiceVIP -benchtime 5s
//
// The ratios are logged at the end (vip ns/op divided by pod-ip ns/op).
func BenchmarkServiceVIP(b *testing.B) {
	c := nodeCluster(b)
	cs := nodeClient(b)
	ns := c.namespace(b, "net-bench")
	c.must(b, strings.Replace(webApp, "replicas: 3", "replicas: 1", 1), "apply", "-n", ns, "-f", "-")
	c.must(b, "", "rollout", "status", "-n", ns, "deployment/web", "--timeout=120s")
	var podIP string
	for _, ip := range webPods(b, cs, ns) {
		podIP = ip
	}
	vip := serviceOf(b, cs, ns, "web").Spec.ClusterIP
	targets := map[string]string{
		"pod-ip": "http://" + net.JoinHostPort(podIP, "8080") + "/hostname",
		"vip":    "http://" + vip + "/hostname",
	}
	eventually(b, 20*time.Second, "the VIP answers", func() (bool, string) {
		_, err := get(targets["vip"])
		return err == nil, fmt.Sprint(err)
	})
	perOp := map[string]float64{}
	for _, conn := range []string{"keepalive", "new-conn"} {
		for _, target := range []string{"pod-ip", "vip"} {
			name := target + "/" + conn
			b.Run(name, func(b *testing.B) {
				tr := &http.Transport{DisableKeepAlives: conn == "new-conn", MaxIdleConnsPerHost: 64}
				defer tr.CloseIdleConnections()
				client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
				b.SetParallelism(4)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						resp, err := client.Get(targets[target])
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				})
				b.StopTimer()
				perOp[name] = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			})
		}
	}
	for _, conn := range []string{"keepalive", "new-conn"} {
		if p, v := perOp["pod-ip/"+conn], perOp["vip/"+conn]; p > 0 && v > 0 {
			b.Logf("%s: pod IP %.0f req/s, VIP %.0f req/s, VIP/pod-IP throughput ratio %.2f", conn, 1e9/p, 1e9/v, p/v)
		}
	}
}
