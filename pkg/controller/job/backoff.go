package job

import "time"

// Upstream's pod-failure backoff: 10 s, doubling per failure, capped at 6 minutes.
const (
	defaultBackoffBase = 10 * time.Second
	maxBackoff         = 6 * time.Minute
)

// backoffDelay returns how long to wait after the last failure before creating a replacement,
// given failures consecutive failed pods: 0 for none, else base*2^(failures-1) capped at limit.
func backoffDelay(failures int, base, limit time.Duration) time.Duration {
	if failures <= 0 {
		return 0
	}
	d := base
	for i := 1; i < failures; i++ {
		d *= 2
		if d >= limit {
			return limit
		}
	}
	return min(d, limit)
}
