// Command skiff-images builds the project's images as tarballs (see pkg/imagebuild):
//
//	go run ./cmd/skiff-images -out build/images
//
// writes pause.tar (localhost/pause:3.9), busybox.tar (localhost/busybox:1.35) and
// testserver.tar (localhost/testserver:v1). Copy them into <agent-data-dir>/images/ and the
// agent imports them at start.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"skiff/pkg/imagebuild"
)

func main() {
	out := flag.String("out", "build/images", "directory to write the image tarballs to")
	force := flag.Bool("force", false, "rebuild even when the tarballs there match the sources")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := imagebuild.Options{OutDir: *out}
	build := imagebuild.Ensure
	if *force {
		build = imagebuild.Build
	}
	paths, err := build(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "skiff-images:", err)
		os.Exit(1)
	}
	for _, p := range paths {
		fmt.Println(p)
	}
}
