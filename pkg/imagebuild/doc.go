// Package imagebuild builds the project's own container images as tarballs, with no registry
// and no Docker: localhost/pause:3.9 (the pod sandbox image), localhost/busybox:1.35 (Debian's
// static busybox with its applet links) and localhost/testserver:v1 (test/images/testserver).
//
// Go programs are compiled statically with the local toolchain; the layers are assembled in
// memory with go-containerregistry and written as docker-archive tarballs that containerd
// imports (`ctr images import`) and that keep their tags. cmd/skiff-images is the command
// line; tests call Ensure to get the tarballs built at most once per source version.
package imagebuild
