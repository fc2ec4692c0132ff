# tenantscan — run `make` for the list of targets.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## build bin/tenantscan
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/tenantscan ./cmd/tenantscan

.PHONY: test
test: ## go vet, gofmt check, go test -race and the Rego unit tests
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	$(GO) run ./cmd/tenantscan verify

.PHONY: verify
verify: ## run the Rego unit tests only
	$(GO) run ./cmd/tenantscan verify -v

BENCH_CORPUS ?= $(or $(TMPDIR),/tmp)/tenantscan-bench-corpus

.PHONY: bench
bench: ## run the Go benchmarks, on generated corpora of 20 tenants x 2,000 users (and 10 findings-heavy ones) too
	$(GO) run ./fixtures/gen -tenants 20 -users 2000 -out $(BENCH_CORPUS)
	$(GO) run ./fixtures/gen -tenants 10 -users 2000 -findings-heavy -out $(BENCH_CORPUS)-heavy
	TENANTSCAN_BENCH_CORPUS=$(BENCH_CORPUS) TENANTSCAN_BENCH_HEAVY_CORPUS=$(BENCH_CORPUS)-heavy $(GO) test -run '^$$' -bench . -benchmem ./...

.PHONY: bench-peers
bench-peers: ## tenantscan vs decode-only, conftest and opa eval on a generated corpus (docs/performance.md)
	scripts/bench-peers.sh 100 2000

.PHONY: lint
lint: ## gofmt and go vet
	gofmt -l -d .
	$(GO) vet ./...

.PHONY: docs
docs: ## regenerate docs/controls.md from the policies' METADATA
	$(GO) run ./cmd/tenantscan policies --format markdown > docs/controls.md

.PHONY: screenshots
screenshots: ## render docs/images (needs LibreOffice, poppler and Chromium)
	scripts/screenshots.sh

.PHONY: demo
demo: ## scan the bundled fixtures
	$(GO) run ./cmd/tenantscan scan fixtures/
