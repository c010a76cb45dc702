// Package pki creates and reuses the certificates a Skiff control plane needs:
// a self-signed certificate authority, serving certificates for the API
// server, client certificates for users such as the admin, and the kubeconfig
// files that carry those credentials.
//
// Everything lives as PEM files in a directory chosen by the caller. Private
// keys are ECDSA P-256 and are written with mode 0600; every write is atomic
// (temporary file, fsync, rename), so a crash never leaves half a key behind.
// Functions that "ensure" a file load it when it is still usable and issue a
// fresh one otherwise, so calling them on every start is cheap and idempotent.
package pki
