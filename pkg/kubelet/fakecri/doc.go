// Package fakecri is a stateful fake CRI runtime for tests: it implements the CRI v1
// RuntimeService and ImageService over gRPC on a unix socket, so a kubelet dials it exactly as
// it dials containerd. It keeps sandboxes, containers and images in memory, records every call,
// injects errors per method, and lets a test make a container exit (with a code and a reason such
// as OOMKilled) or vanish behind the kubelet's back.
//
// Nothing runs: StartContainer marks a container running, StopContainer marks it exited with
// code 137 (143 when it honours SIGTERM, see Server.SetStopExitCode). All methods are safe for
// concurrent use.
package fakecri
