# tenantscan — run `make` for the list of targets.
GO      ?= go
# The version stamped into bin/tenantscan: the release tag (v1.2.3), the tag
# and the commits since (v1.2.3-4-gabc1234), or the commit; -dirty when the
# tree has changes. Without git the binary shows its module version.
VERSION ?= $(shell git describe --tags --match 'v[0-9]*' --always --dirty 2>/dev/null)
# Static (CGO_ENABLED=0), no local paths (-trimpath), no build id: the same
# commit gives the same bytes on any machine (see docs/install.md).
LDFLAGS := -s -w -buildid= $(if $(VERSION),-X main.version=$(VERSION))

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-17s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## build bin/tenantscan
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/tenantscan ./cmd/tenantscan

.PHONY: test
test: ## go vet (Linux and Windows), gofmt check, go test -race, the Rego unit tests, actionlint
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	CGO_ENABLED=0 $(GO) vet -trimpath ./...
	CGO_ENABLED=0 GOOS=windows $(GO) vet -trimpath ./...
	$(MAKE) --no-print-directory build
	$(GO) test -race -count=1 ./...
	bin/tenantscan verify
	$(GO) run ./scripts/lintactions

# GoReleaser, pinned; `go run` builds it once (a few minutes), then caches it.
GORELEASER ?= $(GO) run github.com/goreleaser/goreleaser/v2@v2.15.1

.PHONY: release-snapshot
release-snapshot: ## release archives (linux/darwin/windows x amd64/arm64) and checksums in dist/, published nowhere
	$(GORELEASER) release --snapshot --clean

IMAGE ?= tenantscan:$(or $(VERSION),dev)

.PHONY: image
image: ## container image with docker (needs a daemon and the base images); see make image-tar
	docker build --build-arg VERSION=$(VERSION) -t $(IMAGE) .

.PHONY: image-tar
image-tar: ## the same image without a daemon: bin/tenantscan-image.tar, for docker load / podman load
	CGO_ENABLED=0 GOOS=linux $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/image/tenantscan ./cmd/tenantscan
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || echo 0) \
	  $(GO) run ./scripts/image -binary bin/image/tenantscan -version $(or $(VERSION),dev) -tag $(IMAGE) -out bin/tenantscan-image.tar

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

# The packages whose tests compare with golden files (they import
# internal/golden, which defines -update).
GOLDEN_PKGS = $(shell $(GO) list -f '{{.ImportPath}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}' ./... | awk '/internal\/golden/ {print $$1}')

.PHONY: golden
golden: ## rewrite every golden file, docs/controls.md and the README sample from the code; review with git diff
	$(GO) test -count=1 $(GOLDEN_PKGS) -update

.PHONY: docs
docs: ## regenerate docs/controls.md from the policies' METADATA
	$(GO) run ./cmd/tenantscan policies --format markdown > docs/controls.md

.PHONY: screenshots
screenshots: ## render docs/images (needs LibreOffice, poppler and Chromium)
	scripts/screenshots.sh

.PHONY: demo
demo: ## scan the bundled fixtures
	$(GO) run ./cmd/tenantscan scan fixtures/
