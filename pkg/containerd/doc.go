// Package containerd runs a private containerd as a child process of the node agent.
//
// A Supervisor owns everything under <data-dir>/containerd: it writes config.toml (CRI
// settings these machines need, see DESIGN.md), translates <data-dir>/registries.yaml into
// containerd's certs.d hosts.toml files, starts containerd, waits until its CRI answers,
// imports the image tarballs found in <data-dir>/images, restarts containerd with backoff when
// it dies and stops it when its context ends. Stopping containerd leaves the containers
// running: their shims outlive it, so a restarted agent finds them again through CRI.
package containerd
