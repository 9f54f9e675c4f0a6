#!/usr/bin/env bash
# The production build of Tessera for this machine, in one place: `make
# build`, `make test` and scripts/package-deb.sh call it.
#   scripts/build-release.sh [extra wails build flags]
# Stamped with scripts/version.sh --ldflags (version, date, release feed).
# Linux: a position-independent executable (-buildmode=pie, which wails
# build passes on to go build through GOFLAGS), as Debian asks of every
# binary (lintian: hardening-no-pie) — the window starts the same.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"
if [ "$(go env GOOS)" = linux ]; then
  export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildmode=pie"
fi
exec wails build -nocolour -m -ldflags "$(scripts/version.sh --ldflags)" "$@"
