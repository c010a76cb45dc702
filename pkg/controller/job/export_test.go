package job

import "time"

// SetBackoffBase shortens the pod-failure backoff for integration tests.
func SetBackoffBase(c *Controller, d time.Duration) { c.backoffBase = d }

// IsFinished exposes isFinished to the integration tests.
var IsFinished = isFinished
