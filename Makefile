# Skiff build and test entry points. `make cluster` starts a one-machine cluster;
# `make test` runs the whole test suite (CI runs exactly that through .ci/run).
GO ?= go
BIN := bin/skiff
LDFLAGS := -X skiff/pkg/version.GitVersion=v1.37.2+skiff-$(shell git rev-parse --short HEAD 2>/dev/null || echo dev)

.PHONY: build deps cluster test test-short bench vet

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/skiff

# deps installs what building and testing need on a fresh Debian machine.
deps:
	./hack/install-deps.sh

cluster: deps build
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
