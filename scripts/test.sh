#!/usr/bin/env bash
# Every test of Tessera; `make test` runs this after scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"
# Pin Go's caches before any step changes XDG_CACHE_HOME (TOOLCHAIN P13).
export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)"
mkdir -p build/artifacts
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
T0=$SECONDS

step "gofmt and go vet"
unformatted="$(gofmt -l $(git ls-files '*.go') 2>/dev/null || true)"
if [ -n "$unformatted" ]; then echo "not gofmt-ed: $unformatted" >&2; exit 1; fi
go vet ./...

step "Go tests (race detector)"
# E2B's real envd for the conformance suite's real half: TESSERA_REAL_ENVD,
# else ../shared/e2b/real/envd beside the checkout (README, Development).
# Nothing else is looked at: the project knows no machine's paths.
if [ -z "${TESSERA_REAL_ENVD:-}" ] && [ -x "$PWD/../shared/e2b/real/envd" ]; then
  export TESSERA_REAL_ENVD="$PWD/../shared/e2b/real/envd"
fi
if [ -z "${TESSERA_REAL_ENVD:-}" ]; then
  echo "conformance suite: the real envd half is SKIPPED: no E2B envd binary (set TESSERA_REAL_ENVD, or put it at ../shared/e2b/real/envd)"
elif [ ! -x "$TESSERA_REAL_ENVD" ]; then
  echo "TESSERA_REAL_ENVD=$TESSERA_REAL_ENVD is not an executable file" >&2; exit 1
elif [ "$(id -u)" -ne 0 ]; then
  echo "conformance suite: the real envd half is SKIPPED: E2B's envd must run as root (it switches users)"
else
  echo "conformance suite: the fake and E2B's real envd ($TESSERA_REAL_ENVD)"
fi
go test -race -count=1 ./...

step "Real keychain (gnome-keyring inside dbus-run-session)"
XDG_DATA_HOME="$(mktemp -d)" dbus-run-session -- bash -c '
  echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  TESSERA_REAL_KEYRING=1 go test -count=1 -run TestRealSecretService ./backend/secrets/' 2>&1 | grep -v "fd limit"
# gnome-keyring started without --unlock has no keyring at all.
XDG_DATA_HOME="$(mktemp -d)" dbus-run-session -- bash -c '
  gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1
  TESSERA_NO_KEYRING=1 go test -count=1 -run TestRealServiceWithoutKeyring ./backend/secrets/' 2>&1 | grep -v "fd limit"

step "E2B's own JS SDK (e2b 2.51.0, @e2b/code-interpreter 2.8.0) against the fake E2B"
go build -o build/bin/fakee2b ./backend/e2b/e2btest/cmd/fakee2b
(cd e2e/sdk && node --test --test-reporter=spec)

step "Fuzz (brief)"
bash scripts/fuzz.sh 5s

step "Benchmarks compile and run once"
go test -short -run='^$' -bench=. -benchtime=1x ./backend/... >/dev/null # -short: small corpora

step "Frontend: bindings regenerated from Go, typecheck and unit tests"
# The page's types derive from the generated models.ts (src/api/types.ts):
# regenerating them first makes a Go DTO change that the TypeScript code
# does not follow fails tsc here.
wails generate module >build/artifacts/wails-generate.log 2>&1 || { cat build/artifacts/wails-generate.log; exit 1; }
git checkout -- frontend/wailsjs/runtime # the CLI rewrites it; ours is pinned
if ! git diff --quiet -- frontend/wailsjs/go; then
  echo "note: frontend/wailsjs/go changed with the Go types; commit the regenerated bindings:"
  git --no-pager diff --stat -- frontend/wailsjs/go
fi
(cd frontend && npx tsc --noEmit && npx vitest run)

step "Production build and its window under Xvfb"
# Stamped like a release (version from wails.json, build date): the About
# dialog shows both, and the .deb below packages this very binary.
bash scripts/build-release.sh >build/artifacts/wails-build.log 2>&1 || { cat build/artifacts/wails-build.log; exit 1; }
readelf -h build/bin/tessera | grep -q 'Type: *DYN' || { echo "build/bin/tessera is not position-independent (PIE)" >&2; exit 1; }
bash scripts/window-shot.sh build/bin/tessera build/artifacts/window.png

step "Debian package: build, install with apt, start under Xvfb, remove"
bash scripts/deb-test.sh build/bin/tessera

step "Windows cross-build: tessera.exe and its NSIS installer"
bash scripts/package-windows.sh --skip-frontend

step "End-to-end tests of the real app (dev build, Xvfb, Chromium)"
bash scripts/e2e.sh

echo
echo "All tests passed in $((SECONDS - T0)) s."
