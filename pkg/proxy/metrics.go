package proxy

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the proxy's Prometheus metrics (registered only when Config.Metrics is set).
type metrics struct {
	duration *prometheus.HistogramVec
	lastSync prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) metrics {
	m := metrics{
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "skiff_proxy_sync_duration_seconds",
			Help:    "Time to compute and apply the service rules, by kind of sync (full or partial).",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
		}, []string{"kind"}),
		lastSync: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "skiff_proxy_last_sync_timestamp_seconds",
			Help: "Unix time of the last successful sync of the service rules.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.duration, m.lastSync)
	}
	return m
}

func (m metrics) observe(took time.Duration, now time.Time, full bool) {
	kind := "partial"
	if full {
		kind = "full"
	}
	m.duration.WithLabelValues(kind).Observe(took.Seconds())
	m.lastSync.Set(float64(now.UnixNano()) / 1e9)
}
