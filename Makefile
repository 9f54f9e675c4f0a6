# The README's two commands. Both install what is missing first.
SHELL := /bin/bash
export PATH := $(shell go env GOPATH 2>/dev/null)/bin:$(PATH)

.PHONY: run test setup build dev bench fmt package-deb package-windows

run: setup build
	./build/bin/tessera

test: setup
	bash scripts/test.sh

setup:
	@bash scripts/setup.sh

build:
	bash scripts/build-release.sh

# Installers (see README, "Installers"). The .deb is also built, installed
# and removed by `make test`.
package-deb: setup
	bash scripts/package-deb.sh

package-windows: setup
	bash scripts/package-windows.sh

# Benchmarks behind the performance targets in the issues (not part of test).
bench: setup
	bash scripts/bench.sh

fmt:
	gofmt -w $$(git ls-files '*.go')
