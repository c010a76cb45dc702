# Skiff build and test entry points. `make cluster` starts a one-machine cluster;
# `make test` runs the whole test suite (CI runs exactly that through .ci/run).
GO ?= go
BIN := bin/skiff
LDFLAGS := -X skiff/pkg/version.GitVersion=v1.37.2+skiff-$(shell git rev-parse --short HEAD 2>/dev/null || echo dev)

# AGENT_IMAGES is where the in-process agent of `skiff server` (default data dir, as in
# cmd/skiff) imports image tarballs from at start.
AGENT_IMAGES ?= $(if $(filter 0,$(shell id -u)),/var/lib/skiff,$(HOME)/.local/share/skiff)/agent/images

.PHONY: build deps images cluster test test-short bench vet

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/skiff

# deps installs what building and testing need on a fresh Debian machine.
deps:
	./hack/install-deps.sh

# images builds the project's own images (pause, busybox, testserver) as tarballs in build/images.
images:
	$(GO) run ./cmd/skiff-images -out build/images

cluster: deps build images
	mkdir -p $(AGENT_IMAGES)
	cp build/images/*.tar $(AGENT_IMAGES)/
	./$(BIN) server

test: deps
	$(GO) vet ./...
	$(GO) test -timeout 45m -p 2 ./...

test-short:
	$(GO) test -short ./...

bench: build
	$(GO) run ./cmd/skiff-bench

vet:
	$(GO) vet ./...
